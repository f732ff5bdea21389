"""Forms of the office's unit and people pages; the services do the writing."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation, Role, User

phone_validator = RegexValidator(r"^[0-9+\-\s]{5,20}$", _("请填写正确的电话号码。"))


class UnitForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_name",
            "unit_type",
            "main_domain",
            "parent",
            "address",
            "contact_person",
            "contact_phone",
        ]
        labels = {"parent": _("所属镇"), "unit_type": _("单位类型")}

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.level = Organisation.Level.UNIT
        self.fields["parent"].queryset = townships
        self.fields["parent"].required = True
        self.fields["parent"].empty_label = None
        self.fields["unit_type"].required = True
        self.fields["contact_phone"].validators.append(phone_validator)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("请填写单位名称。"))
        return name


class MergeForm(forms.Form):
    survivor = forms.ModelChoiceField(
        Organisation.objects.none(),
        label=_("并入哪个单位（保留的单位）"),
        help_text=_("本单位的活动记录、任务、示范点、联络员等全部转到保留的单位，本单位随后停用。"),
    )
    confirm = forms.BooleanField(label=_("我已核对，确认合并"), required=True)

    def __init__(self, *args, unit: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = (
            Organisation.objects.units()
            .filter(township_id=unit.township_id, is_active=True)
            .exclude(pk=unit.pk)
            .order_by("name")
        )


ROLE_KINDS = [
    (Role.Kind.LIAISON, Role.Kind.LIAISON.label),
    (Role.Kind.OFFICE, Role.Kind.OFFICE.label),
    (Role.Kind.LEADER, Role.Kind.LEADER.label),
]


class RoleFields(forms.Form):
    """Kind + where: a liaison is held on a unit, office staff and leaders on the township."""

    kind = forms.ChoiceField(label=_("角色"), choices=ROLE_KINDS)
    unit = forms.ModelChoiceField(
        Organisation.objects.none(), label=_("单位（联络员）"), required=False
    )
    township = forms.ModelChoiceField(
        Organisation.objects.none(), label=_("镇（创建办工作人员、领导）"), required=False
    )
    title = forms.CharField(label=_("职务"), max_length=50, required=False)

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            Organisation.objects.units()
            .filter(township__in=townships, is_active=True)
            .order_by("name")
        )
        self.fields["township"].queryset = townships
        if townships.count() == 1:
            self.fields["township"].initial = townships.first()

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Role.Kind.LIAISON:
            if not data.get("unit"):
                self.add_error("unit", _("联络员须选择所在单位。"))
            data["organisation"] = data.get("unit")
        else:
            if not data.get("township"):
                self.add_error("township", _("请选择镇。"))
            data["organisation"] = data.get("township")
        return data


class PersonForm(RoleFields):
    username = forms.CharField(
        label=_("登录名"),
        max_length=150,
        validators=[RegexValidator(r"^[\w.@+-]+$", _("登录名只能包含字母、数字和 @ . + - _。"))],
    )
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(
        label=_("手机号"), max_length=20, required=False, validators=[phone_validator]
    )
    field_order = ["full_name", "username", "phone", "kind", "unit", "township", "title"]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("登录名“%(v)s”已被使用。") % {"v": username})
        return username


class MoveLiaisonForm(forms.Form):
    unit = forms.ModelChoiceField(Organisation.objects.none(), label=_("调整到单位"))

    def __init__(self, *args, role: Role, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            Organisation.objects.units()
            .filter(township_id=role.organisation.township_id, is_active=True)
            .exclude(pk=role.organisation_id)
            .order_by("name")
        )


class PeopleImportForm(forms.Form):
    file = forms.FileField(label=_("Excel文件（.xlsx）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的Excel文件。"))
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过5MB。"))
        return upload
