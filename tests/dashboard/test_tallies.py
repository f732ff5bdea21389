"""The tallies' definition and bulk rebuild (every kind of change: tests/test_stored_figures.py)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities import services
from activities.models import ActivityRecord
from activities.types import ActivityType
from dashboard import tallies
from dashboard.models import RecordTally
from tests.factories import RecordFactory

APPROVED = ActivityRecord.Status.APPROVED
SUBMITTED = ActivityRecord.Status.SUBMITTED


def assert_in_step():
    assert tallies.stored() == tallies.computed()


def test_filed_records_are_tallied(world):
    c = world.campaign_a
    RecordFactory(campaign=c, unit=world.unit_a1, date=dt.date(2026, 4, 3), participants=10)
    RecordFactory(campaign=c, unit=world.unit_a1, date=dt.date(2026, 4, 30), participants=5)
    RecordFactory(campaign=c, unit=world.unit_a1, date=dt.date(2026, 4, 9), status=SUBMITTED)
    RecordFactory(campaign=c, unit=world.unit_a2, date=dt.date(2026, 5, 1), type=ActivityType.FILM)
    assert_in_step()
    row = RecordTally.objects.get(unit=world.unit_a1)
    assert (row.month, row.type, row.records, row.participants) == (
        dt.date(2026, 4, 1),
        "lecture",
        2,
        15,
    )
    assert RecordTally.objects.count() == 2


def test_bulk_loads_are_fixed_by_rebuild(world):
    RecordFactory(campaign=world.campaign_a, unit=world.unit_a1)
    RecordFactory(campaign=world.campaign_b, unit=world.unit_b1)
    # rows written behind the model's back (as COPY does for scale data)
    ActivityRecord.objects.filter(unit=world.unit_b1).update(participants=99)
    RecordTally.objects.filter(unit=world.unit_a1).delete()
    assert tallies.stored() != tallies.computed()
    assert tallies.rebuild([world.campaign_a.pk]) == 1
    assert tallies.stored() != tallies.computed()  # campaign b still stale
    tallies.rebuild()
    assert_in_step()


def test_drafts_do_not_touch_the_tallies(world):
    """A draft saved through the service runs the one hook, which skips the tallies."""
    record = RecordFactory(
        campaign=world.campaign_a, unit=world.unit_a1, status=ActivityRecord.Status.DRAFT
    )
    with CaptureQueriesContext(connection) as ctx:
        services.update_record(record, data={"title": "改个标题"}, by=world.liaison_a1)
    assert any("activities_activityrecord" in q["sql"] for q in ctx.captured_queries)
    assert not [q for q in ctx.captured_queries if "dashboard_recordtally" in q["sql"]]
    assert RecordTally.objects.count() == 0
