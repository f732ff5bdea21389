"""Office staff mark the photos the acceptance dossier prints for a record with many photos."""

import pytest
from django.urls import reverse

from activities.models import Evidence
from tests.factories import RecordFactory


@pytest.fixture
def photo(world):
    record = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1)
    return Evidence.objects.create(
        record=record,
        kind=Evidence.Kind.IMAGE,
        file="evidence/aa/x.jpg",
        original_name="现场.jpg",
        mime_type="image/jpeg",
        extension=".jpg",
        size=10,
        sha256="a" * 64,
    )


def url(photo):
    return reverse("activities:evidence_representative", args=[photo.pk])


def test_office_marks_and_unmarks(world, login, photo):
    client = login(world.office_a)
    response = client.post(url(photo), {"representative": "1"})
    assert response.status_code == 302
    assert response.url == reverse("activities:record_detail", args=[photo.record_id])
    photo.refresh_from_db()
    assert photo.representative is True
    page = client.get(response.url).content.decode()
    assert "代表性照片" in page and "取消代表性" in page
    client.post(url(photo), {"representative": "0"})
    photo.refresh_from_db()
    assert photo.representative is False


def test_only_approved_records_and_images(world, login, photo):
    from activities.models import ActivityRecord

    ActivityRecord.objects.filter(pk=photo.record_id).update(status="submitted")
    client = login(world.office_a)
    response = client.post(url(photo), {"representative": "1"}, follow=True)
    assert "审核通过后" in response.content.decode()
    photo.refresh_from_db()
    assert photo.representative is False
    ActivityRecord.objects.filter(pk=photo.record_id).update(status="approved")
    Evidence.objects.filter(pk=photo.pk).update(kind=Evidence.Kind.DOCUMENT)
    response = client.post(url(photo), {"representative": "1"}, follow=True)
    assert "只有照片" in response.content.decode()


@pytest.mark.parametrize(
    "who, status", [("outsider", 404), ("office_b", 404), ("liaison_a1", 403), ("leader_a", 403)]
)
def test_refused(world, login, photo, who, status):
    assert (
        login(getattr(world, who)).post(url(photo), {"representative": "1"}).status_code == status
    )
    photo.refresh_from_db()
    assert photo.representative is False


def test_get_is_not_allowed(world, login, photo):
    assert login(world.office_a).get(url(photo)).status_code == 405
