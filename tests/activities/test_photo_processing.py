"""Evidence files are processed by the worker, not the request (issue 17 item 1).

The request checks cheaply and keeps the original; the task decodes, re-encodes, thumbnails and
hashes it and only then creates the evidence row. Under pytest the task runs inline
(CELERY_TASK_ALWAYS_EAGER); the tests that look at a file *before* the worker has it turn eager
mode off, so the (never committed) transaction holds the message back, and then run the task's
body themselves as the worker would.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from activities import photos, services
from activities.models import ActivityRecord, Evidence, EvidenceUpload
from tests.activities.conftest import files_on_disk
from tests.activities.factories import jpeg_bytes, photo, upload
from tests.activities.test_file_record import form_data

URL = reverse("activities:record_create")
S = ActivityRecord.Status
U = EvidenceUpload.State


@pytest.fixture
def liaison(world, login, today):
    return login(world.liaison_a1)


@pytest.fixture
def held():
    """The worker has not run yet: uploads stay pending until the test processes them."""
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


def truncated_jpeg() -> bytes:
    """A JPEG whose header is fine (the request accepts it) but whose data stops right after the
    start of scan: only decoding finds out (even with WeasyPrint imported, which tells Pillow
    to accept truncated images)."""
    import weasyprint  # noqa: F401 - sets ImageFile.LOAD_TRUNCATED_IMAGES = True

    data = jpeg_bytes(size=(1600, 1200), color=(10, 200, 90))
    scan = data.index(b"\xff\xda")  # start of scan: the header ends with this segment
    length = int.from_bytes(data[scan + 2 : scan + 4], "big")
    return data[: scan + 2 + length + 16]


def draft(**extra):
    return {k: v for k, v in form_data(**extra).items() if k != "submit"}


def test_filing_keeps_the_original_and_the_worker_makes_the_evidence(world, liaison, held, media):
    response = liaison.post(URL, {**form_data(), "files": [photo("现场.jpg")]})
    assert response.status_code == 302
    record = ActivityRecord.objects.get()
    assert record.status == S.SUBMITTED  # submitting does not wait for the worker
    upload_row = EvidenceUpload.objects.get()
    assert upload_row.state == U.PENDING and upload_row.kind == "image"
    assert (upload_row.width, upload_row.height) == (1200, 900)  # from the header only
    assert not Evidence.objects.exists()  # nothing is evidence before it is processed
    assert files_on_disk(media) == [upload_row.staged.name]

    page = liaison.get(reverse("activities:record_detail", args=[record.pk]))
    assert "照片处理中" in page.text and 'aria-live="polite"' in page.text
    assert reverse("activities:record_evidence", args=[record.pk]) in page.text  # the poll

    assert photos.process(upload_row.pk) == U.DONE
    upload_row.refresh_from_db()
    item = Evidence.objects.get()
    assert upload_row.state == U.DONE and upload_row.evidence == item
    assert item.record == record and item.uploaded_by == world.liaison_a1
    assert item.taken_at is not None and item.gps_lat is not None  # EXIF read by the worker
    assert max(item.width, item.height) <= 2000 and item.thumbnail.name
    # the original is gone; the re-encoded file and its thumbnail stay
    assert sorted(files_on_disk(media)) == sorted([item.file.name, item.thumbnail.name])

    card = liaison.get(reverse("activities:record_evidence", args=[record.pk]))
    assert "照片处理中" not in card.text and "hx-trigger" not in card.text
    assert reverse("activities:evidence_thumb", args=[item.pk]) in card.text


def test_processing_twice_makes_one_evidence_row(world, liaison, held, media):
    liaison.post(URL, {**form_data(), "files": [photo("a.jpg")]})
    upload_row = EvidenceUpload.objects.get()
    assert photos.process(upload_row.pk) == U.DONE
    assert photos.process(upload_row.pk) is None  # a redelivered message finds it done
    assert photos.process(upload_row.pk, token="another-run") is None
    assert Evidence.objects.count() == 1


def test_a_run_that_died_is_taken_over_and_the_late_one_writes_nothing(
    world, liaison, held, media, settings
):
    settings.PHOTO_STALE_SECONDS = 60
    liaison.post(URL, {**form_data(), "files": [photo("a.jpg")]})
    upload_row = EvidenceUpload.objects.get()
    first = photos.claim(upload_row.pk, token="first")
    assert first is not None and first.attempts == 1
    assert photos.claim(upload_row.pk, token="second") is None  # the first is alive
    EvidenceUpload.objects.filter(pk=upload_row.pk).update(
        started_at=timezone.now() - dt.timedelta(seconds=61)
    )
    from config.celery import app

    app.conf.task_always_eager = True  # the worker is back: the message runs inline here
    assert photos.requeue_stale() == 1  # what beat does: sent again
    upload_row.refresh_from_db()
    assert upload_row.state == U.DONE and upload_row.attempts == 2
    # the first run comes back to life and tries to finish: it no longer holds the upload
    prepared = photos.files.prepare_bytes("a.jpg", jpeg_bytes())
    assert photos._attach(first, "first", prepared) is False
    assert Evidence.objects.count() == 1


def test_uploads_interrupted_too_often_fail_with_the_reason(world, liaison, held, settings):
    settings.PHOTO_MAX_ATTEMPTS = 2
    liaison.post(URL, {**form_data(), "files": [photo("a.jpg")]})
    upload_row = EvidenceUpload.objects.get()
    EvidenceUpload.objects.filter(pk=upload_row.pk).update(
        attempts=2, started_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert photos.process(upload_row.pk) is None
    upload_row.refresh_from_db()
    assert upload_row.state == U.FAILED
    assert "中断了 2 次" in upload_row.reason
    record = ActivityRecord.objects.get()
    assert record.status == S.RETURNED and "中断了 2 次" in record.return_reason


def test_a_broken_photo_fails_with_its_reason_and_blocks_submitting(world, liaison, media):
    response = liaison.post(
        URL, {**draft(), "files": [upload("坏照片.jpg", truncated_jpeg()), photo("好.jpg")]}
    )
    assert response.status_code == 302  # the header looked fine: accepted, then processed
    record = ActivityRecord.objects.get()
    failed = EvidenceUpload.objects.get(state=U.FAILED)
    assert failed.reason == "照片“坏照片.jpg”已损坏或无法读取。"
    assert Evidence.objects.count() == 1  # only the good one is evidence
    assert files_on_disk(media) == sorted(
        [Evidence.objects.get().file.name, Evidence.objects.get().thumbnail.name]
    )

    page = liaison.get(reverse("activities:record_detail", args=[record.pk]))
    assert "处理失败" in page.text and "照片“坏照片.jpg”已损坏或无法读取。" in page.text

    response = liaison.post(
        reverse("activities:record_submit", args=[record.pk]),
        {"version": record.version},
        follow=True,
    )
    assert "“坏照片.jpg” 处理失败，请先删除（或删除后重新上传）再提交审核。" in response.text
    record.refresh_from_db()
    assert record.status == S.DRAFT
    # the edit form's 提交审核 is refused the same way, and writes nothing
    response = liaison.post(
        reverse("activities:record_edit", args=[record.pk]),
        {**form_data(title="改了"), "version": record.version},
    )
    assert "处理失败，请先删除" in response.text
    record.refresh_from_db()
    assert record.status == S.DRAFT and record.title != "改了"

    response = liaison.post(
        reverse("activities:upload_delete", args=[failed.pk]),
        {"version": record.version, "next": "detail"},
    )
    assert response.status_code == 302
    assert not EvidenceUpload.objects.filter(pk=failed.pk).exists()
    record.refresh_from_db()
    services.submit_record(record, world.liaison_a1, version=record.version)
    assert record.status == S.SUBMITTED


def test_a_submitted_record_whose_photo_fails_goes_back_to_the_liaison(world, liaison, media):
    liaison.post(URL, {**form_data(), "files": [upload("坏.jpg", truncated_jpeg())]})
    record = ActivityRecord.objects.get()
    assert record.status == S.RETURNED
    assert "照片“坏.jpg”已损坏或无法读取。" in record.return_reason
    assert record.reviewed_by is None
    assert not Evidence.objects.exists()
    from audit.models import AuditEvent

    event = AuditEvent.objects.get(kind=AuditEvent.Kind.RETURN)
    assert event.actor_name == "system:photos" and "坏.jpg" in event.detail


def test_approval_waits_for_the_photos(world, login, liaison, held, today):
    liaison.post(URL, {**form_data(), "files": [photo("a.jpg"), photo("b.jpg", color=(9, 9, 9))]})
    record = ActivityRecord.objects.get()
    office = login(world.office_a)
    queue = office.get(reverse("activities:review_queue"))
    assert "照片处理中" in queue.text
    response = office.post(
        reverse("activities:record_approve", args=[record.pk]),
        {"version": record.version},
        follow=True,
    )
    assert "该记录还有照片在处理中，请稍后再审核。" in response.text
    assert services.bulk_approve(ActivityRecord.objects.all(), world.office_a) == 0
    record.refresh_from_db()
    assert record.status == S.SUBMITTED
    for row in EvidenceUpload.objects.all():
        photos.process(row.pk)
    assert "照片处理中" not in office.get(reverse("activities:review_queue")).text
    services.approve_record(record, world.office_a, version=record.version)
    assert record.status == S.APPROVED and record.evidence.count() == 2


def test_pending_files_count_toward_the_limits(world, liaison, held, settings):
    settings.RECORD_MAX_FILES = 3
    liaison.post(URL, {**draft(), "files": [photo("a.jpg"), photo("b.jpg", color=(1, 1, 1))]})
    record = ActivityRecord.objects.get()
    response = liaison.post(
        reverse("activities:record_edit", args=[record.pk]),
        {**draft(), "version": record.version, "files": [photo("c.jpg"), photo("d.jpg")]},
    )
    assert "每条记录最多 3 个文件：已有 2 个，本次又选了 2 个。" in response.text
    assert EvidenceUpload.objects.count() == 2


def test_the_same_photo_twice_on_one_record_is_flagged(world, liaison, media):
    same = jpeg_bytes(color=(33, 44, 55))
    liaison.post(URL, {**form_data(), "files": [upload("x.jpg", same), upload("y.jpg", same)]})
    flags = sorted(Evidence.objects.values_list("duplicate", flat=True))
    assert flags == [False, True]


def test_large_uploads_stream_to_disk_not_memory(settings):
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 512 * 1024
    assert settings.FILE_UPLOAD_HANDLERS[-1].endswith("TemporaryFileUploadHandler")


@pytest.mark.parametrize("who", ["outsider", "liaison_b1", "office_b"])
def test_outsiders_cannot_see_or_remove_files_in_processing(world, login, liaison, held, who):
    liaison.post(URL, {**draft(), "files": [photo("a.jpg")]})
    record = ActivityRecord.objects.get()
    item = EvidenceUpload.objects.get()
    client = login(getattr(world, who))
    assert client.get(reverse("activities:record_evidence", args=[record.pk])).status_code in (
        403,
        404,
    )
    response = client.post(
        reverse("activities:upload_delete", args=[item.pk]), {"version": record.version}
    )
    assert response.status_code in (403, 404)
    assert EvidenceUpload.objects.filter(pk=item.pk).exists()


def test_office_reads_but_cannot_remove_a_liaisons_file(world, login, liaison, held):
    liaison.post(URL, {**draft(), "files": [photo("a.jpg")]})
    record = ActivityRecord.objects.get()
    item = EvidenceUpload.objects.get()
    office = login(world.office_a)
    assert office.get(reverse("activities:record_evidence", args=[record.pk])).status_code == 200
    response = office.post(
        reverse("activities:upload_delete", args=[item.pk]), {"version": record.version}
    )
    assert response.status_code == 403
    assert EvidenceUpload.objects.filter(pk=item.pk).exists()


def test_purge_removes_originals_no_upload_waits_for(world, liaison, held, media):
    import io
    import os
    import time

    from django.core.files.storage import default_storage
    from django.core.management import call_command

    liaison.post(URL, {**draft(), "files": [photo("a.jpg")]})
    waiting = EvidenceUpload.objects.get().staged.name
    stray = default_storage.save("uploads/pending/stray", io.BytesIO(b"x"))
    then = time.time() - 7200
    for name in (waiting, stray):
        os.utime(media / name, (then, then))
    call_command("purge_files", stdout=io.StringIO())
    assert files_on_disk(media) == [waiting]  # still pending: kept


def test_broker_down_when_filing_the_photo_waits_for_the_beat_job(
    world, liaison, media, settings, django_capture_on_commit_callbacks
):
    """Redis down: the filing still answers (no 500), the photo stays pending, and the beat job
    hands it to the worker once the broker is back."""
    from tests.faults.conftest import broker_at, closed_port

    with broker_at(f"redis://127.0.0.1:{closed_port()}/0", eager=False):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = liaison.post(URL, {**form_data(), "files": [photo("a.jpg")]})
    assert response.status_code == 302 and callbacks  # the send was tried after the commit
    item = EvidenceUpload.objects.get()
    assert item.state == U.PENDING and item.attempts == 0
    settings.PHOTO_STALE_SECONDS = 1
    EvidenceUpload.objects.filter(pk=item.pk).update(
        created_at=timezone.now() - dt.timedelta(seconds=5)
    )
    assert photos.requeue_stale() == 1  # the broker is back (here: eager, inline)
    item.refresh_from_db()
    assert item.state == U.DONE and Evidence.objects.count() == 1
