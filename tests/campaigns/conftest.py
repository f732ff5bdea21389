import datetime as dt

import pytest

from campaigns.models import CampaignDomain, Task
from campaigns.services import save_task
from organisations.models import Domain
from tests.factories import TaskFactory, domain


@pytest.fixture
def plan(world):
    """campaign_a covering the eight-into, a task led by unit a1 and one led by a2 (co-host a1)."""
    for d in Domain.objects.filter(is_default=True):
        CampaignDomain.objects.create(campaign=world.campaign_a, domain=d, order=d.order)
    CampaignDomain.objects.create(campaign=world.campaign_b, domain=domain(), order=0)
    mine = TaskFactory(
        campaign=world.campaign_a, lead_unit=world.unit_a1, title="村干部廉政法规讲座"
    )
    theirs = TaskFactory(
        campaign=world.campaign_a, lead_unit=world.unit_a2, title="主要路口廉政标语"
    )
    shared = TaskFactory(
        campaign=world.campaign_a,
        lead_unit=world.unit_a2,
        title="廉政文化下村活动",
        recurrence=Task.Recurrence.MONTHLY,
        periods=False,
    )
    save_task(shared, co_units=[world.unit_a1])
    other = TaskFactory(campaign=world.campaign_b, lead_unit=world.unit_b1, title="乙镇任务")
    return {"mine": mine, "theirs": theirs, "shared": shared, "other": other}


def many_tasks(campaign, units, n=60, start=dt.date(2026, 3, 1), prefix="批量"):
    """n monthly tasks spread over units and domains (enough that an N+1 would show)."""
    domains = list(Domain.objects.filter(is_default=True))
    made = []
    for i in range(n):
        task = TaskFactory(
            campaign=campaign,
            lead_unit=units[i % len(units)],
            domain=domains[i % len(domains)],
            title=f"{prefix}任务{i}",
            recurrence=Task.Recurrence.MONTHLY,
            start_date=start,
            due_date=dt.date(2026, 12, 31),
            periods=False,
        )
        save_task(task, co_units=[units[(i + 1) % len(units)]] if i % 2 else [])
        made.append(task)
    return made
