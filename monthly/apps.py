from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonthlyConfig(AppConfig):
    name = "monthly"
    verbose_name = _("廉政信息月报")

    def ready(self) -> None:
        from monthly import panels  # noqa: F401  (registers the home panels)
