"""The sweep, service level, under time_machine: when reminders go out, to whom, exactly once."""

from __future__ import annotations

import datetime as dt
import gc
from contextlib import contextmanager

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections

from activities.models import ActivityRecord
from activities.recount import footprints, records_changed
from notifications import channels, sweep
from notifications.models import Notification, Reminder, ReminderPolicy, SweepRun
from tests.factories import TODAY, RecordFactory, UserFactory, give_role
from tests.notifications.conftest import at
from tests.notifications.factories import milestone_due, period_due

pytestmark = pytest.mark.usefixtures("no_digests", "send_on_rest_days")


def sent(kind="task_period", **filters):
    return list(
        Reminder.objects.filter(kind=kind, status=Reminder.Status.SENT, **filters)
        .order_by("sent_at", "recipient_id")
        .values_list("recipient__username", "offset")
    )


def test_default_schedule_before_on_and_after_the_deadline(world, sweep_at):
    period_due(world.campaign_a, world.unit_a1, TODAY)
    days = [TODAY + dt.timedelta(days=n) for n in range(-10, 25)]
    for day in days:
        sweep_at(day)
    offsets = [offset for _user, offset in sent()]
    # 7 and 1 days before, on the day, then every 3 days while overdue, at most 5 times
    assert offsets == [-7, -1, 0, 3, 6, 9, 12, 15]
    assert {user for user, _o in sent()} == {"liaison_a1"}
    assert Notification.objects.filter(user=world.liaison_a1, kind="task_period").count() == 8


def test_nothing_before_half_past_eight_nor_at_night(world, sweep_at):
    period_due(world.campaign_a, world.unit_a1, TODAY + dt.timedelta(days=7))
    sweep_at(TODAY, 7, 0)
    assert sent() == []
    assert Reminder.objects.filter(kind="task_period", status="pending").count() == 1
    sweep_at(TODAY, 8, 29)
    assert sent() == []
    sweep_at(TODAY, 8, 30)
    assert sent() == [("liaison_a1", -7)]


def test_a_sweep_at_night_holds_its_rows_until_morning(world, sweep_at):
    period_due(world.campaign_a, world.unit_a1, TODAY + dt.timedelta(days=1))
    run = sweep_at(TODAY, 22, 0)
    assert run.held_for_night and sent() == []
    sweep_at(TODAY + dt.timedelta(days=1), 8, 0)
    assert sent() == [("liaison_a1", -1)]


def test_each_liaison_of_the_responsible_unit_and_no_one_else(world, sweep_at):
    second = UserFactory(username="liaison_a1_bis")
    give_role(second, world.unit_a1, "liaison")
    period_due(world.campaign_a, world.unit_a1, TODAY)
    sweep_at(TODAY)
    assert sorted(u for u, _o in sent()) == ["liaison_a1", "liaison_a1_bis"]


def test_office_is_reminded_of_the_application_milestone(world, sweep_at):
    milestone_due(world.campaign_a, TODAY + dt.timedelta(days=1))
    sweep_at(TODAY)
    assert sent("milestone") == [("office_a", -1)]


def test_nothing_for_work_already_done(world, sweep_at):
    period = period_due(world.campaign_a, world.unit_a1, TODAY, target=1)
    record = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, date=TODAY)
    record.tasks.add(period.task)
    records_changed([record.pk])
    sweep_at(TODAY)
    assert sent() == []
    # a record that is not approved does not count (the hook is told what it counted before)
    before = footprints([record.pk])
    record.status = ActivityRecord.Status.SUBMITTED
    record.save()
    records_changed([record.pk], before=before.values())
    sweep_at(TODAY + dt.timedelta(days=3))
    assert sent() == [("liaison_a1", 3)]


def test_work_done_after_planning_goes_quiet(world, sweep_at):
    period = period_due(world.campaign_a, world.unit_a1, TODAY)
    sweep_at(TODAY, 6, 0)  # planned, not yet sent
    record = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, date=TODAY)
    record.tasks.add(period.task)
    records_changed([record.pk])
    run = sweep_at(TODAY, 9, 0)
    assert run.cancelled == 1 and sent() == []
    assert Reminder.objects.get(kind="task_period").status == Reminder.Status.CANCELLED


