"""The state machine: no skipping, reasons, the re-review sweep."""

from __future__ import annotations

import datetime as dt

import pytest

from sites import lifecycle, services
from sites.lifecycle import IllegalTransition
from sites.models import Status
from tests.assessments.factories import make_site


def test_a_site_cannot_skip_a_step(world):
    site = make_site(world.campaign_a, world.unit_a1, status=Status.CANDIDATE)
    for action in ("start_creating", "name", "apply", "delist", "review_pass"):
        with pytest.raises(IllegalTransition):
            lifecycle.check(site, action)


def test_every_status_is_reachable_and_steps_name_their_sources():
    targets = {s.target for s in lifecycle.STEPS.values()}
    assert set(Status.values) - {Status.CANDIDATE} <= targets


def test_transition_writes_an_event_and_refuses_without_change(world):
    site = make_site(world.campaign_a, world.unit_a1, status=Status.PLAN_APPROVED)
    services.transition(site, "start_creating", world.office_a)
    site.refresh_from_db()
    assert site.status == Status.CREATING
    with pytest.raises(IllegalTransition):
        services.transition(site, "start_creating", world.office_a)
    assert site.events.count() == 1


def test_mark_reviews_due(world):
    due = make_site(
        world.campaign_a, world.unit_a1, status=Status.NAMED, next_review_due=dt.date(2026, 6, 1)
    )
    later = make_site(
        world.campaign_a, world.unit_a2, status=Status.NAMED, next_review_due=dt.date(2027, 6, 1)
    )
    assert services.mark_reviews_due(dt.date(2026, 6, 15)) == 1
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == Status.REVIEW_DUE and later.status == Status.NAMED
    assert services.mark_reviews_due(dt.date(2026, 6, 15)) == 0


def test_daily_task_marks_reviews_due(world):
    from sites.tasks import mark_reviews_due

    make_site(
        world.campaign_a, world.unit_a1, status=Status.NAMED, next_review_due=dt.date(2020, 1, 1)
    )
    assert mark_reviews_due.delay().get() == 1
