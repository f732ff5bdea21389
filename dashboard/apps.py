from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("创建工作推进情况")

    def ready(self) -> None:
        from dashboard import (
            cached,
            panels,  # noqa: F401  (panels register themselves)
            tallies,
        )

        tallies.connect()
        cached.connect()
