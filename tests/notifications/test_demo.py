from __future__ import annotations

import time_machine
from django.core.management import call_command

from notifications.models import Notification, Preference, Reminder, ReminderPolicy
from tests.factories import TODAY
from tests.notifications.conftest import at


def test_demo_loads_and_a_second_run_changes_nothing(db, django_capture_on_commit_callbacks):
    with time_machine.travel(at(TODAY, 10), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("load_demo", verbosity=0)
        counts = (
            ReminderPolicy.objects.count(),
            Preference.objects.count(),
            Reminder.objects.count(),
            Notification.objects.count(),
        )
        assert counts[0] == 1 and counts[1] == 1
        assert counts[3] > 0  # the demo's overdue work was chased this morning
        with django_capture_on_commit_callbacks(execute=True):
            call_command("load_demo", verbosity=0)
        assert (
            ReminderPolicy.objects.count(),
            Preference.objects.count(),
            Reminder.objects.count(),
            Notification.objects.count(),
        ) == counts
