from __future__ import annotations

import datetime as dt

from django.utils import translation

from notifications.channels import describe, subject
from notifications.models import Reminder


def test_reminder_text_in_english():
    reminder = Reminder(title="Lecture", deadline=dt.date(2026, 6, 20), offset=3)
    with translation.override("en"):
        assert subject(reminder) == "[Overdue] Lecture"
        assert describe(reminder).startswith("Was due on")
    with translation.override("zh-hans"):
        assert subject(reminder) == "【催办】Lecture"
        assert describe(reminder) == "已于 2026年6月20日 截止，逾期 3 天，请尽快完成。"
