"""The stored record tallies equal what the records say, through every kind of change."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities import services
from activities.models import ActivityRecord
from activities.types import ActivityType
from dashboard import tallies
from dashboard.models import RecordTally
from tests.factories import RecordFactory, domain

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


def test_approve_return_edit_and_delete_through_the_services(world):
    c = world.campaign_a
    pending = [
        RecordFactory(campaign=c, unit=world.unit_a1, status=SUBMITTED, participants=n)
        for n in (3, 4, 5)
    ]
    assert RecordTally.objects.count() == 0
    services.approve_record(pending[0], world.office_a)
    assert_in_step()
    assert RecordTally.objects.get().records == 1
    services.bulk_approve(ActivityRecord.objects.filter(pk=pending[1].pk), world.office_a)
    services.return_record(pending[2], world.office_a, "照片不清晰")
    assert_in_step()
    assert RecordTally.objects.get().participants == 7
    # an approved record moved to another month, type and domain
    moved = ActivityRecord.objects.get(pk=pending[0].pk)
    moved.date, moved.type, moved.domain = dt.date(2026, 4, 1), "film", domain("families")
    moved.save()
    assert_in_step()
    services.delete_record(ActivityRecord.objects.get(pk=pending[1].pk), world.office_a)
    assert_in_step()
    assert list(RecordTally.objects.values_list("type", "records")) == [("film", 1)]


def test_record_moved_to_another_unit_refreshes_both(world):
    record = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1)
    record = ActivityRecord.objects.get(pk=record.pk)
    record.unit = world.unit_a2
    record.save()
    assert_in_step()
    assert list(RecordTally.objects.values_list("unit_id", flat=True)) == [world.unit_a2.pk]


def test_unapproving_removes_the_tally(world):
    record = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1)
    record = ActivityRecord.objects.get(pk=record.pk)
    record.status = SUBMITTED
    record.save()
    assert RecordTally.objects.count() == 0
    assert_in_step()


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
    record = RecordFactory(
        campaign=world.campaign_a, unit=world.unit_a1, status=ActivityRecord.Status.DRAFT
    )
    record = ActivityRecord.objects.get(pk=record.pk)
    record.title = "改个标题"
    with CaptureQueriesContext(connection) as ctx:
        record.save()
    assert ctx.captured_queries
    assert not [q for q in ctx.captured_queries if "dashboard_recordtally" in q["sql"]]
    assert RecordTally.objects.count() == 0
