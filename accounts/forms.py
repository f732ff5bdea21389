from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("验证码"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("身份验证器上显示的 6 位数字；手机不在身边时可输入一个恢复码。"),
    )


class UnlockForm(forms.Form):
    username = forms.CharField(max_length=150)
