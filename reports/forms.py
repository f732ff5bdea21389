from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from organisations.models import Domain
from reports.kinds import clean_parameters, nothing_to_print
from reports.models import Kind

RECORD_SCOPES = [
    ("all", _("全部活动记录")),
    ("criteria", _("仅与评审标准关联的记录")),
    ("domain", _("仅一个领域的记录")),
]


class ReportRequestForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("创建工作"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("报告类型"), choices=Kind.choices)
    month = forms.CharField(
        label=_("月份"),
        required=False,
        # no max_length: a maxlength attribute is not allowed on <input type="month">;
        # clean_parameters checks the YYYY-MM form
        help_text=_("仅月报需要，格式 2026-06"),
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    records = forms.ChoiceField(
        label=_("列入的活动记录"),
        choices=RECORD_SCOPES,
        required=False,
        initial="all",
        help_text=_("仅申报验收材料使用"),
    )
    domain = forms.ModelChoiceField(
        label=_("领域"),
        queryset=Domain.objects.order_by("order"),
        to_field_name="code",
        required=False,
        help_text=_("只列一个领域时选择"),
    )

    problems = forms.CharField(
        label=_("存在问题"),
        required=False,
        max_length=3000,
        help_text=_("仅工作情况汇报使用，每段一行；不填则按台账数据起草"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_steps = forms.CharField(
        label=_("下一步打算"),
        required=False,
        max_length=3000,
        help_text=_("仅工作情况汇报使用，每段一行；不填则按创建阶段起草"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind:
            try:
                domain = data.get("domain")
                raw = {
                    "month": data.get("month", ""),
                    "records": data.get("records") or "all",
                    "domain": domain.code if domain else "",
                    "problems": data.get("problems", ""),
                    "next_steps": data.get("next_steps", ""),
                }
                data["parameters"] = clean_parameters(kind, raw)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        self.add_error(field if field in self.fields else None, errors)
                else:
                    raise
        campaign = data.get("campaign")
        if kind and campaign and "parameters" in data:
            reason = nothing_to_print(kind, campaign, data["parameters"])
            if reason:
                self.add_error("kind", reason)
        return data
