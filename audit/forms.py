from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("事件类型"), choices=[("", _("全部"))] + AuditEvent.Kind.choices, required=False
    )
    result = forms.ChoiceField(
        label=_("结果"), choices=[("", _("全部"))] + AuditEvent.Result.choices, required=False
    )
    actor = forms.CharField(label=_("操作人账号"), max_length=150, required=False)
    ip = forms.GenericIPAddressField(label=_("IP 地址"), required=False)
    start = forms.DateField(label=_("起始日期"), required=False, widget=DATE)
    end = forms.DateField(label=_("截止日期"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = f"{css} form-control-sm"

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return data

    def filter(self, events):
        """The events matching the valid filters (an invalid form filters nothing out)."""
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data["kind"]:
            events = events.filter(kind=data["kind"])
        if data["result"]:
            events = events.filter(result=data["result"])
        if data["actor"]:
            events = events.filter(actor_name__icontains=data["actor"])
        if data["ip"]:
            events = events.filter(ip=data["ip"])
        if data["start"]:
            events = events.filter(at__date__gte=data["start"])
        if data["end"]:
            events = events.filter(at__date__lte=data["end"])
        return events
