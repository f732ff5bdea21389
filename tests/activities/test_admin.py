"""The admin pages load and the bulk action goes through the service."""

from __future__ import annotations

from django.urls import reverse

from activities.models import ActivityRecord
from tests.activities.factories import add_evidence
from tests.factories import RecordFactory, UserFactory


def test_admin_changelist_and_approve_action(world, client, changed):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    record = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, status="submitted")
    add_evidence(record)
    url = reverse("admin:activities_activityrecord_changelist")
    assert client.get(url).status_code == 200
    assert (
        client.get(reverse("admin:activities_activityrecord_change", args=[record.pk])).status_code
        == 200
    )
    assert client.get(reverse("admin:activities_evidence_changelist")).status_code == 200
    response = client.post(url, {"action": "approve_selected", "_selected_action": [record.pk]})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == ActivityRecord.Status.APPROVED
    assert changed == [([record.pk], [])]
