"""The sweep's batch writes: rows go in as column arrays (PostgreSQL) or VALUES (SQLite) and
come back exactly; only the rows reported new are delivered, once; channels without a setting
cost no query per channel."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from notifications.channel_models import OutboundMessage
from notifications.models import Notification, OutboundEmail, Reminder
from notifications.rows import insert_rows
from notifications.sweep import ROW_FIELDS, run_sweep
from tests.factories import TODAY
from tests.notifications.channels.conftest import wecom_robot_of
from tests.notifications.conftest import at
from tests.notifications.factories import period_due

pytestmark = pytest.mark.usefixtures("no_digests", "send_on_rest_days")

AWKWARD = ['引号"里', "反斜杠\\后", "{花括号}", "逗号,分号;", "换行\n制表\t", "", "NULL", " 空格 "]


def _reminder_row(user, campaign, township, title, url, *, deadline=TODAY, unit=None):
    now = at(TODAY)
    return (
        user.pk,
        "task_period",
        1,
        deadline,
        0,
        False,
        campaign.pk,
        township.pk,
        unit.pk if unit else None,
        title,
        url,
        now,
        Reminder.Status.PENDING,
        now,
        None,
    )


def test_awkward_text_nulls_dates_and_times_come_back_exactly(world):
    rows = [
        _reminder_row(
            world.liaison_a1,
            world.campaign_a,
            world.township_a,
            title,
            f"/x/{n}",
            deadline=TODAY + dt.timedelta(days=n),
            unit=world.unit_a1 if n % 2 else None,
        )
        for n, title in enumerate(AWKWARD)
    ]
    ids = insert_rows(Reminder, ROW_FIELDS, rows, returning=True)
    assert len(ids) == len(AWKWARD)
    stored = list(
        Reminder.objects.filter(pk__in=ids)
        .order_by("deadline")
        .values_list("title", "url", "deadline", "unit_id", "sent_at", "send_after", "in_workdays")
    )
    assert [s[0] for s in stored] == AWKWARD
    assert [s[1] for s in stored] == [f"/x/{n}" for n in range(len(AWKWARD))]
    assert [s[2] for s in stored] == [TODAY + dt.timedelta(days=n) for n in range(len(AWKWARD))]
    assert [s[3] for s in stored] == [
        world.unit_a1.pk if n % 2 else None for n in range(len(AWKWARD))
    ]
    assert {s[4] for s in stored} == {None}
    assert {s[5] for s in stored} == {at(TODAY)}
    assert {s[6] for s in stored} == {False}


def test_conflicting_rows_are_skipped_and_only_new_keys_return(world):
    row = _reminder_row(world.liaison_a1, world.campaign_a, world.township_a, "一", "")
    first = insert_rows(
        Reminder, ROW_FIELDS, [row], ignore_conflicts=True, returning=["id", "title"]
    )
    other = row[:3] + (TODAY + dt.timedelta(days=1),) + row[4:]
    again = insert_rows(
        Reminder,
        ROW_FIELDS,
        [row, other, other],
        ignore_conflicts=True,
        returning=["id", "deadline"],
    )
    assert len(first) == 1
    assert len(again) == 1  # the old row and the repeat of the new one come back as nothing
    assert Reminder.objects.count() == 2


def test_a_title_with_quotes_and_backslashes_reaches_every_channel_unchanged(world, sweep_at):
    title = '“讲"廉政\\党课”{第1期}'
    period_due(world.campaign_a, world.unit_a1, TODAY, title=title)
    sweep_at(TODAY)
    note = Notification.objects.get(kind="task_period", user=world.liaison_a1)
    assert title in note.title
    email = OutboundEmail.objects.get(kind=OutboundEmail.Kind.REMINDER, user=world.liaison_a1)
    assert title in email.subject


def test_rows_already_there_are_not_delivered_again_in_a_mixed_batch(world, sweep_at):
    for n in range(5):
        period_due(world.campaign_a, world.unit_a1, TODAY, title=f"任务{n}")
    sweep_at(TODAY, batch_size=2)
    assert Notification.objects.filter(kind="task_period").count() == 5
    # two reminders lose their notification and email (as if written by another path): a
    # re-run inserts nothing new, so it delivers nothing, not even to fill the gap
    gone = list(Reminder.objects.filter(kind="task_period").order_by("pk")[:2])
    Notification.objects.filter(reminder__in=gone).delete()
    OutboundEmail.objects.filter(reminder__in=gone).delete()
    sent_before = len(mail.outbox)
    run = sweep_at(TODAY, 9, 5, batch_size=2)
    assert run.sent == 0
    assert Notification.objects.filter(kind="task_period").count() == 3
    assert len(mail.outbox) == sent_before
    # a new deadline beside the old ones: only it is delivered
    period_due(world.campaign_a, world.unit_a1, TODAY, title="新任务")
    run = sweep_at(TODAY, 9, 10, batch_size=2)
    assert run.sent == 1
    assert Notification.objects.filter(kind="task_period").count() == 4
    assert Notification.objects.filter(title__contains="新任务").count() == 1


def test_subjects_are_worded_in_the_language_active_for_the_sweep(world, sweep_at):
    period_due(world.campaign_a, world.unit_a1, TODAY, title="Lecture")
    with translation.override("en"):
        sweep_at(TODAY)
    note = Notification.objects.get(kind="task_period", user=world.liaison_a1)
    assert note.title.startswith("[Reminder] Lecture")
    assert note.body.startswith("Due today")
    email = OutboundEmail.objects.get(kind=OutboundEmail.Kind.REMINDER, user=world.liaison_a1)
    assert email.subject == note.title


def _sweep_queries(day, **kwargs) -> list[str]:
    """The SQL of a sweep at 09:00 (nothing sent after commit: a test transaction never
    commits, so only the sweep's own queries are seen)."""
    with time_machine.travel(at(day), tick=False), CaptureQueriesContext(connection) as ctx:
        run_sweep(**kwargs)
    return [q["sql"] for q in ctx.captured_queries]


def test_no_channel_setting_costs_one_query_a_batch_not_one_per_channel(world):
    for n in range(4):
        period_due(world.campaign_a, world.unit_a1, TODAY, title=f"任务{n}")
    queries = _sweep_queries(TODAY, batch_size=2)
    configs = [sql for sql in queries if "notifications_channelconfig" in sql]
    # liaison_a1 gets four reminders, two a batch, and no one else is reminded
    assert Notification.objects.filter(kind="task_period").count() == 4
    assert len(configs) == 2


def test_only_the_channels_a_township_has_are_asked(world):
    period_due(world.campaign_a, world.unit_a1, TODAY)
    wecom_robot_of(world.township_a)
    queries = _sweep_queries(TODAY)
    configs = [sql for sql in queries if "notifications_channelconfig" in sql]
    # which kinds the batch's townships have, then the WeChat Work robot's own settings
    assert len(configs) == 2
    assert OutboundMessage.objects.filter(channel="wecom_robot").count() == 1
    assert not OutboundMessage.objects.exclude(channel="wecom_robot").exists()
