from __future__ import annotations

import datetime as dt
from io import StringIO

import time_machine
from django.core import mail
from django.core.management import call_command

from notifications.models import Notification, Reminder
from tests.factories import TODAY
from tests.notifications.conftest import at
from tests.notifications.factories import period_due


def test_dry_run_lists_what_would_go_out_and_to_whom_and_sends_nothing(world, no_digests):
    period_due(world.campaign_a, world.unit_a1, TODAY + dt.timedelta(days=1), title="廉政党课")
    out = StringIO()
    with time_machine.travel(at(TODAY, 9), tick=False):
        call_command("remind", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "liaison_a1" in text and "廉政党课" in text and "-1" in text
    assert "liaison_a2" not in text.split("廉政党课")[0].splitlines()[-1]
    assert not Reminder.objects.exists() and not Notification.objects.exists()
    assert mail.outbox == []


def test_dry_run_before_send_time_lists_nothing_new(world, no_digests):
    period_due(world.campaign_a, world.unit_a1, TODAY + dt.timedelta(days=1))
    out = StringIO()
    with time_machine.travel(at(TODAY, 7), tick=False):
        call_command("remind", "--dry-run", stdout=out)
    assert "共 0 条" in out.getvalue()


def test_remind_runs_one_sweep(world, no_digests, django_capture_on_commit_callbacks):
    period_due(world.campaign_a, world.unit_a1, TODAY)
    out = StringIO()
    with time_machine.travel(at(TODAY, 9), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("remind", stdout=out)
    assert "扫描完成" in out.getvalue()
    assert Notification.objects.filter(user=world.liaison_a1, kind="task_period").count() == 1
