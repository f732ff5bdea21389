"""Forms of the sites app: `clean_*` returns domain values; crispy only renders."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.evidence import EvidenceError, inspect_upload
from campaigns.models import Campaign
from organisations.models import Domain, Organisation
from sites.models import Level, Position, PositionKind, Site, VisitRoute

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SiteCreateForm(forms.Form):
    campaign = forms.ModelChoiceField(Campaign.objects.none(), label=_("创建工作"))
    unit = forms.ModelChoiceField(Organisation.objects.none(), label=_("创建单位"))
    domain = forms.ModelChoiceField(Domain.objects.all(), label=_("领域"))
    name = forms.CharField(label=_("示范点名称"), max_length=120)

    def __init__(self, *args, townships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.filter(township__in=townships).order_by(
            "-year"
        )
        self.fields["unit"].queryset = (
            Organisation.objects.units().filter(township__in=townships).order_by("name")
        )

    def clean(self):
        data = super().clean()
        campaign, unit = data.get("campaign"), data.get("unit")
        if campaign and unit and unit.township_id != campaign.township_id:
            self.add_error("unit", _("该单位不属于所选创建工作的镇。"))
        return data


class SiteProfileForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = [
            "name",
            "address",
            "latitude",
            "longitude",
            "floor_area",
            "opened_on",
            "exhibition_sections",
            "description",
        ]
        widgets = {
            "opened_on": DATE,
            "exhibition_sections": forms.Textarea(attrs={"rows": 4}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_latitude(self):
        value = self.cleaned_data.get("latitude")
        if value is not None and not -90 <= value <= 90:
            raise forms.ValidationError(_("纬度须在 -90 到 90 之间。"))
        return value

    def clean_longitude(self):
        value = self.cleaned_data.get("longitude")
        if value is not None and not -180 <= value <= 180:
            raise forms.ValidationError(_("经度须在 -180 到 180 之间。"))
        return value


class UploadField(forms.FileField):
    """A file checked by content (activities.evidence): cleans to a `Prepared`."""

    def __init__(self, *args, kinds=("document",), extensions=(), **kwargs):
        self.kinds, self.extensions = kinds, extensions
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload is None:
            return None
        try:
            prepared = inspect_upload(upload)
        except EvidenceError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if prepared.kind not in self.kinds or (
            self.extensions and prepared.extension not in self.extensions
        ):
            raise forms.ValidationError(self.error_messages["wrong_type"])
        return prepared


class PlanUploadForm(forms.Form):
    file = UploadField(
        label=_("创建方案（PDF 或 DOCX）"),
        kinds=("document",),
        extensions=(".pdf", ".docx"),
        error_messages={"wrong_type": _("创建方案须为 PDF 或 DOCX 文件。")},
    )


class PlanReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核意见"), choices=[("approve", _("批准")), ("return", _("退回"))]
    )
    reason = forms.CharField(
        label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not data.get("reason", "").strip():
            self.add_error("reason", _("退回须写明原因。"))
        return data


class StepForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("说明或理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    level = forms.ChoiceField(
        label=_("命名级别"), choices=[("", "—")] + Level.choices, required=False
    )
    doc_number = forms.CharField(label=_("命名文号"), max_length=60, required=False)
    named_on = forms.DateField(label=_("命名日期"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("action") in ("name", "name_higher"):
            if data.get("action") == "name" and not data.get("level"):
                self.add_error("level", _("请选择命名级别。"))
            if not data.get("doc_number", "").strip():
                self.add_error("doc_number", _("请填写命名文号。"))
            if not data.get("named_on"):
                self.add_error("named_on", _("请填写命名日期。"))
        return data


class PhotoForm(forms.Form):
    image = UploadField(
        label=_("照片"),
        kinds=("image",),
        error_messages={"wrong_type": _("请上传照片（JPG、PNG、WEBP）。")},
    )
    caption = forms.CharField(label=_("说明"), max_length=200, required=False)


class VisitorForm(forms.Form):
    month = forms.DateField(
        label=_("月份"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    visitors = forms.IntegerField(label=_("参观人次"), min_value=0, max_value=1_000_000)
    groups = forms.IntegerField(label=_("接待批次"), min_value=0, max_value=100_000, initial=0)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def clean_month(self):
        return self.cleaned_data["month"].replace(day=1)


MAX_STOPS = 10


class RouteForm(forms.ModelForm):
    class Meta:
        model = VisitRoute
        fields = ["name", "theme", "description", "duration_hours"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, sites=None, township=None, district=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.township = township
        self.district = district
        self.fields["theme"].required = True
        self.fields["theme"].error_messages["required"] = _("请选择线路主题。")
        stops = (
            list(self.instance.stops.order_by("order").values_list("site_id", flat=True))
            if self.instance.pk
            else []
        )
        for n in range(MAX_STOPS):
            self.fields[f"stop_{n + 1}"] = forms.ModelChoiceField(
                sites,
                label=_("第 %(n)s 站") % {"n": n + 1},
                required=False,
                initial=stops[n] if n < len(stops) else None,
            )

    def clean(self):
        data = super().clean()
        chosen = [data[f"stop_{n + 1}"] for n in range(MAX_STOPS) if data.get(f"stop_{n + 1}")]
        if not chosen:
            raise forms.ValidationError(_("线路至少包含一个示范点。"))
        if len({s.pk for s in chosen}) != len(chosen):
            raise forms.ValidationError(_("同一示范点不能在线路中出现两次。"))
        if (
            self.township is not None
            and VisitRoute.objects.filter(township=self.township, name=data.get("name"))
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error("name", _("本镇已有同名线路。"))
        if (
            self.township is None
            and self.district is not None
            and VisitRoute.objects.filter(
                township__isnull=True, district=self.district, name=data.get("name")
            )
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error("name", _("全区已有同名线路。"))
        data["site_ids"] = [s.pk for s in chosen]
        return data


class PhotoField(UploadField):
    def __init__(self, **kwargs):
        kwargs.setdefault("kinds", ("image",))
        kwargs.setdefault("error_messages", {"wrong_type": _("请上传照片（JPG、PNG、WEBP）。")})
        super().__init__(**kwargs)


class PositionForm(forms.Form):
    unit = forms.ModelChoiceField(Organisation.objects.none(), label=_("单位"))
    kind = forms.ChoiceField(label=_("类型"), choices=PositionKind.choices)
    name = forms.CharField(label=_("名称"), max_length=100)
    place = forms.CharField(label=_("位置"), max_length=200)
    set_up_on = forms.DateField(label=_("设立日期"), widget=DATE)
    photo = PhotoField(label=_("照片"), required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        field.queryset = units if units is not None else Organisation.objects.none()
        field.error_messages["invalid_choice"] = _("只能为本单位登记宣传阵地。")
        if units is not None and len(units) == 1:
            field.initial = units[0].pk


class PositionChangeForm(forms.ModelForm):
    class Meta:
        model = Position
        fields = ["kind", "name", "place", "set_up_on", "is_active"]
        widgets = {"set_up_on": DATE}

    def _post_clean(self):
        pass  # the service writes the row under its lock


class PositionUpdateForm(forms.Form):
    updated_on = forms.DateField(label=_("更新日期"), widget=DATE)
    content = forms.CharField(
        label=_("更新内容"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：更换“以案为鉴”警示教育专题展板 6 块"),
    )
    photo = PhotoField(label=_("更新后照片"), required=False)
