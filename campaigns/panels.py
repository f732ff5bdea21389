"""Home-page panels: the office's campaign overview, a liaison's next task deadlines."""

from __future__ import annotations

from django.utils import timezone

from campaigns import progress
from campaigns.access import current_campaigns
from campaigns.models import Task
from dashboard import metrics
from organisations.home import home_panel

LIAISON_TASKS = 8


@home_panel("office", order=10)
def office_overview(request, scope):
    today = timezone.localdate()
    campaigns = [
        c for c in current_campaigns(request.user) if scope.manages_township(c.township_id)
    ]
    if not campaigns:
        return None
    rows = []
    for campaign in campaigns:
        phases = list(campaign.phases.all())
        current = next((p for p in phases if p.start_date <= today <= p.end_date), None)
        tasks = metrics.campaign_tasks(campaign, today)
        rows.append(
            {
                "campaign": campaign,
                "current_phase": current,
                "days_left": (current.end_date - today).days if current else None,
                "counts": tasks.domains,
                "tasks": tasks.tasks,
            }
        )
    return {"template": "campaigns/_partials/home_office.html", "rows": rows}


def next_tasks(user, today, campaign_ids=None, limit=LIAISON_TASKS):
    """The user's open tasks not yet overdue, the one with the nearest due period first."""
    if campaign_ids is None:
        campaign_ids = [c.pk for c in current_campaigns(user)]
    tasks = (
        Task.objects.visible_to(user)
        .filter(campaign__in=campaign_ids, open_due__gte=today)
        .select_related("domain", "lead_unit")
        .prefetch_related("periods")
        .order_by("open_due", "pk")[:limit]
    )
    tasks = list(tasks)
    for task in tasks:
        task.summary = progress.task_summary(task, today)
    return tasks


@home_panel("liaison", order=20)
def liaison_tasks(request, scope):
    today = timezone.localdate()
    campaigns = current_campaigns(request.user)
    campaign_ids = [c.pk for c in campaigns]
    tasks = next_tasks(request.user, today, campaign_ids)
    overdue = progress.overdue_tasks(Task.objects.visible_to(request.user), today).filter(
        campaign__in=campaign_ids
    )
    return {
        "template": "campaigns/_partials/home_liaison.html",
        "tasks": tasks,
        "overdue_count": overdue.count(),
        "today": today,
        # the unit's creation plan page of each current campaign (创建方案)
        "plan_campaigns": campaigns,
    }
