"""Home-page panels: the office's campaign overview, a liaison's next task deadlines."""

from __future__ import annotations

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from campaigns import progress
from campaigns.access import current_campaigns
from campaigns.models import Task, TaskPeriod
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
        counts = progress.domain_counts(campaign, today)
        rows.append(
            {
                "campaign": campaign,
                "current_phase": current,
                "days_left": (current.end_date - today).days if current else None,
                "counts": counts,
                "done": sum(c.done for c in counts),
                "total": sum(c.total for c in counts),
                "overdue": sum(c.overdue for c in counts),
            }
        )
    return {"template": "campaigns/_partials/home_office.html", "rows": rows}


def next_tasks(user, unit_ids, today, limit=LIAISON_TASKS):
    """The unit's open tasks, the one with the nearest due period first."""
    next_period = TaskPeriod.objects.filter(
        task=OuterRef("pk"), due_date__gte=today, achieved__lt=OuterRef("target_count")
    ).order_by("due_date")
    tasks = (
        Task.objects.visible_to(user)
        .filter(campaign__in=[c.pk for c in current_campaigns(user)])
        .annotate(
            next_due=Subquery(next_period.values("due_date")[:1]),
            next_label=Subquery(next_period.values("label")[:1]),
            next_achieved=Subquery(next_period.values("achieved")[:1]),
        )
        .filter(next_due__isnull=False)
        .select_related("domain", "lead_unit")
        .order_by(F("next_due").asc(), "pk")[:limit]
    )
    return list(tasks)


@home_panel("liaison", order=20)
def liaison_tasks(request, scope):
    today = timezone.localdate()
    tasks = next_tasks(request.user, scope.liaison_units, today)
    overdue = progress.overdue_tasks(Task.objects.visible_to(request.user), today).filter(
        campaign__in=[c.pk for c in current_campaigns(request.user)]
    )
    return {
        "template": "campaigns/_partials/home_liaison.html",
        "tasks": tasks,
        "overdue_count": overdue.count(),
        "today": today,
    }
