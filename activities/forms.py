"""Forms of the ledger: filing a record (with its evidence files), reviewing, filtering."""

from __future__ import annotations

import json
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities import evidence, measures, services
from activities.models import ActivityRecord
from activities.types import ActivityType
from campaigns.models import Campaign, Task
from organisations.models import Domain, Organisation


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class RecordForm(forms.ModelForm):
    """The liaison's filing form. `clean_files` returns the uploads checked cheaply
    (`evidence.Staged`), so the service only keeps what passed; the worker processes them."""

    unit = forms.ModelChoiceField(label=_("填报单位"), queryset=Organisation.objects.none())
    files = MultipleFileField(
        label=_("佐证材料"),
        required=False,
        help_text=_(
            "照片（JPG、PNG、WebP、HEIC）或签到表、会议记录（PDF、Word、Excel），可一次选择多个文件。"
        ),
        widget=MultipleFileInput(
            attrs={"accept": "image/*,.heic,.pdf,.docx,.xlsx", "class": "form-control"}
        ),
    )

    # The record's version the form was made from (an edit made from an older one is refused)
    # and, on a new record, the form's one-time token (a second POST finds the first record).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ActivityRecord
        fields = [
            "date",
            "domain",
            "tasks",
            "type",
            "title",
            "place",
            "organiser",
            "participants",
            "quantity",
            "description",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "tasks": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
            "participants": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "quantity": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
        }
        error_messages = {
            "participants": {"min_value": _("参加人数不能为负数。")},
        }

    field_order = [
        "unit",
        "date",
        "domain",
        "type",
        "title",
        "place",
        "organiser",
        "participants",
        "quantity",
        "tasks",
        "description",
        "files",
        "version",
        "token",
    ]

    def __init__(self, *args, units, record: ActivityRecord | None = None, **kwargs):
        self.record = record
        super().__init__(*args, instance=record, **kwargs)
        if record is None:
            self.fields["date"].initial = timezone.localdate
            self.fields["token"].initial = uuid.uuid4
            del self.fields["version"]
        else:
            self.fields["version"].initial = record.version
            del self.fields["token"]
        units = list(units)
        self.fields["unit"].queryset = Organisation.objects.filter(pk__in=[u.pk for u in units])
        if record is not None and record.pk:
            self.fields["unit"].initial = record.unit_id
            self.fields["unit"].disabled = True
        elif len(units) == 1:
            self.fields["unit"].initial = units[0].pk
            self.fields["unit"].disabled = True
        if record is None and units:
            self.fields["domain"].initial = units[0].main_domain_id
        self.fields["domain"].queryset = Domain.objects.all()
        self.fields["participants"].min_value = 0
        self._measure_field(units, record)
        self.fields["participants"].error_messages["min_value"] = _("参加人数不能为负数。")
        # Validation accepts any task of the township's campaigns so that a task of another
        # unit gets its own message; the choices shown are the unit's own tasks only.
        townships = {u.township_id for u in units}
        self.fields["tasks"].queryset = Task.objects.filter(campaign__township__in=townships)
        mine = Task.objects.none()
        for unit in units:
            campaign = record.campaign if record is not None and record.pk else None
            campaign = campaign or services.current_campaign(unit.township_id)
            if campaign is not None:
                mine = mine | services.unit_tasks(unit.pk, campaign.pk)
        self.fields["tasks"].widget.choices = [(t.pk, t.title) for t in mine.order_by("id")]
        self.fields["tasks"].required = False
        self.fields["tasks"].help_text = _("只列出本单位牵头或协办的任务。")

    def _measure_field(self, units, record) -> None:
        """The quantity is asked in the measure of the chosen type ("数量（条）" for 标语); the
        words for every type ride along so the page can relabel it when the type changes."""
        township_id = record.township_id if record is not None and record.pk else None
        if township_id is None and units:
            township_id = units[0].township_id
        table = measures.measures_for(township_id)
        field = self.fields["quantity"]
        field.min_value = 0
        field.required = False  # left empty: one (one event, one slogan …)
        field.error_messages["min_value"] = _("数量不能为负数。")
        field.error_messages["required"] = _("请填写数量。")
        kind = (self.data.get("type") if self.is_bound else None) or (
            record.type if record is not None else ""
        )
        current = table.get(kind)
        field.label = _("数量（%(unit)s）") % {"unit": current.unit} if current else _("数量")
        field.help_text = _("按活动类型计数：") + "；".join(
            f"{m.label}—{m.verb}{m.noun}…{m.unit}" for m in table.values()
        )
        field.widget.attrs["data-measures"] = json.dumps(
            {k: m.unit for k, m in table.items()}, ensure_ascii=False
        )
        field.widget.attrs["data-measure-label"] = str(_("数量"))

    def clean_quantity(self):
        quantity = self.cleaned_data.get("quantity")
        return 1 if quantity is None else quantity

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date and date > timezone.localdate():
            raise ValidationError(_("活动日期不能晚于今天。"))
        return date

    def clean_files(self):
        uploads = self.cleaned_data.get("files") or []
        existing = services.evidence_count(self.record)
        try:  # counted before any file is read, so fifty photos cost nothing to refuse
            evidence.check_file_count(existing, len(uploads))
        except evidence.EvidenceError as exc:
            raise ValidationError(str(exc)) from exc
        # Only the cheap checks here (type by content, declared size): decoding, EXIF,
        # re-encoding, thumbnails and hashing run in the Celery worker (activities.photos).
        prepared, errors = [], []
        for upload in uploads:
            try:
                prepared.append(evidence.check_upload(upload))
            except evidence.EvidenceError as exc:
                errors.append(str(exc))
        if errors:
            raise ValidationError(errors)
        total = services.evidence_total(self.record) + sum(p.size for p in prepared)
        if total > evidence.record_limit():
            raise ValidationError(
                _("本条记录的佐证材料合计超过 %(mb)s MB。") % {"mb": settings.RECORD_UPLOAD_MAX_MB}
            )
        return prepared

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit")
        if unit is None:
            return cleaned
        if self.record is not None and self.record.pk:
            campaign = self.record.campaign
        else:
            campaign = services.current_campaign(unit.township_id)
        if campaign is None:
            raise ValidationError(_("本镇还没有创建工作，暂不能填报。"))
        self.campaign = campaign
        date = cleaned.get("date")
        if date:
            try:
                services.check_date(date, campaign)
            except ValidationError as exc:
                self.add_error("date", exc)
        tasks = cleaned.get("tasks")
        if tasks and cleaned.get("type"):
            try:
                services.check_tasks(unit.pk, campaign.pk, cleaned["type"], tasks)
            except ValidationError as exc:
                self.add_error("tasks", exc)
        return cleaned

    def submission_token(self) -> uuid.UUID:
        """The form's one-time token (a form sent without one gets a fresh token)."""
        return self.cleaned_data.get("token") or uuid.uuid4()

    def record_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.RECORD_FIELDS}


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤销原因"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": _("请填写撤销原因。")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("请填写撤销原因。"))
        return reason


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回原因"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": _("请填写退回原因。")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("请填写退回原因。"))
        return reason


