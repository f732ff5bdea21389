"""The change history reads as people write: choice labels, related rows by name, Chinese dates."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from activities.models import ActivityRecord
from tests.factories import RecordFactory, TaskFactory


def test_history_shows_labels_names_and_dates_not_codes(world, login):
    task = TaskFactory(campaign=world.campaign_a, lead_unit=world.unit_a1, title="讲廉政党课")
    record = RecordFactory(
        campaign=world.campaign_a,
        unit=world.unit_a1,
        status=ActivityRecord.Status.SUBMITTED,
        date=dt.date(2026, 5, 10),
    )
    record.status = ActivityRecord.Status.APPROVED
    record.date = dt.date(2026, 5, 20)
    record.save()
    record.tasks.add(task)
    record.save()

    url = reverse("organisations:history", args=["activities.activityrecord", record.pk])
    page = login(world.office_a).get(url).content.decode()
    assert "已提交" in page or "待审核" in page
    assert "已通过" in page
    assert "2026年5月10日 → 2026年5月20日" in page
    assert "讲廉政党课" in page
    assert "submitted" not in page and "'task'" not in page
