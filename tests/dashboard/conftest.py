"""A township campaign with tasks, periods and records whose dashboard figures are known."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

import pytest
import time_machine

from activities.models import ActivityRecord
from activities.types import ActivityType
from assessments.models import CriteriaSet, Rectification
from campaigns.models import CampaignDomain, Milestone, Task
from campaigns.progress import recompute_campaign
from organisations.models import Domain
from tests.dashboard.factories import assessed, criteria_set, rectification, site
from tests.factories import RecordFactory, TaskFactory, UnitFactory, domain

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
APPROVED = ActivityRecord.Status.APPROVED
SUBMITTED = ActivityRecord.Status.SUBMITTED


@pytest.fixture
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield dt.date(2026, 6, 15)


@dataclass
class Known:
    overdue_task: Task
    done_task: Task
    open_task: Task
    people_task: Task
    percent_task: Task
    site_a1: object


def record(world, unit, task=None, *, code="villages", **kwargs):
    rec = RecordFactory(campaign=world.campaign_a, unit=unit, domain=domain(code), **kwargs)
    if task is not None:
        rec.tasks.add(task)
    return rec


@pytest.fixture
def known(world, today) -> Known:
    """Township A's campaign, 2026-06-15 (creation phase, ends 07-10).

    Periods: villages 1 overdue + 1 done; schools 1 open; families 1 done (participants) and
    1 overdue (percent, 60% of 80%). Unit a1 owes: 2 overdue periods, 1 month without report
    (March); unit a2 owes: 3 months (March, April, May).
    """
    c = world.campaign_a
    for order, code in enumerate(["villages", "schools", "families"]):
        CampaignDomain.objects.create(campaign=c, domain=domain(code), order=order)
    Milestone.objects.create(
        campaign=c,
        kind=Milestone.Kind.PLAN_DUE,
        title="报送创建方案",
        due_date=dt.date(2026, 5, 20),
    )
    Milestone.objects.create(
        campaign=c,
        kind=Milestone.Kind.APPLICATION_DUE,
        title="申报验收",
        due_date=dt.date(2026, 7, 20),
    )
    a1, a2 = world.unit_a1, world.unit_a2
    overdue = TaskFactory(campaign=c, lead_unit=a1, target_count=2, due_date=dt.date(2026, 5, 31))
    done = TaskFactory(campaign=c, lead_unit=a2, target_count=1, due_date=dt.date(2026, 6, 30))
    open_ = TaskFactory(
        campaign=c,
        lead_unit=a2,
        domain=domain("schools"),
        target_count=2,
        due_date=dt.date(2026, 7, 10),
    )
    people = TaskFactory(
        campaign=c,
        lead_unit=a1,
        domain=domain("families"),
        measure=Task.Measure.PARTICIPANTS,
        target_count=100,
        due_date=dt.date(2026, 6, 10),
    )
    percent = TaskFactory(
        campaign=c,
        lead_unit=a1,
        domain=domain("families"),
        measure=Task.Measure.PERCENT,
        target_count=80,
        target_base=50,
        due_date=dt.date(2026, 6, 10),
    )
    # a1: April and May filed, March not.
    record(world, a1, overdue, date=dt.date(2026, 4, 10), participants=20)
    record(world, a1, overdue, date=dt.date(2026, 5, 10), status=SUBMITTED)  # not approved
    record(world, a2, date=dt.date(2026, 5, 10), status=SUBMITTED)  # no monthly report either
    record(world, a1, overdue, date=dt.date(2026, 6, 2), participants=5)  # after the period
    record(
        world,
        a1,
        people,
        code="families",
        date=dt.date(2026, 5, 3),
        participants=60,
        type=ActivityType.FILM,
    )
    record(
        world,
        a1,
        people,
        code="families",
        date=dt.date(2026, 5, 4),
        participants=50,
        type=ActivityType.FILM,
    )
    record(
        world,
        a1,
        percent,
        code="families",
        date=dt.date(2026, 5, 5),
        participants=30,
        type=ActivityType.FORUM,
    )
    # a2: only June (not yet due).
    record(world, a2, done, date=dt.date(2026, 6, 1), participants=40)
    # a draft and another township's record count for nothing.
    record(world, a2, done, date=dt.date(2026, 4, 1), status=ActivityRecord.Status.DRAFT)
    RecordFactory(campaign=world.campaign_b, unit=world.unit_b1, date=dt.date(2026, 4, 1))
    recompute_campaign(c.pk)
    # Sites: a1's is assessed (manual 50 of 60) with 1 lecture in the ledger (10 of 40 auto):
    # projected 60 = pass line, but an open rectification keeps it at risk; a2's is not assessed.
    cset, manual, auto = criteria_set(world.district)
    site_a1 = site(c, a1, "甲一村廉政文化广场")
    assessed(site_a1, cset, {manual: 50, auto: 0})
    site(c, a2, "甲二村清风长廊")
    rectification(c, a1, dt.date(2026, 6, 1))  # overdue
    rectification(c, a1, dt.date(2026, 7, 1))  # open
    rectification(c, a2, dt.date(2026, 5, 1), status=Rectification.Status.CLOSED)
    return Known(overdue, done, open_, people, percent, site_a1)


@pytest.fixture
def big_township(world, today):
    """Builds township A data of a given size: many domains, units, tasks, periods, records."""

    def build(size: int) -> None:
        c = world.campaign_a
        domains = list(Domain.objects.filter(is_default=True))
        for order, d in enumerate(domains):
            CampaignDomain.objects.get_or_create(campaign=c, domain=d, defaults={"order": order})
        units = []
        for i in range(size):
            d = domains[i % len(domains)]
            unit = UnitFactory(parent=world.township_a, main_domain=d)
            units.append(unit)
            task = TaskFactory(campaign=c, domain=d, lead_unit=unit, target_count=2 + i % 3)
            for month in (3, 4, 5, 6):
                rec = RecordFactory(
                    campaign=c,
                    unit=unit,
                    domain=d,
                    date=dt.date(2026, month, 21),
                    type=ActivityType.values[(i + month) % len(ActivityType.values)],
                )
                rec.tasks.add(task)
            Milestone.objects.create(
                campaign=c,
                kind=Milestone.Kind.OTHER,
                title=f"节点{i}",
                due_date=dt.date(2026, 6, 16) + dt.timedelta(days=i),
            )
        recompute_campaign(c.pk)
        cset = CriteriaSet.objects.filter(district=world.district).first()
        if cset is None:
            cset, manual, auto = criteria_set(world.district)
        manual = cset.items.get(code="1")
        for i, unit in enumerate(units):
            one = site(c, unit, f"示范点{unit.pk}")
            if i % 2:
                assessed(one, cset, {manual: 40})
            rectification(c, unit, dt.date(2026, 6, 1 + i % 28))

    return build


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts without cached dashboards (the local-memory cache outlives a test)."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()
