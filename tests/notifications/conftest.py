from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from notifications.sweep import run_sweep

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def sweep_at(django_capture_on_commit_callbacks):
    """sweep_at(date, hour, minute) -> the SweepRun of a sweep at that local time (on-commit
    work such as sending emails runs, eagerly, as it would after a real commit)."""

    def _sweep(day: dt.date, hour: int = 9, minute: int = 0, **kwargs):
        with time_machine.travel(at(day, hour, minute), tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                return run_sweep(**kwargs)

    return _sweep


@pytest.fixture
def no_digests(settings):
    """Keep the daily digests out of tests that count single reminders."""
    settings.REMINDER_DIGEST_TIME = "23:59"


@pytest.fixture
def send_on_rest_days(settings):
    """Tests of the schedule's day arithmetic walk through weekends and holidays: send on them
    as on any day (tests/notifications/test_working_calendar.py tests the holds)."""
    settings.REMINDER_REST_DAYS = "send"