def test_a_moved_deadline_gets_a_fresh_schedule_and_the_old_one_goes_quiet(world, sweep_at):
    period = period_due(world.campaign_a, world.unit_a1, TODAY + dt.timedelta(days=7))
    sweep_at(TODAY)
    assert sent() == [("liaison_a1", -7)]
    old_due = period.due_date
    sweep_at(TODAY + dt.timedelta(days=6), 6, 0)  # the 1-day reminder is planned…
    period.due_date = TODAY + dt.timedelta(days=14)  # …then the deadline moves a week
    period.save()
    sweep_at(TODAY + dt.timedelta(days=6), 9, 0)
    assert Reminder.objects.get(deadline=old_due, offset=-1).status == "cancelled"
    sweep_at(TODAY + dt.timedelta(days=7))  # the new deadline is 7 days away
    assert sent() == [("liaison_a1", -7), ("liaison_a1", -7)]
    assert set(Reminder.objects.filter(status="sent").values_list("deadline", flat=True)) == {
        old_due,
        period.due_date,
    }
    for day in range(8, 25):
        sweep_at(TODAY + dt.timedelta(days=day))
    assert not Reminder.objects.filter(deadline=old_due, offset__gte=0).exists()


def test_policy_per_campaign(world, sweep_at):
    ReminderPolicy.objects.create(
        campaign=world.campaign_a,
        before_days=[3],
        on_the_day=False,
        overdue_every=2,
        overdue_max=1,
        send_time=dt.time(10, 0),
    )
    period_due(world.campaign_a, world.unit_a1, TODAY)
    period_due(world.campaign_b, world.unit_b1, TODAY)
    for n in range(-8, 10):
        sweep_at(TODAY + dt.timedelta(days=n), 10, 0)
    assert [o for u, o in sent() if u == "liaison_a1"] == [-3, 2]
    assert [o for u, o in sent() if u == "liaison_b1"] == [-7, -1, 0, 3, 6, 9]


def test_disabled_policy_sends_nothing(world, sweep_at):
    ReminderPolicy.objects.create(campaign=world.campaign_a, enabled=False)
    period_due(world.campaign_a, world.unit_a1, TODAY)
    sweep_at(TODAY)
    assert Reminder.objects.filter(campaign=world.campaign_a).count() == 0


def test_sweeping_again_sends_nothing_twice(world, sweep_at):
    period_due(world.campaign_a, world.unit_a1, TODAY)
    first = sweep_at(TODAY, 9, 0)
    second = sweep_at(TODAY, 9, 5)
    third = sweep_at(TODAY, 9, 10)
    assert first.sent >= 1 and second.sent == 0 and third.sent == 0
    assert Notification.objects.filter(kind="task_period").count() == 1
    assert len([m for m in mail.outbox if "测试任务" in m.subject]) == 1


def test_a_crash_mid_batch_loses_nothing_and_duplicates_nothing(world, sweep_at, monkeypatch):
    for n in range(7):
        period_due(world.campaign_a, world.unit_a1, TODAY, title=f"任务{n}")
    calls = {"n": 0}
    real = channels.InAppChannel.deliver

    def flaky(self, reminders, now):
        calls["n"] += 1
        real(self, reminders, now)
        if calls["n"] == 2:
            raise RuntimeError("worker died")

    monkeypatch.setattr(channels.InAppChannel, "deliver", flaky)
    with pytest.raises(RuntimeError):
        sweep_at(TODAY, batch_size=3)
    assert gc.isenabled()  # the collector paused for the sweep is back after the crash
    # the first batch was committed, the second rolled back whole
    assert Notification.objects.filter(kind="task_period").count() == 3
    assert Reminder.objects.filter(kind="task_period", status="sent").count() == 3
    monkeypatch.setattr(channels.InAppChannel, "deliver", real)
    sweep_at(TODAY, 9, 5, batch_size=3)
    assert Notification.objects.filter(kind="task_period").count() == 7
    assert (
        Notification.objects.filter(kind="task_period").values("reminder").distinct().count() == 7
    )
    assert SweepRun.objects.exclude(error="").count() == 1


