"""Reminders across National Day and Spring Festival 2026, under time_machine: offsets in
working days, nothing sent on a rest day but the overdue reminders of urgent tasks, the rest
held to the next working day, quiet hours as on any day, no digests on rest days."""

from __future__ import annotations

import datetime as dt

import pytest

from campaigns.models import TaskPeriod
from notifications.models import Notification, Reminder, ReminderPolicy
from notifications.schedule import schedule_lines
from tests.factories import TaskFactory
from tests.notifications.factories import period_due

D = dt.date


def days_between(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def sent_on(**filters) -> list[tuple[dt.date, int]]:
    rows = Reminder.objects.filter(kind="task_period", status="sent", **filters)
    return sorted((r.sent_at.astimezone(dt.UTC).date(), r.offset) for r in rows)


def policy(campaign, **fields) -> ReminderPolicy:
    values = {"before_days": [3], "overdue_every": 3, "overdue_max": 2} | fields
    return ReminderPolicy.objects.create(campaign=campaign, **values)


@pytest.fixture
def campaign(world):
    campaign = world.campaign_a
    campaign.start_date, campaign.end_date = D(2026, 1, 1), D(2026, 12, 31)
    campaign.save()
    return campaign


def test_three_working_days_before_a_deadline_after_national_day(world, campaign, sweep_at):
    policy(campaign, day_unit=ReminderPolicy.DayUnit.WORKDAY)
    period_due(campaign, world.unit_a1, D(2026, 10, 8))
    for day in days_between(D(2026, 9, 20), D(2026, 10, 20)):
        sweep_at(day)
    # 3 working days before 8 October is 28 September (30th, 29th, 28th), not the holiday;
    # overdue every 3 working days: 12 and 15 October (10 October, a Saturday, is worked)
    assert sent_on() == [
        (D(2026, 9, 28), -3),
        (D(2026, 10, 8), 0),
        (D(2026, 10, 12), 3),
        (D(2026, 10, 15), 6),
    ]
    note = Notification.objects.filter(user=world.liaison_a1).order_by("id").first()
    assert "还有 3 个工作日" in note.body


def test_calendar_days_landing_in_the_holiday_wait_for_the_first_working_day(
    world, campaign, sweep_at
):
    policy(campaign)  # calendar days: 3 days before 8 October is 5 October, a holiday
    period_due(campaign, world.unit_a1, D(2026, 10, 8))
    run = sweep_at(D(2026, 10, 5))
    assert run.sent == 0
    held = Reminder.objects.get(offset=-3)
    assert held.status == "pending"
    assert held.send_after.astimezone(dt.UTC).date() == D(2026, 10, 8)
    sweep_at(D(2026, 10, 6))
    sweep_at(D(2026, 10, 7))
    assert sent_on() == []
    sweep_at(D(2026, 10, 8))
    assert sent_on() == [(D(2026, 10, 8), -3), (D(2026, 10, 8), 0)]


def test_only_the_overdue_reminders_of_urgent_tasks_go_out_on_a_holiday(world, campaign, sweep_at):
    policy(campaign)
    urgent = period_due(campaign, world.unit_a1, D(2026, 9, 30), title="紧急任务")
    urgent.task.is_urgent = True
    urgent.task.save()
    period_due(campaign, world.unit_a2, D(2026, 9, 30), title="一般任务")
    sweep_at(D(2026, 10, 3))  # 3 days overdue, a holiday
    assert sent_on(unit=world.unit_a1) == [(D(2026, 10, 3), 3)]
    assert sent_on(unit=world.unit_a2) == []
    sweep_at(D(2026, 10, 6))
    assert sent_on(unit=world.unit_a1) == [(D(2026, 10, 3), 3), (D(2026, 10, 6), 6)]
    sweep_at(D(2026, 10, 8))
    assert sent_on(unit=world.unit_a2) == [(D(2026, 10, 8), 3), (D(2026, 10, 8), 6)]


def test_a_make_up_working_day_is_a_working_day(world, campaign, sweep_at):
    policy(campaign, before_days=[1])
    period_due(campaign, world.unit_a1, D(2026, 10, 11))  # a Sunday
    sweep_at(D(2026, 10, 10))  # Saturday, worked in lieu of National Day
    assert sent_on() == [(D(2026, 10, 10), -1)]


def test_spring_festival(world, campaign, sweep_at):
    policy(campaign, day_unit=ReminderPolicy.DayUnit.WORKDAY, before_days=[1])
    for unit, due in ((world.unit_a1, D(2026, 2, 24)), (world.unit_a2, D(2026, 2, 27))):
        task = TaskFactory(
            campaign=campaign,
            lead_unit=unit,
            target_count=1,
            start_date=D(2026, 1, 5),
            due_date=due,
            periods=False,
        )
        TaskPeriod.objects.create(
            task=task, index=1, label="春节前后", start_date=task.start_date, due_date=due
        )
    for day in days_between(D(2026, 2, 12), D(2026, 2, 28)):
        sweep_at(day)
    # the working day before 24 February is Saturday 14 February (worked in lieu)
    assert sent_on(unit=world.unit_a1)[0] == (D(2026, 2, 14), -1)
    assert sent_on(unit=world.unit_a2)[0] == (D(2026, 2, 26), -1)
    assert all(not (D(2026, 2, 15) <= day <= D(2026, 2, 23)) for day, _o in sent_on())


def test_quiet_hours_still_hold_on_a_working_day(world, campaign, sweep_at):
    policy(campaign, day_unit=ReminderPolicy.DayUnit.WORKDAY)
    period_due(campaign, world.unit_a1, D(2026, 10, 8))
    run = sweep_at(D(2026, 9, 28), 22, 0)
    assert run.held_for_night and sent_on() == []
    sweep_at(D(2026, 9, 29), 8, 0)
    assert sent_on() == [(D(2026, 9, 29), -3)]


def test_no_office_digest_on_a_holiday(world, campaign, sweep_at, settings):
    settings.REMINDER_DIGEST_TIME = "08:45"
    period_due(campaign, world.unit_a1, D(2026, 9, 29))
    run = sweep_at(D(2026, 10, 2), 10, 0)
    assert run.digests == 0
    assert not Notification.objects.filter(kind="office_digest").exists()
    run = sweep_at(D(2026, 10, 8), 10, 0)
    assert Notification.objects.filter(kind="office_digest", user=world.office_a).exists()


def test_the_schedule_before_and_after(db):
    old, held, after = schedule_lines(D(2026, 10, 8), before=[3], overdue_every=3, overdue_max=2)
    assert old[0] == "提前3天：2026-10-05（周一，国庆节放假） 发出"
    assert "节假日暂缓，2026-10-08" in held[0]
    assert after[0] == "提前3个工作日：2026-09-28（周一，工作日） 发出"
    assert after[2] == "逾期3个工作日：2026-10-12（周一，工作日） 发出"
