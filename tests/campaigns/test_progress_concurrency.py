"""Stored task progress stays equal to the recount when approvals land together (issue 11.2).

Three units' records count toward one task; each is approved by its own thread (its own
PostgreSQL connection) at the same instant, trial after trial. Before the fix each approval
recounted from a snapshot that missed the others' uncommitted approvals and wrote it back
(the issue: stored 127, recount 129); now `campaigns.progress.tasks_changed` locks the task
rows first and recounts in a new statement.
"""

from __future__ import annotations

import threading

import pytest

from activities import services
from activities.models import ActivityRecord
from campaigns import progress
from campaigns.models import TaskPeriod
from dashboard import tallies
from tests.activities.factories import add_evidence
from tests.concurrency import in_threads, needs_postgresql
from tests.factories import RecordFactory, TaskFactory, UnitFactory

TRIALS = 8


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_of_different_units_lose_no_count(world):
    unit_a3 = UnitFactory(name="甲三村", parent=world.township_a)
    task = TaskFactory(campaign=world.campaign_a, lead_unit=world.unit_a1, target_count=1000)
    task.co_units.add(world.unit_a2, unit_a3)
    units = [world.unit_a1, world.unit_a2, unit_a3]
    in_step = lost_in = 0
    for _trial in range(TRIALS):
        stored_before = sum(TaskPeriod.objects.filter(task=task).values_list("achieved", flat=True))
        records = []
        for unit in units:
            record = RecordFactory(
                campaign=world.campaign_a, unit=unit, status=ActivityRecord.Status.SUBMITTED
            )
            record.tasks.add(task)  # not counted yet: nothing stored to refresh
            add_evidence(record)
            records.append(record)
        start = threading.Barrier(len(records))

        def approve(record, start=start):
            start.wait(30)
            services.approve_record(record, world.office_a)

        in_threads(*[lambda r=r: approve(r) for r in records])
        stored = dict(TaskPeriod.objects.filter(task=task).values_list("pk", "achieved"))
        if stored == progress.compute_achieved([task.pk]):
            in_step += 1
        if sum(stored.values()) - stored_before != len(records):
            lost_in += 1
        assert tallies.stored() == tallies.computed()
    recount = progress.compute_achieved([task.pk])
    print(
        f"\nconcurrent approvals, 3 units, one task: stored == recount after {in_step}/{TRIALS}"
        f" trials, counts lost in {lost_in}; at the end stored {sum(stored.values())},"
        f" recount {sum(recount.values())}"
    )
    assert list(recount.values()) == [3 * TRIALS]
    assert in_step == TRIALS
