from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from workdays.notice import Parsed, parse


class YearForm(forms.Form):
    text = forms.CharField(
        label=_("放假和调休上班安排"),
        widget=forms.Textarea(attrs={"rows": 12, "class": "font-monospace"}),
        help_text=_(
            "把国务院办公厅放假通知中各节日的安排整段粘贴进来，每个节日一行，例如："
            "“国庆节：10月1日至7日放假调休，共7天。9月20日（周日）、10月10日（周六）上班。”"
        ),
    )
    notice = forms.CharField(
        label=_("依据文件"),
        max_length=120,
        required=False,
        help_text=_("通知的标题或文号，便于日后核对。"),
    )
    reason = forms.CharField(
        label=_("修改说明"),
        max_length=100,
        required=False,
        help_text=_("如：按通知录入；更正春节调休日。"),
    )

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.parsed: Parsed | None = None

    def clean_text(self):
        text = self.cleaned_data["text"]
        self.parsed = parse(text, self.year)
        if self.parsed.errors:
            raise forms.ValidationError(self.parsed.errors)
        return text
