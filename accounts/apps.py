from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账号安全")

    def ready(self) -> None:
        from accounts import sessions  # noqa: F401 - connects the login receiver

        name_library_models()


# The admin lists these libraries' models too; they ship no Chinese names, so the admin
# showed "TOTP devices" or "Access attempts" on a Chinese page. Named here (display only:
# migrations read the libraries' own Meta).
LIBRARY_NAMES = {
    "otp_totp": (_("两步验证 · 身份验证器"), {"totpdevice": _("身份验证器（TOTP）")}),
    "otp_static": (_("两步验证 · 备用码"), {"staticdevice": _("备用验证码")}),
    "axes": (
        _("登录防护"),
        {
            "accessattempt": _("登录失败计数"),
            "accesslog": _("登录记录"),
            "accessfailurelog": _("登录失败记录"),
        },
    ),
}


def name_library_models() -> None:
    from django.apps import apps

    for label, (app_name, models) in LIBRARY_NAMES.items():
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        config.verbose_name = app_name
        for model_name, name in models.items():
            try:
                model = config.get_model(model_name)
            except LookupError:
                continue
            model._meta.verbose_name = name
            model._meta.verbose_name_plural = name
