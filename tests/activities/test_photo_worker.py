"""Evidence photos processed by a real Celery worker (prefork, Redis, PostgreSQL), and the worker
killed mid-way: the photo is processed again by the next worker, neither lost nor duplicated.

The run is held at a known point without timing, as the report fault tests do: the test locks
the records table (ACCESS EXCLUSIVE, on its own connection), so the worker claims the upload,
decodes and stores the photo, and then waits for the record's row lock; the worker is killed
while the upload is provably claimed and unfinished.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from activities.models import ActivityRecord, Evidence, EvidenceUpload
from tests.activities.factories import jpeg_bytes, upload
from tests.activities.test_file_record import form_data
from tests.faults.test_worker_faults import (  # noqa: F401 - `broker` is a fixture
    broker,
    kill_the_pool_child_mid_task,
    kill_the_worker_mid_task,
    start_worker,
)
from tests.notifications.test_worker import stop, wait_for, worker_env

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]


@pytest.fixture
def queued(broker):  # noqa: F811
    """This process sends tasks to the broker (after commit) instead of running them inline."""
    eager = broker.conf.task_always_eager
    broker.conf.task_always_eager = False
    yield broker
    broker.conf.task_always_eager = eager


def file_with_photos(client, n: int) -> ActivityRecord:
    photos = [
        upload(f"现场{i}.jpg", jpeg_bytes(size=(2400, 1800), color=(i, 80, 160))) for i in range(n)
    ]
    response = client.post(reverse("activities:record_create"), {**form_data(), "files": photos})
    assert response.status_code == 302
    return ActivityRecord.objects.get()


def states() -> list[str]:
    return sorted(EvidenceUpload.objects.values_list("state", flat=True))


def test_real_worker_processes_the_photos(world, login, today, queued, media, tmp_path):
    record = file_with_photos(login(world.liaison_a1), 3)
    assert states() == ["pending"] * 3 and not Evidence.objects.exists()
    log = tmp_path / "worker.log"
    worker = start_worker(log, worker_env(MEDIA_ROOT=str(media)))
    try:
        wait_for(lambda: states() == ["done"] * 3, 120, "the photos to be processed", [log])
    finally:
        stop(worker)
    items = list(record.evidence.all())
    assert len(items) == 3
    for item in items:
        assert (media / item.file.name).exists() and (media / item.thumbnail.name).exists()
        assert item.taken_at is not None and max(item.width, item.height) == 2000
    originals = [p for p in (media / "uploads").rglob("*") if p.is_file()]
    assert originals == []  # the originals are gone once processed


def test_worker_killed_mid_way_the_photo_is_processed_again_once(
    world, login, today, queued, media, tmp_path
):
    record = file_with_photos(login(world.liaison_a1), 1)  # queued: the worker takes it
    item = EvidenceUpload.objects.get()

    def killed():
        item.refresh_from_db()
        assert item.state == "pending" and not Evidence.objects.exists()  # nobody will finish it

    kill_the_worker_mid_task(
        queued,
        worker_env(MEDIA_ROOT=str(media), PHOTO_STALE_SECONDS="3"),
        tmp_path / "worker.log",
        send=lambda: None,
        claimed=lambda: EvidenceUpload.objects.filter(pk=item.pk, attempts=1).exists(),
        killed=killed,
        ended=lambda: EvidenceUpload.objects.filter(pk=item.pk).exclude(state="pending").exists(),
        requeue="activities.requeue_uploads",
        what="the photo",
    )
    item.refresh_from_db()
    assert item.state == "done", item.reason
    assert item.attempts == 2
    evidence = Evidence.objects.get()  # one row, not two
    assert evidence.record_id == record.pk and item.evidence_id == evidence.pk
    assert (media / evidence.file.name).exists() and (media / evidence.thumbnail.name).exists()


def test_pool_process_killed_mid_way_the_redelivered_task_takes_over(
    world, login, today, queued, media, tmp_path
):
    """The out-of-memory case: only the pool process dies; the main process hands the same
    message (same task id) to a new pool process, which must take the photo over, not skip it
    as "already started"."""
    file_with_photos(login(world.liaison_a1), 1)
    item = EvidenceUpload.objects.get()
    kill_the_pool_child_mid_task(
        worker_env(MEDIA_ROOT=str(media), PHOTO_STALE_SECONDS="300"),
        tmp_path / "worker.log",
        send=lambda: None,
        claimed=lambda: EvidenceUpload.objects.filter(pk=item.pk, attempts=1).exists(),
        taken_over=lambda: EvidenceUpload.objects.filter(pk=item.pk, attempts=2).exists(),
        ended=lambda: EvidenceUpload.objects.filter(pk=item.pk).exclude(state="pending").exists(),
        what="the photo",
    )
    item.refresh_from_db()
    assert item.state == "done", item.reason
    assert Evidence.objects.count() == 1 and item.evidence_id == Evidence.objects.get().pk
