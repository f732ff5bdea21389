"""Forms of the ledger: filing a record (with its evidence files), reviewing, filtering."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities import evidence, services
from activities.models import ActivityRecord
from activities.types import ActivityType
from campaigns.models import Task
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
    """The liaison's filing form. `clean_files` returns checked, re-encoded uploads
    (`evidence.Prepared`), so the service only stores what passed."""

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
            "description",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "tasks": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
            "participants": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
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
        "tasks",
        "description",
        "files",
    ]

    def __init__(self, *args, units, record: ActivityRecord | None = None, **kwargs):
        self.record = record
        super().__init__(*args, instance=record, **kwargs)
        if record is None:
            self.fields["date"].initial = timezone.localdate
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

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date and date > timezone.localdate():
            raise ValidationError(_("活动日期不能晚于今天。"))
        return date

    def clean_files(self):
        uploads = self.cleaned_data.get("files") or []
        prepared, errors = [], []
        for upload in uploads:
            try:
                prepared.append(evidence.inspect_upload(upload))
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

    def record_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.RECORD_FIELDS}


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
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, units, default_status: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
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
