from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("创建工作与任务")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

        from campaigns import (
            panels,  # noqa: F401  (registers the home panels)
            progress,
        )
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

        # The task tally follows every task saved or deleted (campaigns.progress).
        for signal, receiver in (
            (pre_save, progress.task_saving),
            (post_save, progress.task_saved),
            (pre_delete, progress.task_deleting),
            (post_delete, progress.task_deleted),
        ):
            signal.connect(receiver, sender=Task, dispatch_uid=f"campaigns.{receiver.__name__}")
        from organisations.services import units_merged

        units_merged.connect(progress.units_merged, dispatch_uid="campaigns.progress.units_merged")

        register_history(Campaign, get_campaign_for, lambda c: c.township_id)
        register_history(Task, get_task_for, lambda t: t.campaign.township_id)
