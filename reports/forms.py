from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reports.kinds import clean_parameters
from reports.models import Kind


class ReportRequestForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("创建工作"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("报告类型"), choices=Kind.choices)
    month = forms.CharField(
        label=_("月份"),
        required=False,
        max_length=7,
        help_text=_("仅月报需要，格式 2026-06"),
        widget=forms.TextInput(attrs={"type": "month"}),
    )

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind:
            try:
                data["parameters"] = clean_parameters(kind, {"month": data.get("month", "")})
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        self.add_error(field if field in self.fields else None, errors)
                else:
                    raise
        return data
