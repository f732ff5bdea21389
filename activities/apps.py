from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("活动台账")

    def ready(self) -> None:
        from activities import panels  # noqa: F401  (registers the home panels)
        from activities.access import get_record_for
        from activities.models import ActivityRecord
        from organisations.history import register_history

        register_history(ActivityRecord, get_record_for, lambda record: record.township_id)