class RecordFilterForm(forms.Form):
    """Filters for the review queue and record lists (all optional)."""

    campaign = forms.ModelChoiceField(
        label=_("创建工作"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("全部活动"),
    )
    domain = forms.ModelChoiceField(
        label=_("领域"), queryset=Domain.objects.all(), required=False, empty_label=_("全部领域")
    )
    unit = forms.ModelChoiceField(
        label=_("单位"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("全部单位"),
    )
    type = forms.ChoiceField(
        label=_("类型"), choices=[("", _("全部类型")), *ActivityType.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[("", _("全部状态")), *ActivityRecord.Status.choices],
        required=False,
    )
    date_from = forms.DateField(
        label=_("开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("结束日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, units, campaigns=None, default_status: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if campaigns is None:
            del self.fields["campaign"]
        else:
            self.fields["campaign"].queryset = campaigns
        self.default_status = default_status
        if not self.is_bound:
            self.fields["status"].initial = default_status
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{css} form-select-sm form-control-sm"

    def apply(self, records):
        if not self.is_valid():
            return records.filter(status=self.default_status) if self.default_status else records
        data = self.cleaned_data
        if data.get("campaign"):
            records = records.filter(campaign=data["campaign"])
        if data["domain"]:
            records = records.filter(domain=data["domain"])
        if data["unit"]:
            records = records.filter(unit=data["unit"])
        if data["type"]:
            records = records.filter(type=data["type"])
        status = data["status"] if "status" in self.data else self.default_status
        if status:
            records = records.filter(status=status)
        if data["date_from"]:
            records = records.filter(date__gte=data["date_from"])
        if data["date_to"]:
            records = records.filter(date__lte=data["date_to"])
        return records


class MeasureForm(forms.Form):
    """Verb, object and measure word of every activity type, on one page."""

    PARTS = ("verb", "noun", "unit")

    def __init__(self, *args, measures: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.measures = measures
        lengths = {"verb": 10, "noun": 20, "unit": 4}
        labels = {"verb": _("动词"), "noun": _("计数对象"), "unit": _("计量单位")}
        for kind, measure in measures.items():
            for part in self.PARTS:
                self.fields[f"{kind}-{part}"] = forms.CharField(
                    label=labels[part],
                    max_length=lengths[part],
                    initial=getattr(measure, part),
                    error_messages={
                        "required": _("请填写%(type)s的%(part)s。")
                        % {"type": measure.label, "part": labels[part]},
                        "max_length": _("%(type)s的%(part)s最多 %(n)s 个字。")
                        % {"type": measure.label, "part": labels[part], "n": lengths[part]},
                    },
                    widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
                )

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            value = value.strip()
            if any(ch.isdigit() for ch in value):
                self.add_error(name, _("计量用语中不能有数字。"))
            cleaned[name] = value
        return cleaned

    def grouped(self) -> list[dict]:
        return [
            {"measure": m, "fields": [self[f"{kind}-{part}"] for part in self.PARTS]}
            for kind, m in self.measures.items()
        ]

    def rows(self) -> dict[str, tuple[str, str, str]]:
        data = self.cleaned_data
        return {
            kind: tuple(data[f"{kind}-{part}"] for part in self.PARTS) for kind in self.measures
        }
