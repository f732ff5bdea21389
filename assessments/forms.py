"""Forms of the assessments app. The score sheet is parsed by `parse_sheet` (one row per item)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.models import ActivityRecord
from assessments.docnumbers import validate_doc_number
from assessments.models import CriteriaSet, SpotCheck
from assessments.services import ScoreRow
from sites.forms import UploadField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _ids(values) -> list[int]:
    ids = []
    for value in values:
        for part in str(value).replace("，", ",").replace(" ", ",").split(","):
            part = part.strip().lstrip("#")
            if part:
                ids.append(int(part))
    return ids


def parse_sheet(data, scores) -> tuple[list[ScoreRow], dict[int, str]]:
    """Read `score-<item>`, `passed-<item>` (empty: follow the score), `passreason-<item>`,
    `finding-<item>`, `reason-<item>`,
    `records-<item>` (checked ids) + `add-<item>` (typed ids) and `evidence-<item>`."""
    rows, errors = [], {}
    for s in scores:
        key = s.item_id
        raw = (data.get(f"score-{key}") or "").strip()
        try:
            score = Decimal(raw) if raw else None
            if score is not None and not score.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors[key] = str(_("得分须为数字。"))
            continue
        passed = {"1": True, "0": False}.get(data.get(f"passed-{key}", ""))
        try:
            records = _ids(data.getlist(f"records-{key}")) + _ids([data.get(f"add-{key}", "")])
            evidence = _ids(data.getlist(f"evidence-{key}"))
            shown = data.get(f"shown-{key}")
            shown_ids = _ids([shown]) if shown is not None else None
        except ValueError:
            errors[key] = str(_("台账编号须为数字，多个用逗号分隔。"))
            continue
        rows.append(
            ScoreRow(
                item_id=key,
                score=score,
                passed=passed,
                finding=data.get(f"finding-{key}", ""),
                override_reason=data.get(f"reason-{key}", ""),
                pass_reason=data.get(f"passreason-{key}", ""),
                record_ids=sorted(set(records)),
                evidence_ids=sorted(set(evidence)),
                shown_record_ids=shown_ids,
            )
        )
    return rows, errors


class StartForm(forms.Form):
    criteria_set = forms.ModelChoiceField(CriteriaSet.objects.none(), label=_("评审标准"))

    def __init__(self, *args, criteria_sets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if criteria_sets is not None:
            self.fields["criteria_set"].queryset = criteria_sets
            first = criteria_sets.first()
            if first:
                self.fields["criteria_set"].initial = first.pk


class CompleteForm(forms.Form):
    conclusion = forms.CharField(
        label=_("评审意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ApplicationForm(forms.Form):
    title = forms.CharField(label=_("申报名称"), max_length=150)
    summary = forms.CharField(
        label=_("申报说明"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    sites = forms.ModelMultipleChoiceField(
        queryset=None, label=_("申报示范点"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = sites


class RectificationOpenForm(forms.Form):
    requirement = forms.CharField(
        label=_("整改要求（需提供）"), widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = forms.DateField(label=_("整改期限"), widget=DATE)

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_deadline(self):
        value = self.cleaned_data["deadline"]
        if self.today and value < self.today:
            raise forms.ValidationError(_("整改期限不能早于今天。"))
        return value


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 3}))
    records = forms.ModelMultipleChoiceField(
        queryset=ActivityRecord.objects.none(),
        label=_("关联活动记录（已审核通过）"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    file = UploadField(
        label=_("整改佐证文件（照片、PDF、Word）"),
        kinds=("image", "document"),
        required=False,
        error_messages={"wrong_type": _("只接受照片和 PDF、Word 文档。")},
    )

    def __init__(self, *args, records=None, **kwargs):
        super().__init__(*args, **kwargs)
        if records is not None:
            self.fields["records"].queryset = records


class RecheckForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("复查结论"), choices=[("close", _("复查合格，销号")), ("return", _("退回重新整改"))]
    )
    score = forms.DecimalField(
        label=_("复查后得分"), max_digits=5, decimal_places=1, min_value=0, required=False
    )
    note = forms.CharField(
        label=_("复查意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("note") or "").strip():
            self.add_error("note", _("退回须写明理由。"))
        return data


class SpotCheckForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=SpotCheck.Kind.choices)
    title = forms.CharField(label=_("名称"), max_length=150)
    target = forms.ChoiceField(label=_("抽查对象"), choices=SpotCheck.Target.choices)
    sample_size = forms.IntegerField(
        label=_("抽取数量"), min_value=0, max_value=500, required=False, initial=5
    )
    seed = forms.IntegerField(
        label=_("随机种子（留空自动生成）"), required=False, min_value=0, max_value=2**62
    )
    conducted_on = forms.DateField(label=_("检查日期"), widget=DATE)
    note = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == SpotCheck.Kind.RANDOM and not data.get("sample_size"):
            self.add_error("sample_size", _("随机抽查须填写抽取数量。"))
        return data


class FindingForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=None, label=_("单位"))
    text = forms.CharField(label=_("发现问题"), widget=forms.Textarea(attrs={"rows": 2}))
    requirement = forms.CharField(
        label=_("整改要求（留空则不列整改）"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    deadline = forms.DateField(label=_("整改期限"), widget=DATE, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        if (data.get("requirement") or "").strip() and not data.get("deadline"):
            self.add_error("deadline", _("列入整改须填写整改期限。"))
        return data


class NoticeDraftForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    as_of = forms.DateField(label=_("统计截止日期"), widget=DATE)


class PublishForm(forms.Form):
    doc_number = forms.CharField(
        label=_("文号"), max_length=60, help_text=_("机关代字〔年份〕序号号，如 清纪发〔2026〕4号")
    )

    def clean_doc_number(self):
        return validate_doc_number(self.cleaned_data["doc_number"])


class CriteriaImportForm(forms.Form):
    district = forms.ModelChoiceField(queryset=None, label=_("区"))
    name = forms.CharField(label=_("标准名称"), max_length=120)
    doc_number = forms.CharField(label=_("文号"), max_length=60, required=False)
    pass_line = forms.DecimalField(label=_("合格线"), max_digits=6, decimal_places=1, min_value=0)
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))

    def __init__(self, *args, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件。"))
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过 5 MB。"))
        return upload


class YearEndForm(forms.Form):
    organisation = forms.DecimalField(
        label=_("组织领导（20分）"),
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=20,
        required=False,
    )
    publicity = forms.DecimalField(
        label=_("新闻宣传（15分）"),
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=15,
        required=False,
    )
    publicity_reason = forms.CharField(label=_("新闻宣传调整理由"), max_length=200, required=False)
    opinion = forms.DecimalField(
        label=_("网络舆情处置（10分）"),
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=10,
        required=False,
    )
    innovation = forms.DecimalField(
        label=_("创新创优（10分）"),
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=10,
        required=False,
    )
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
