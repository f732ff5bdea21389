"""Evidence files of activity records are processed by a Celery worker, not by the web request.

The request (`activities.forms` → `activities.services`) only checks each file cheaply
(`evidence.check_upload`), keeps the original under uploads/pending/ and creates an
`EvidenceUpload` row in state `pending`, inside the record's locked write. After the commit the
upload ids go to the broker (`dispatch`); the task (`activities.tasks.process_upload_task`) calls
`process`, which

1. claims the upload (`claim`: pending, and not held by another live run),
2. reads the original, decodes it, reads its EXIF, re-encodes it without comment or APP
   segments, makes the thumbnail and hashes it (`evidence.prepare_bytes`), outside any lock,
3. writes the content-addressed files, then, in one transaction under the record's row lock and
   the upload's, creates the `Evidence` row (flagged as a duplicate when the same original is
   already filed elsewhere or on this record) and marks the upload `done` — or, when the file
   cannot be processed, marks it `failed` with its reason in Chinese.

Processing is idempotent: only the run that holds the claim writes, and the upload is `done`
once, with one `Evidence` row. A run that dies (worker killed, out of memory) leaves the upload
`pending` with a `started_at`; its message comes back (acks late) or the beat job
`activities.requeue_uploads` sends it again after PHOTO_STALE_SECONDS, and after
PHOTO_MAX_ATTEMPTS interrupted runs the upload fails with that reason. So every upload ends
`done` or `failed`.

A record with a failed upload cannot be submitted (the services re-check under the row lock);
when a file of a record already submitted fails, the record goes back to its liaison (退回)
with the reason. A record with uploads still pending or failed cannot be approved.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import evidence as files
from activities.models import ActivityRecord, Evidence, EvidenceUpload

logger = logging.getLogger(__name__)
State = EvidenceUpload.State


# --- in the request -------------------------------------------------------------------------------


def stage(record: ActivityRecord, staged: Iterable[files.Staged], by) -> list[int]:
    """Keep the originals and create their `pending` rows (called under the record's lock);
    returns the new upload ids, to `dispatch` once the write has committed. A file kept here
    is removed again by the caller when the write fails (`discard_staged`)."""
    ids = []
    for item in staged:
        row = EvidenceUpload(
            record=record,
            kind=item.kind,
            original_name=item.original_name,
            mime_type=item.mime_type,
            size=item.size,
            width=item.width,
            height=item.height,
            uploaded_by=by,
        )
        item.upload.seek(0)
        # A temporary upload is moved into place; a small one in memory is written out.
        row.staged.save("original", item.upload, save=False)
        item.stored = row.staged.name
        row.save()
        ids.append(row.pk)
    return ids


def discard_staged(staged: Iterable[files.Staged]) -> None:
    for item in staged:
        if item.stored:
            default_storage.delete(item.stored)
            item.stored = ""


def dispatch(upload_ids: list[int]) -> None:
    """Hand the uploads to the worker once the write that created them has committed. Under
    pytest (CELERY_TASK_ALWAYS_EAGER) the task runs here and now, after the caller's atomic
    block, as it would after a commit."""
    if not upload_ids:
        return
    from config.celery import app

    if app.conf.task_always_eager:
        publish(upload_ids)
    else:
        ids = list(upload_ids)
        transaction.on_commit(lambda: publish(ids))


def publish(upload_ids: Iterable[int]) -> int:
    """Send the uploads to the broker; a broker that cannot be reached leaves them pending for
    the beat job (logged, never an error for the request). Returns how many were sent."""
    from kombu.exceptions import OperationalError as BrokerError

    from activities.tasks import process_upload_task

    sent = 0
    for pk in upload_ids:
        try:
            process_upload_task.delay(pk)
        except (BrokerError, OSError, RuntimeError) as exc:
            logger.warning("upload %s stays pending: the broker is unreachable (%s)", pk, exc)
            break
        sent += 1
    return sent


# --- in the worker --------------------------------------------------------------------------------


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=max(1, settings.PHOTO_STALE_SECONDS))


def claim(upload_id: int, token: str = "") -> EvidenceUpload | None:
    """Mark a pending upload as taken by this run; None when it is gone, done, failed or held by
    another run that is still alive. A run is presumed dead when it started more than
    PHOTO_STALE_SECONDS ago; its own message coming back (same task id) also takes over."""
    now = timezone.now()
    free = Q(started_at__isnull=True) | Q(started_at__lt=now - stale_after())
    if token:
        free |= Q(run_token=token)
    free &= Q(pk=upload_id, state=State.PENDING)
    upload = EvidenceUpload.objects.filter(free).first()
    if upload is None:
        return None
    limit = max(1, settings.PHOTO_MAX_ATTEMPTS)
    if upload.attempts >= limit:
        reason = _(
            "处理“%(name)s”时被中断了 %(n)s 次（后台进程退出或超时），已停止。请删除后重新上传。"
        ) % {"name": upload.original_name, "n": limit}
        with transaction.atomic():
            record = ActivityRecord.objects.select_for_update().filter(pk=upload.record_id).first()
            locked = EvidenceUpload.objects.select_for_update().filter(free).first()
            if locked is not None:
                _fail_locked(locked, reason, record)
        if locked is not None:
            logger.warning("upload %s failed after %s interrupted runs", upload_id, limit)
            _drop_original(upload.staged.name)
        return None
    token = token or f"local-{now.timestamp()}"
    # One UPDATE with the same conditions: of two runs claiming at once, one wins.
    claimed = EvidenceUpload.objects.filter(free).update(
        started_at=now, run_token=token, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    upload.refresh_from_db()
    return upload


def process(upload_id: int, token: str = "") -> str | None:
    """Process one upload (the task's body); returns its end state, or None when there was
    nothing for this run to do."""
    upload = claim(upload_id, token)
    if upload is None:
        return None
    token = upload.run_token
    try:
        with default_storage.open(upload.staged.name, "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, ValueError):
        return _fail(
            upload,
            token,
            _("“%(name)s”的原文件已丢失，请删除后重新上传。") % {"name": upload.original_name},
        )
    try:
        prepared = files.prepare_bytes(upload.original_name, data)
    except files.EvidenceError as exc:
        return _fail(upload, token, str(exc))
    except Exception:  # noqa: BLE001 - a file no decoder copes with fails, with its reason
        logger.exception("upload %s could not be processed", upload_id)
        return _fail(
            upload,
            token,
            _("“%(name)s”无法处理，请检查文件后重新上传。") % {"name": upload.original_name},
        )
    del data
    written = files.store(prepared)
    try:
        done = _attach(upload, token, prepared)
    except BaseException:
        files.delete_unreferenced(set(written))
        raise
    if not done:  # another run finished it, or it was removed meanwhile
        files.delete_unreferenced(set(written))
        return None
    _drop_original(upload.staged.name)
    return State.DONE


def _lock_for_run(upload: EvidenceUpload, token: str):
    """Lock the record's row, then the upload's (the order every record change uses); the
    upload only when this run still holds it."""
    record = ActivityRecord.objects.select_for_update().filter(pk=upload.record_id).first()
    if record is None:
        return None, None
    locked = (
        EvidenceUpload.objects.select_for_update()
        .filter(pk=upload.pk, state=State.PENDING, run_token=token)
        .first()
    )
    return record, locked


def _attach(upload: EvidenceUpload, token: str, prepared: files.Prepared) -> bool:
    with transaction.atomic():
        record, locked = _lock_for_run(upload, token)
        if locked is None:
            return False
        if connection.vendor == "postgresql":
            # Two records filed at once with the same photo: one of them sees the other.
            connection.cursor().execute(
                "SELECT pg_advisory_xact_lock(%s)", [int(prepared.sha256[:15], 16)]
            )
        family = _family(record) - {record.pk}
        duplicate = (
            Evidence.objects.filter(sha256=prepared.sha256).exclude(record_id__in=family).exists()
        )
        item = files.evidence_row(
            record, prepared, duplicate=duplicate, uploaded_by_id=locked.uploaded_by_id
        )
        item._history_user = locked.uploaded_by
        item._change_reason = _("照片处理完成") if item.is_image else _("文件处理完成")
        item.save()
        locked.state = State.DONE
        locked.evidence = item
        locked.finished_at = timezone.now()
        locked.run_token = ""
        locked.staged = ""
        locked.save(update_fields=["state", "evidence", "finished_at", "run_token", "staged"])
    return True


def _family(record: ActivityRecord) -> set[int]:
    from activities.services import _family as family

    return family(record)


def _fail(upload: EvidenceUpload, token: str, reason: str) -> str | None:
    with transaction.atomic():
        record, locked = _lock_for_run(upload, token)
        if locked is None:
            return None
        _fail_locked(locked, reason, record)
    _drop_original(upload.staged.name)
    return State.FAILED


def _fail_locked(upload: EvidenceUpload, reason: str, record: ActivityRecord | None):
    """Mark the (locked) upload failed; a submitted record goes back to its liaison."""
    upload.state = State.FAILED
    upload.reason = reason
    upload.finished_at = timezone.now()
    upload.run_token = ""
    upload.save(update_fields=["state", "reason", "finished_at", "run_token"])
    if record is not None and record.status == ActivityRecord.Status.SUBMITTED:
        from activities import recount
        from audit.models import AuditEvent
        from audit.services import record_event

        record.status = ActivityRecord.Status.RETURNED
        record.return_reason = _(
            "佐证材料处理失败，已自动退回：%(reason)s 请删除或重新上传后再提交审核。"
        ) % {"reason": reason}
        record.reviewed_by = None
        record.reviewed_at = timezone.now()
        record._change_reason = _("佐证材料处理失败，自动退回")
        record.version += 1
        record.save()
        record_event(
            AuditEvent.Kind.RETURN,
            actor_name="system:photos",
            obj=record,
            detail=record.return_reason,
        )
        recount.records_changed([record.pk])


def _drop_original(name: str) -> None:
    if not name:
        return
    try:
        default_storage.delete(name)
    except OSError as exc:  # pragma: no cover - a full or read-only disk
        logger.warning("original %s not removed (%s)", name, exc)


def requeue_stale(now: dt.datetime | None = None) -> int:
    """The beat job: send again every upload left pending — its run died (started longer than
    PHOTO_STALE_SECONDS ago) or its message never reached a worker (waiting that long)."""
    now = now or timezone.now()
    stale = now - stale_after()
    left = EvidenceUpload.objects.filter(state=State.PENDING).filter(
        Q(started_at__lt=stale) | Q(started_at__isnull=True, created_at__lt=stale)
    )
    try:
        ids = list(left.order_by("pk").values_list("pk", flat=True)[:1000])
    except DatabaseError as exc:
        logger.warning("pending uploads not read (%s)", exc)
        return 0
    return publish(ids)


# --- what pages and services ask ------------------------------------------------------------------


def open_uploads(record: ActivityRecord) -> list[EvidenceUpload]:
    """The record's uploads that are not evidence yet: pending or failed, oldest first."""
    if record.pk is None:
        return []
    return list(EvidenceUpload.objects.filter(record=record).open().order_by("id"))


def failed_message(failed: list[EvidenceUpload]) -> str:
    names = "、".join(f"“{u.original_name}”" for u in failed[:5])
    return _("%(names)s 处理失败，请先删除（或删除后重新上传）再提交审核。") % {"names": names}


def check_submittable(record: ActivityRecord) -> None:
    """Under the record's lock: refuse to submit a record with a failed upload."""
    failed = list(EvidenceUpload.objects.filter(record=record, state=State.FAILED).order_by("id"))
    if failed:
        raise files.EvidenceError(failed_message(failed))


def check_approvable(record: ActivityRecord) -> None:
    """Under the record's lock: refuse to approve while a file is pending or failed."""
    states = set(
        EvidenceUpload.objects.filter(record=record).open().values_list("state", flat=True)
    )
    if State.PENDING in states:
        raise files.EvidenceError(_("该记录还有照片在处理中，请稍后再审核。"))
    if State.FAILED in states:
        raise files.EvidenceError(_("该记录有佐证材料处理失败，请退回让填报人删除或重新上传。"))


def blocked_records(ids: Iterable[int]) -> set[int]:
    """Of these records, those with a file pending or failed (not approvable yet)."""
    return set(
        EvidenceUpload.objects.filter(record_id__in=list(ids))
        .open()
        .order_by()
        .values_list("record_id", flat=True)
        .distinct()
    )