def test_the_collector_is_paused_only_for_the_sweep(world, sweep_at, monkeypatch):
    seen = []
    real = channels.InAppChannel.deliver

    def watched(self, reminders, now):
        seen.append(gc.isenabled())
        real(self, reminders, now)

    period_due(world.campaign_a, world.unit_a1, TODAY)
    monkeypatch.setattr(channels.InAppChannel, "deliver", watched)
    sweep_at(TODAY)
    assert seen == [False] and gc.isenabled()
    gc.disable()  # a process that runs without it is left so
    try:
        with sweep.collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


@contextmanager
def another_sweep_running():
    """Hold the sweep lock the way another process would: from another database session on
    PostgreSQL (advisory locks belong to a session), through the cache elsewhere."""
    if connection.vendor != "postgresql":
        with sweep.sweep_lock() as held:
            assert held
            yield
        return
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [sweep.LOCK_KEY])
            assert cursor.fetchone()[0]
        yield
        with other.cursor() as cursor:
            # released explicitly: a closed session's locks go only when its backend has exited,
            # which can be after the next sweep in this test already asked for the lock
            cursor.execute("SELECT pg_advisory_unlock(%s)", [sweep.LOCK_KEY])
    finally:
        other.close()


def test_only_one_sweep_at_a_time(world, sweep_at):
    period_due(world.campaign_a, world.unit_a1, TODAY)
    with another_sweep_running():
        assert sweep_at(TODAY) is None  # the second one steps aside
    assert sent() == []
    assert sweep_at(TODAY).sent >= 1


def test_lock_is_held_in_the_database_on_postgresql(world):
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; SQLite uses the cache lock")
    with sweep.sweep_lock() as held:
        assert held
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
            assert cursor.fetchone()[0] >= 1


def test_monthly_reports_are_reminded_to_every_unit(world, sweep_at):
    # campaign_a reports by the 5th; the 2026-07-05 report is 1 day ahead on 07-04
    sweep_at(dt.date(2026, 7, 4))
    assert sorted(u for u, o in sent("monthly_report", campaign=world.campaign_a)) == [
        "liaison_a1",
        "liaison_a2",
    ]
    assert Reminder.objects.filter(kind="monthly_report").first().title == "6月廉政信息月报"


def test_creation_plans_due_remind_creating_units(world, sweep_at):
    from campaigns.models import CreatingUnit, Milestone
    from tests.factories import domain

    CreatingUnit.objects.create(campaign=world.campaign_a, unit=world.unit_a2, domain=domain())
    milestone_due(world.campaign_a, TODAY, kind=Milestone.Kind.PLAN_DUE)
    sweep_at(TODAY)
    assert sent("creation_plan") == [("liaison_a2", 0)]
    assert sent("milestone") == []


def test_health_row_written_per_sweep(world, sweep_at):
    run = sweep_at(TODAY)
    assert run.finished_at is not None and run.error == ""
    with time_machine.travel(at(TODAY, 9, 0), tick=False):
        assert SweepRun.objects.get().finished_at == at(TODAY, 9, 0)


def test_a_unit_that_submitted_its_report_is_not_chased_for_it(world, sweep_at):
    from monthly import services as monthly

    # liaison_a1's unit submitted its June report: the report due 07-05 is done for it
    report = monthly.save_draft(
        world.campaign_a,
        world.unit_a1,
        dt.date(2026, 6, 1),
        summary="六月开展廉政讲座一次。",
        notes="",
        by=world.liaison_a1,
    )
    monthly.submit_report(report, by=world.liaison_a1, today=dt.date(2026, 7, 2))
    # a unit whose record of June awaits review has not reported: records are not a report
    RecordFactory(
        campaign=world.campaign_a,
        unit=world.unit_a2,
        date=dt.date(2026, 6, 21),
        status=ActivityRecord.Status.SUBMITTED,
    )
    # nor does a draft report count
    monthly.save_draft(
        world.campaign_a,
        world.unit_a2,
        dt.date(2026, 6, 1),
        summary="草稿",
        notes="",
        by=world.liaison_a2,
    )
    sweep_at(dt.date(2026, 7, 4))
    assert [u for u, _o in sent("monthly_report", campaign=world.campaign_a)] == ["liaison_a2"]
