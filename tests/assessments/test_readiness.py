"""Per-site readiness for the dashboard and the reports: values and a fixed query count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from assessments import readiness, services
from assessments.models import Rectification
from tests.assessments.factories import make_site
from tests.assessments.test_services import full_rows
from tests.factories import TODAY, RecordFactory, UnitFactory


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


def test_readiness_values(world, criteria, site_a1):
    RecordFactory.create_batch(2, campaign=world.campaign_a, unit=world.unit_a1)
    a = services.start_assessment("self", criteria, world.liaison_a1, site=site_a1)
    services.save_scores(a, full_rows(a, score=Decimal(7)), None)
    services.complete_assessment(a, None)
    RecordFactory.create_batch(2, campaign=world.campaign_a, unit=world.unit_a1)  # since then
    Rectification.objects.create(
        campaign=world.campaign_a,
        unit=world.unit_a1,
        title="x",
        requirement="x",
        deadline=TODAY - dt.timedelta(days=1),
    )
    other = make_site(world.campaign_a, world.unit_a2)
    rows = {r.site: r for r in readiness.site_readiness(world.campaign_a)}
    mine = rows[site_a1]
    assert mine.assessed_score == Decimal("40.0")  # 5 + 5 * 7
    assert mine.auto_score == Decimal("10.0")  # 4 lectures now
    assert mine.projected_score == Decimal("45.0")
    assert mine.pass_line == Decimal(36) and mine.total_points == Decimal(60)
    assert mine.open_rectifications == 1 and mine.overdue_rectifications == 1
    assert mine.status == "at_risk"
    assert rows[other].status == "not_assessed" and rows[other].projected_score == Decimal(0)


@pytest.mark.parametrize("sites", [3, 15])
def test_readiness_in_fixed_queries(world, criteria, django_assert_num_queries, sites):
    for _n in range(sites):
        unit = UnitFactory(parent=world.township_a)
        site = make_site(world.campaign_a, unit)
        RecordFactory(campaign=world.campaign_a, unit=unit)
        a = services.start_assessment("self", criteria, None, site=site)
        services.save_scores(a, full_rows(a), None)
        services.complete_assessment(a, None)
    # the sites with their latest assessment and rectifications, the criteria set with its
    # items, the ledger tallies
    with django_assert_num_queries(3):
        rows = readiness.site_readiness(world.campaign_a)
    assert len(rows) == sites
