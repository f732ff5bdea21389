from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("提醒与通知")

    def ready(self) -> None:
        from notifications import panels  # noqa: F401 - registers the home panels
        from notifications.access import get_policy_for
        from notifications.models import ReminderPolicy
        from organisations.history import register_history

        register_history(ReminderPolicy, get_policy_for, lambda policy: policy.campaign.township_id)
