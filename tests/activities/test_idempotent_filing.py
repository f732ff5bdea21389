"""Filing is idempotent and a record's own photos sent twice are flagged (issue 11.3).

The filing form carries a one-time token, stored on the record it creates under a unique
constraint: a second POST of the same form (a double tap, a resend, one racing the first on
another worker) leads to the first record and creates nothing.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from activities import evidence as ev
from activities import services
from activities.models import ActivityRecord, Evidence
from tests.activities.conftest import files_on_disk
from tests.activities.factories import jpeg_bytes, upload
from tests.activities.test_file_record import form_data
from tests.concurrency import in_threads, needs_postgresql
from tests.factories import RecordFactory

URL = reverse("activities:record_create")
AGAIN = "这份表单已经提交过，未重复创建记录；以下是第一次提交的记录。"


def photo_files():
    return [
        upload("现场1.jpg", jpeg_bytes(color=(5, 6, 7)), "image/jpeg"),
        upload("现场2.jpg", jpeg_bytes(color=(8, 9, 10)), "image/jpeg"),
    ]


def test_the_form_carries_a_fresh_token(world, login, today):
    client = login(world.liaison_a1)
    first = client.get(URL).context["form"]["token"].value()
    second = client.get(URL).context["form"]["token"].value()
    assert first and second and first != second


def test_a_second_post_of_the_same_form_leads_to_the_first_record(world, login, today, media):
    client = login(world.liaison_a1)
    data = {**form_data(), "token": str(uuid.uuid4())}
    first = client.post(URL, {**data, "files": photo_files()})
    record = ActivityRecord.objects.get()
    assert first.url == reverse("activities:record_detail", args=[record.pk])
    second = client.post(URL, {**data, "files": photo_files()})
    assert second.status_code == 302 and second.url == first.url
    assert [str(m) for m in get_messages(second.wsgi_request)][-1] == AGAIN
    assert ActivityRecord.objects.count() == 1
    assert record.evidence.count() == 2
    assert record.submission_token == uuid.UUID(data["token"])


def test_the_service_refuses_a_used_token(world, today):
    token = uuid.uuid4()
    data = {"date": today, "domain": None, "type": "lecture", "title": "x", "participants": 1}
    from tests.factories import domain

    data["domain"] = domain()
    first = services.file_record(
        unit=world.unit_a1, campaign=world.campaign_a, data=data, by=world.liaison_a1, token=token
    )
    with pytest.raises(services.AlreadyFiled) as caught:
        services.file_record(
            unit=world.unit_a1,
            campaign=world.campaign_a,
            data=data,
            by=world.liaison_a1,
            token=token,
        )
    assert caught.value.record == first
    assert ActivityRecord.objects.count() == 1


def test_someone_elses_token_does_not_open_their_record(world, login, today):
    theirs = RecordFactory(
        campaign=world.campaign_a, unit=world.unit_a2, submission_token=uuid.uuid4()
    )
    response = login(world.liaison_a1).post(
        URL, {**form_data(submit=""), "draft": "1", "token": str(theirs.submission_token)}
    )
    assert response.status_code == 200
    assert "表单已失效" in response.content.decode()
    assert ActivityRecord.objects.count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_posts_racing_make_one_record(world, today, media):
    """Both POSTs are past the early check before either has committed: the unique token
    makes the second INSERT wait for the first and then fail; it answers with the first."""
    trials, single = 3, 0
    for _trial in range(trials):
        data = {**form_data(), "token": str(uuid.uuid4())}
        start = threading.Barrier(2)

        def post(data=data, start=start):
            client = Client()
            client.force_login(world.liaison_a1)
            files = photo_files()
            start.wait(30)
            return client.post(URL, {**data, "files": files}).url

        urls = in_threads(post, post)
        records = ActivityRecord.objects.filter(submission_token=data["token"])
        if records.count() == 1:
            single += 1
            record = records.get()
            assert urls == [reverse("activities:record_detail", args=[record.pk])] * 2
            assert record.evidence.count() == 2
    print(f"\ndouble POST of the filing form: one record in {single}/{trials} trials")
    assert single == trials


# --- the same photo twice -------------------------------------------------------------------


def test_a_photo_picked_twice_in_one_record_is_flagged(world, login, today, media):
    same = jpeg_bytes(color=(70, 70, 70))
    client = login(world.liaison_a1)
    files = [upload("a.jpg", same, "image/jpeg"), upload("a-again.jpg", same, "image/jpeg")]
    client.post(URL, {**form_data(), "token": str(uuid.uuid4()), "files": files})
    record = ActivityRecord.objects.get()
    assert list(record.evidence.values_list("original_name", "duplicate")) == [
        ("a.jpg", False),
        ("a-again.jpg", True),
    ]
    assert len(files_on_disk(media)) == 2  # one photo and its thumbnail on disk


def test_a_photo_sent_again_with_an_edit_is_flagged(world, today, media):
    record = RecordFactory(
        campaign=world.campaign_a, unit=world.unit_a1, status=ActivityRecord.Status.DRAFT
    )
    first = ev.inspect_upload(upload("x.jpg", jpeg_bytes(color=(1, 99, 1)), "image/jpeg"))
    services.update_record(record, data={}, uploads=[first], by=world.liaison_a1)
    again = ev.inspect_upload(upload("x2.jpg", jpeg_bytes(color=(1, 99, 1)), "image/jpeg"))
    services.update_record(record, data={}, uploads=[again], by=world.liaison_a1)
    assert list(record.evidence.values_list("duplicate", flat=True)) == [False, True]


def test_the_copies_in_a_pending_edit_are_not_flagged(world, today, media):
    record = RecordFactory(
        campaign=world.campaign_a, unit=world.unit_a1, status=ActivityRecord.Status.DRAFT
    )
    photo = ev.inspect_upload(upload("x.jpg", jpeg_bytes(color=(3, 99, 3)), "image/jpeg"))
    services.update_record(record, data={}, uploads=[photo], by=world.liaison_a1, submit=True)
    services.approve_record(record, world.office_a)
    revision = services.start_revision(record, world.liaison_a1)
    assert list(revision.evidence.values_list("duplicate", flat=True)) == [False]
    new = ev.inspect_upload(upload("y.jpg", jpeg_bytes(color=(4, 4, 4)), "image/jpeg"))
    services.update_record(revision, data={}, uploads=[new], by=world.liaison_a1, submit=True)
    services.approve_record(revision, world.office_a)
    assert list(Evidence.objects.filter(record=record).values_list("duplicate", flat=True)) == [
        False,
        False,
    ]
