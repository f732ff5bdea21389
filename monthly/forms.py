from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from monthly.models import MonthlyReport


class ReportForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = MonthlyReport
        fields = ["summary", "notes"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "summary": _("本月开展了哪些廉政文化活动、取得什么效果；本月未开展活动也请如实说明。"),
        }

    def clean_summary(self):
        summary = self.cleaned_data["summary"].strip()
        if not summary:
            raise forms.ValidationError(_("请填写本月工作情况。"))
        return summary


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 3}))
