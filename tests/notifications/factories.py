from __future__ import annotations

import datetime as dt

from campaigns.models import Milestone, TaskPeriod
from tests.factories import TaskFactory


def period_due(campaign, unit, due: dt.date, *, target: int = 1, title: str | None = None):
    """A task led by `unit` with one period that falls due on `due`."""
    kwargs = {"title": title} if title else {}
    task = TaskFactory(
        campaign=campaign,
        lead_unit=unit,
        target_count=target,
        start_date=dt.date(2026, 3, 20),
        due_date=due,
        periods=False,
        **kwargs,
    )
    return TaskPeriod.objects.create(
        task=task, index=1, label="全年", start_date=task.start_date, due_date=due
    )


def milestone_due(campaign, due: dt.date, kind=Milestone.Kind.APPLICATION_DUE):
    return Milestone.objects.create(campaign=campaign, kind=kind, title="申报验收", due_date=due)
