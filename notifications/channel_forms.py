"""Forms for the office's channel settings and for a person's own channel choice.

Secret fields are never filled from what is stored: an empty secret field keeps the stored
secret ("已设置"), a filled one replaces it.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.channel_models import GROUP_KINDS, ChannelKind
from notifications.models import Preference

KEY_CHARS = re.compile(r"^[A-Za-z0-9_\-]{8,128}$")


def _from_url(value: str, param: str) -> str:
    """The `param` of a pasted webhook address, or the value itself when it is a bare key."""
    value = (value or "").strip()
    if value.startswith(("http://", "https://")):
        found = parse_qs(urlsplit(value).query).get(param, [""])[0]
        value = found.strip()
    if value and not KEY_CHARS.match(value):
        raise forms.ValidationError(
            _("无法识别：请粘贴完整的 Webhook 地址，或只粘贴其中的密钥部分。")
        )
    return value


# kind -> [(name, label, help, secret?, required?)]
FIELDS: dict[str, list[tuple[str, str, str, bool, bool]]] = {
    ChannelKind.WECOM_ROBOT: [
        (
            "key",
            _("Webhook 地址"),
            _("在企业微信群“添加群机器人”后复制的地址（含 key=…）"),
            True,
            True,
        ),
    ],
    ChannelKind.WECOM_APP: [
        ("corp_id", _("企业ID（CorpID）"), _("企业微信管理后台“我的企业”页底部"), False, True),
        ("agent_id", _("应用 AgentId"), _("“应用管理”中自建应用的 AgentId"), False, True),
        ("secret", _("应用 Secret"), _("自建应用的 Secret"), True, True),
    ],
    ChannelKind.DINGTALK_ROBOT: [
        (
            "access_token",
            _("Webhook 地址"),
            _("钉钉群“智能群助手—添加机器人—自定义”后复制的地址（含 access_token=…）"),
            True,
            True,
        ),
        (
            "sign_secret",
            _("加签密钥"),
            _("机器人安全设置选择“加签”时显示的 SEC 开头的字符串（建议使用）"),
            True,
            False,
        ),
    ],
    ChannelKind.SMS: [
        ("access_key_id", _("AccessKey ID"), _("建议使用只有短信发送权限的 RAM 用户"), False, True),
        ("access_key_secret", _("AccessKey Secret"), "", True, True),
        ("sign_name", _("短信签名"), _("已审核通过的签名，如“某某镇纪委”"), False, True),
        (
            "template_code",
            _("模板 Code"),
            _(
                "已审核通过的短信通知模板，如 SMS_12345678；模板变量须为 ${title}（事项）和 ${when}（截止情况）"
            ),
            False,
            True,
        ),
        ("region", _("地域"), _("一般为 cn-hangzhou"), False, False),
    ],
}


class ChannelConfigForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60, required=False)
    enabled = forms.BooleanField(label=_("启用"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, kind: str, township, config=None, secrets_set=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.township, self.config = kind, township, config
        self.secret_names: list[str] = []
        if kind in GROUP_KINDS:
            from organisations.models import Organisation

            self.fields["unit"] = forms.ModelChoiceField(
                label=_("单位"),
                queryset=Organisation.objects.units()
                .filter(township=township, is_active=True)
                .order_by("name"),
                required=False,
                empty_label=_("全镇（各单位没有单独设置时都发到这里）"),
                help_text=_("可为某个单位的工作群单独设置机器人"),
            )
        for name, label, help_text, secret, required in FIELDS[kind]:
            if secret:
                self.secret_names.append(name)
                is_set = name in secrets_set
                self.fields[name] = forms.CharField(
                    label=label,
                    required=required and not is_set,
                    widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
                    help_text=(_("已设置。留空则保持不变，填写则替换。") if is_set else help_text),
                    max_length=300,
                )
            else:
                self.fields[name] = forms.CharField(
                    label=label, required=required, help_text=help_text, max_length=100
                )
        if config is not None and not self.is_bound:
            self.initial.update(config.options or {})
            self.initial.update(
                name=config.name, enabled=config.enabled, version=config.version, unit=config.unit
            )

    def clean_key(self) -> str:
        return _from_url(self.cleaned_data.get("key", ""), "key")

    def clean_access_token(self) -> str:
        return _from_url(self.cleaned_data.get("access_token", ""), "access_token")

    def clean_sign_secret(self) -> str:
        value = (self.cleaned_data.get("sign_secret") or "").strip()
        if value and not value.startswith("SEC"):
            raise forms.ValidationError(_("加签密钥以 SEC 开头。"))
        return value

    def clean_agent_id(self) -> str:
        value = (self.cleaned_data.get("agent_id") or "").strip()
        if not value.isdigit():
            raise forms.ValidationError(_("AgentId 是一串数字。"))
        return value

    def options(self) -> dict[str, str]:
        return {
            name: (self.cleaned_data.get(name) or "").strip()
            for name, _l, _h, secret, _r in FIELDS[self.kind]
            if not secret
        }

    def new_secrets(self) -> dict[str, str]:
        """The secrets typed in this time (empty ones keep what is stored)."""
        return {
            name: value.strip()
            for name in self.secret_names
            if (value := self.cleaned_data.get(name) or "").strip()
        }


class ChannelPreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["by_wecom", "wecom_userid", "by_sms"]

    def clean_wecom_userid(self) -> str:
        value = (self.cleaned_data.get("wecom_userid") or "").strip()
        if value and not re.match(r"^[A-Za-z0-9_@.\-]{1,64}$", value):
            raise forms.ValidationError(_("企业微信账号只含字母、数字和 _ - . @。"))
        return value
