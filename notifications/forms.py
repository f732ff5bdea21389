from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import Preference, ReminderPolicy


class PolicyForm(forms.ModelForm):
    before_days = forms.CharField(
        label=_("提前提醒（天或工作日）"),
        required=False,
        help_text=_("截止前几天提醒，用逗号分隔，如 7,1；留空则不提前提醒"),
    )

    class Meta:
        model = ReminderPolicy
        fields = [
            "enabled",
            "day_unit",
            "before_days",
            "on_the_day",
            "overdue_every",
            "overdue_max",
            "send_time",
            "position_update_days",
        ]
        widgets = {"send_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position_update_days"].required = False
        self.fields["day_unit"].required = False
        if not self.is_bound:
            self.initial["before_days"] = ",".join(str(d) for d in self.instance.before_days)

    def clean_before_days(self) -> list[int]:
        raw = (self.cleaned_data.get("before_days") or "").replace("，", ",")
        days = set()
        for part in raw.split(","):
            part = part.strip()
            if not part:
                continue
            if not (part.isascii() and part.isdigit()) or not 1 <= int(part) <= 60:
                raise forms.ValidationError(_("请填写 1 到 60 之间的整数天数，用逗号分隔。"))
            days.add(int(part))
        if len(days) > 5:
            raise forms.ValidationError(_("提前提醒最多设置 5 个时间点。"))
        return sorted(days, reverse=True)

    def clean_day_unit(self) -> str:
        # left out (an older form): keep what the policy says
        return self.cleaned_data.get("day_unit") or self.instance.day_unit

    def clean_overdue_every(self) -> int:
        value = self.cleaned_data["overdue_every"]
        if value > 30:
            raise forms.ValidationError(_("催办间隔不能超过 30 天。"))
        return value

    def clean_position_update_days(self) -> int:
        value = self.cleaned_data.get("position_update_days")
        if value is None:  # left blank (or an older form): keep what the policy says
            return self.instance.position_update_days or 90
        if not 7 <= value <= 365:
            raise forms.ValidationError(_("宣传阵地更新周期须在 7 到 365 天之间。"))
        return value

    def clean_overdue_max(self) -> int:
        value = self.cleaned_data["overdue_max"]
        if value > 10:
            raise forms.ValidationError(_("最多催办 10 次。"))
        return value

    def clean_send_time(self) -> dt.time:
        value = self.cleaned_data["send_time"]
        if not dt.time(8, 0) <= value <= dt.time(20, 0):
            raise forms.ValidationError(_("发送时间须在 8:00 至 20:00 之间，夜间不发送提醒。"))
        return value


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["email_mode"]
        widgets = {"email_mode": forms.RadioSelect}
