"""Forms of the publicity ledger: `clean_*` returns domain values, errors are Chinese."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.evidence import EvidenceError, inspect_upload
from activities.models import Channel, PublicityItem
from campaigns.models import Campaign
from organisations.models import Domain, Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PublicityForm(forms.ModelForm):
    unit = forms.ModelChoiceField(Organisation.objects.none(), label=_("单位"))
    link = forms.URLField(
        label=_("链接"),
        max_length=500,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("请填写以 http:// 或 https:// 开头的链接。")},
    )
    clipping_file = forms.FileField(
        label=_("剪报或截图（照片、PDF）"),
        required=False,
        help_text=_("没有网页链接时（报刊、电视台）请上传剪报照片或截图。"),
    )

    class Meta:
        model = PublicityItem
        fields = ["title", "channel", "outlet", "published_on", "link", "domain"]
        widgets = {"published_on": DATE}

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Organisation.objects.none()
        self.fields["unit"].error_messages["invalid_choice"] = _("只能为本单位报送。")
        if self.instance.pk:
            del self.fields["unit"]
        elif units is not None and len(units) == 1:
            self.fields["unit"].initial = units[0].pk
        self.fields["domain"].queryset = Domain.objects.all()

    def clean_published_on(self):
        value = self.cleaned_data["published_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("刊发日期不能晚于今天。"))
        return value

    def clean_clipping_file(self):
        upload = self.cleaned_data.get("clipping_file")
        if not upload:
            return None
        try:
            prepared = inspect_upload(upload)
        except EvidenceError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if prepared.kind == "document" and prepared.extension != ".pdf":
            raise forms.ValidationError(_("剪报请上传照片或 PDF 文件。"))
        return prepared

    def clean(self):
        data = super().clean()
        has_clip = bool(data.get("clipping_file")) or bool(
            self.instance.pk and self.instance.clipping
        )
        if not data.get("link") and not has_clip and "link" not in self.errors:
            self.add_error("link", _("请填写链接或上传剪报、截图。"))
        return data

    def _post_clean(self):
        # The model instance is filled by the service, not here (a partial item never saves).
        pass


class PublicityFilterForm(forms.Form):
    campaign = forms.ModelChoiceField(Campaign.objects.none(), label=_("创建工作"), required=False)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部"))] + PublicityItem.Status.choices, required=False
    )
    channel = forms.ChoiceField(
        label=_("渠道"), choices=[("", _("全部"))] + Channel.choices, required=False
    )
    unit = forms.ModelChoiceField(Organisation.objects.none(), label=_("单位"), required=False)
    quarter = forms.TypedChoiceField(
        label=_("季度"),
        choices=[("", _("全部"))] + [(q, _("第%(q)s季度") % {"q": q}) for q in (1, 2, 3, 4)],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, campaigns=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaigns is not None:
            self.fields["campaign"].queryset = campaigns
        if units is not None:
            self.fields["unit"].queryset = units

    def apply(self, items):
        if not self.is_valid():
            return items.none()
        data = self.cleaned_data
        for name in ("campaign", "unit"):
            if data.get(name):
                items = items.filter(**{name: data[name]})
        for name in ("status", "channel"):
            if data.get(name):
                items = items.filter(**{name: data[name]})
        if data.get("quarter"):
            items = items.filter(published_on__quarter=data["quarter"])
        return items


class PublicityReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核意见"), choices=[("approve", _("通过")), ("return", _("退回"))]
    )
    reason = forms.CharField(
        label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not data.get("reason", "").strip():
            self.add_error("reason", _("退回须写明原因。"))
        return data
