from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workdays"
    verbose_name = _("工作日历")

    def ready(self) -> None:
        from workdays import panels, signals  # noqa: F401 - registers the home panel and cache hooks
