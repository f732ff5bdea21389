from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("报告材料")

    def ready(self) -> None:
        from organisations.history import register_history
        from reports import panels
        from reports.access import get_report_for
        from reports.models import Report

        register_history(Report, get_report_for, lambda report: report.township_id)
        panels.register()
