from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("创建工作与任务")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from campaigns import panels  # noqa: F401  (registers the home panels)
        from campaigns.access import get_campaign_for, get_task_for
        from campaigns.models import Campaign, Task, TaskPeriod
        from campaigns.progress import refresh_task_state
        from organisations.history import register_history

        def period_saved(sender, instance, raw=False, **kwargs):
            if not raw:
                refresh_task_state([instance.task_id])

        # weak=False: the receiver is local to ready() and would otherwise be collected
        post_save.connect(
            period_saved, sender=TaskPeriod, dispatch_uid="campaigns.period_saved", weak=False
        )

        register_history(Campaign, get_campaign_for, lambda c: c.township_id)
        register_history(Task, get_task_for, lambda t: t.campaign.township_id)
