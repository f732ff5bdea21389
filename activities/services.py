"""The verbs of the activity ledger. Views, admin actions, demo data and tests call these.

Every state change runs in one transaction and follows the same steps:

1. slow work first, outside any lock (files are checked cheaply by the form; photos are
   decoded, re-encoded and hashed later by the Celery worker, `activities.photos`);
2. lock the record's row (`select_for_update`; several rows in id order, so an original is
   always locked before its pending edit) and re-check, on the row as it is now, the state the
   change needs and, when the caller passes one, the `version` its form showed. A stale or
   repeated form raises `StaleRecord` with the precise reason in Chinese and changes nothing
   (no field, no evidence row, no file);
3. write, bumping `version`;
4. call the one hook `activities.recount.records_changed`, which keeps every stored figure
   (record tallies, task progress) equal to the records and invalidates cached dashboards.

Approved records are never deleted: the office withdraws them (撤销, with a reason) and may
restore them. Only drafts and pending edits are deleted, by their unit's liaison. Evidence rows
keep a history; files leave the disk only through `manage.py purge_files`. Files written by a
write that fails are removed again at once (no row ever referred to them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from activities import evidence as files
from activities import photos, recount
from activities.models import ActivityRecord, Evidence, EvidenceUpload
from audit.models import AuditEvent
from audit.services import record_event
from campaigns.models import Campaign, Task

Status = ActivityRecord.Status


class StaleRecord(ValidationError):
    """The record is no longer in the state (or version) the change was made from."""


class AlreadyFiled(Exception):  # noqa: N818 - reads as what happened
    """The filing form was already sent once: `record` is what that first POST created."""

    def __init__(self, record: ActivityRecord):
        super().__init__(record.pk)
        self.record = record


# The fields a liaison fills in (and an approved edit copies onto the original).
RECORD_FIELDS = [
    "date",
    "domain",
    "type",
    "title",
    "place",
    "organiser",
    "participants",
    "quantity",
    "description",
]


def current_campaign(township_id: int, today: dt.date | None = None) -> Campaign | None:
    """The campaign a record filed today belongs to: the latest one that has started."""
    today = today or timezone.localdate()
    campaigns = Campaign.objects.filter(township_id=township_id)
    return (
        campaigns.filter(start_date__lte=today).order_by("-start_date").first()
        or campaigns.order_by("start_date").first()
    )


def unit_tasks(unit_id: int, campaign_id: int) -> QuerySet[Task]:
    """The tasks a unit's records may count toward: tasks it leads or co-hosts in the campaign."""
    return (
        Task.objects.filter(campaign_id=campaign_id)
        .filter(Q(lead_unit_id=unit_id) | Q(co_units__id=unit_id))
        .distinct()
    )


def check_tasks(unit_id: int, campaign_id: int, activity_type: str, tasks: Iterable[Task]) -> None:
    """Raise ValidationError unless every task belongs to the unit in this campaign and accepts
    this type of activity."""
    tasks = list(tasks)
    if not tasks:
        return
    allowed = set(unit_tasks(unit_id, campaign_id).values_list("pk", flat=True))
    for task in tasks:
        if task.pk not in allowed:
            raise ValidationError(
                _("任务“%(task)s”不是本单位在本次创建工作中的任务。") % {"task": task.title}
            )
        if task.activity_types and activity_type not in task.activity_types:
            raise ValidationError(_("任务“%(task)s”不计入这类活动。") % {"task": task.title})


def check_date(date: dt.date, campaign: Campaign, today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    if date > today:
        raise ValidationError(_("活动日期不能晚于今天。"))
    if not (campaign.start_date <= date <= campaign.end_date):
        raise ValidationError(
            _("活动日期应在创建工作期间（%(start)s 至 %(end)s）。")
            % {"start": campaign.start_date.isoformat(), "end": campaign.end_date.isoformat()}
        )


def evidence_total(record: ActivityRecord | None) -> int:
    """Bytes of the record's evidence, counting files still being processed (or failed)."""
    if record is None or record.pk is None:
        return 0
    done = record.evidence.aggregate(total=Sum("size"))["total"] or 0
    waiting = EvidenceUpload.objects.filter(record=record).open().aggregate(total=Sum("size"))
    return done + (waiting["total"] or 0)


def evidence_count(record: ActivityRecord | None) -> int:
    """Files on the record, counting those still being processed (or failed)."""
    if record is None or record.pk is None:
        return 0
    return record.evidence.count() + EvidenceUpload.objects.filter(record=record).open().count()


def _has_evidence(record: ActivityRecord) -> bool:
    """Evidence, or a file being processed into evidence (a failed one does not count)."""
    return (
        record.evidence.exists()
        or EvidenceUpload.objects.filter(record=record, state=EvidenceUpload.State.PENDING).exists()
    )


def _family(record: ActivityRecord) -> set[int]:
    """The record and its approved original or pending edit (they share files legitimately)."""
    ids = {record.pk}
    if record.revision_of_id:
        ids.add(record.revision_of_id)
    ids.update(ActivityRecord.objects.filter(revision_of=record).values_list("pk", flat=True))
    return ids


def _attach(record: ActivityRecord, uploads: Sequence, by) -> list[str]:
    """Attach the uploads: files checked in the request (`evidence.Staged`) are kept and
    queued for the worker (their ids in `record._queued_uploads`, dispatched after commit);
    files already processed (`evidence.Prepared`: demo data, scripts) are stored and their
    evidence rows created now. Returns the names of processed files written now."""
    if not uploads:
        return []
    files.check_file_count(evidence_count(record), len(uploads))
    if evidence_total(record) + sum(p.size for p in uploads) > files.record_limit():
        raise files.EvidenceError(
            _("本条记录的佐证材料合计超过 %(mb)s MB。") % {"mb": settings.RECORD_UPLOAD_MAX_MB}
        )
    staged = [u for u in uploads if isinstance(u, files.Staged)]
    if staged:
        try:
            ids = photos.stage(record, staged, by)
        except BaseException:
            photos.discard_staged(staged)
            raise
        record._queued_uploads = [*getattr(record, "_queued_uploads", []), *ids]
    uploads = [u for u in uploads if not isinstance(u, files.Staged)]
    if not uploads:
        return []
    shas = {p.sha256 for p in uploads}
    # A file already filed with another record, or already among this record's own files
    # (an edit sent twice, the same photo picked twice), is flagged. The approved original of
    # a pending edit is not "another record": the edit starts with copies of its files.
    family = _family(record) - {record.pk}
    seen = set(
        Evidence.objects.filter(sha256__in=shas)
        .exclude(record_id__in=family)
        .values_list("sha256", flat=True)
    )
    written: list[str] = []
    rows = []
    try:
        for prepared in uploads:
            written += files.store(prepared)
            rows.append(
                files.evidence_row(
                    record, prepared, duplicate=prepared.sha256 in seen, uploaded_by=by
                )
            )
            seen.add(prepared.sha256)
        bulk_create_with_history(rows, Evidence, default_user=by)
    except BaseException:
        files.discard(written)
        raise
    return written


# --- locking and re-checking ---------------------------------------------------------------------

STATE_MESSAGES = {
    Status.DRAFT: gettext_lazy("该记录已被修改，请刷新后再操作。"),
    Status.SUBMITTED: gettext_lazy("该记录已提交审核，请刷新后再操作。"),
    Status.APPROVED: gettext_lazy("该记录已被审核，请刷新后再修改。"),
    Status.RETURNED: gettext_lazy("该记录已被退回，请刷新后再操作。"),
    Status.WITHDRAWN: gettext_lazy("该记录已被撤销，请刷新后再操作。"),
}


def _stale(record: ActivityRecord) -> StaleRecord:
    """The reason a form made from an older state of `record` is refused."""
    return StaleRecord(str(STATE_MESSAGES[record.status]))


def _lock(*pks: int) -> dict[int, ActivityRecord]:
    """Lock these rows in id order (an original before its pending edit, always)."""
    rows = ActivityRecord.objects.select_for_update().filter(pk__in=pks).order_by("pk")
    return {row.pk: row for row in rows}


def _lock_one(record: ActivityRecord | int, version: int | None) -> ActivityRecord:
    pk = record if isinstance(record, int) else record.pk
    locked = _lock(pk).get(pk)
    if locked is None:
        raise StaleRecord(_("该记录已被删除，请返回列表刷新。"))
    if version is not None and locked.version != version:
        raise _stale(locked)
    return locked


def _copy_back(target: ActivityRecord, source: ActivityRecord) -> None:
    """Give the caller's instance the row's new state (views and tests keep using it)."""
    if target is source:
        return
    for field in ActivityRecord._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    for name in ("pending_revision",):
        target.__dict__.pop(name, None)
    target._state.fields_cache = {}


def _save(record: ActivityRecord, by, reason: str) -> None:
    record._history_user = by
    record._change_reason = reason
    record.version += 1
    record.save()


# --- filing and editing --------------------------------------------------------------------------


def _write_record(record, *, data: dict, tasks, uploads, by, submit: bool, reason: str):
    for name in RECORD_FIELDS:
        if name in data:
            setattr(record, name, data[name])
    check_tasks(record.unit_id, record.campaign_id, record.type, tasks)
    if submit:
        record.status = Status.SUBMITTED
        record.submitted_at = timezone.now()
        record.return_reason = ""
    elif record.pk is None:
        record.status = Status.DRAFT
    _save(record, by, reason)
    record.tasks.set(tasks)
    _attach(record, uploads, by)
    if submit:
        photos.check_submittable(record)
        if not _has_evidence(record):
            raise files.EvidenceError(_("提交审核前请至少上传一份佐证材料（照片或签到表等）。"))
    return record


def _with_cleanup(fn, *args, **kwargs):
    """Run a write; if it fails after files were written, remove the files it created (no row
    was ever committed that names them)."""
    before = set()
    uploads = kwargs.get("uploads") or []
    for prepared in uploads:
        if isinstance(prepared, files.Staged):
            continue
        for name in (prepared.file_name, prepared.thumbnail_name):
            if default_storage.exists(name):
                before.add(name)
    try:
        return fn(*args, **kwargs)
    except BaseException:
        for prepared in uploads:
            if isinstance(prepared, files.Staged):
                photos.discard_staged([prepared])
                continue
            for name in (prepared.stored_file, prepared.stored_thumbnail):
                if name and name not in before:
                    files.delete_unreferenced({name})
        raise


def file_record(
    *,
    unit,
    campaign: Campaign,
    data: dict,
    tasks: Sequence[Task] = (),
    uploads: Sequence[files.Prepared] = (),
    by,
    submit: bool = False,
    token=None,
) -> ActivityRecord:
    """A liaison files a new record for their unit: saved as a draft, or submitted for review.

    `token` is the filing form's one-time token: when a record was already created with it
    (a double tap, a resent POST, even one still being written by another process) nothing
    new is created and `AlreadyFiled` names that record."""
    if token is not None:
        existing = ActivityRecord.objects.filter(submission_token=token).first()
        if existing is not None:
            raise AlreadyFiled(existing)
    record = ActivityRecord(
        campaign=campaign,
        unit=unit,
        township_id=unit.township_id,
        filed_by=by,
        submission_token=token,
        version=0,
    )

    @transaction.atomic
    def write(**_uploads):
        _write_record(
            record, data=data, tasks=tasks, uploads=uploads, by=by, submit=submit, reason=_("填报")
        )
        recount.records_changed([record.pk])
        return record

    try:
        record = _with_cleanup(write, uploads=uploads)
    except IntegrityError:
        # The unique token: the other POST got there first (its INSERT made ours wait until
        # it committed, so it is visible now). No file of ours was written yet.
        existing = ActivityRecord.objects.filter(submission_token=token).first() if token else None
        if existing is None:
            raise
        raise AlreadyFiled(existing) from None
    photos.dispatch(getattr(record, "_queued_uploads", []))
    record._queued_uploads = []
    return record


def update_record(
    record: ActivityRecord,
    *,
    data: dict,
    tasks: Sequence[Task] = (),
    uploads: Sequence[files.Prepared] = (),
    by,
    submit: bool = False,
    version: int | None = None,
) -> ActivityRecord:
    """The liaison changes a draft, a returned record or a pending edit of an approved one.

    The uploads were prepared before (outside the lock); if the record moved on meanwhile
    (submitted by a double tap, approved, returned, edited elsewhere) nothing is written."""

    @transaction.atomic
    def write(**_uploads):
        locked = _lock_one(record, version)
        if not locked.is_editable:
            raise _stale(locked)
        _write_record(
            locked,
            data=data,
            tasks=tasks,
            uploads=uploads,
            by=by,
            submit=submit,
            reason=_("提交审核") if submit else _("修改"),
        )
        recount.records_changed([locked.pk])
        return locked

    locked = _with_cleanup(write, uploads=uploads)
    queued = getattr(locked, "_queued_uploads", [])
    _copy_back(record, locked)
    photos.dispatch(queued)
    return record


@transaction.atomic
def submit_record(record: ActivityRecord, by, version: int | None = None) -> ActivityRecord:
    locked = _lock_one(record, version)
    if not locked.is_editable:
        raise _stale(locked)
    try:
        photos.check_submittable(locked)
    except files.EvidenceError as exc:
        raise ValidationError(str(exc)) from None
    if not _has_evidence(locked):
        raise ValidationError(_("提交审核前请至少上传一份佐证材料（照片或签到表等）。"))
    locked.status = Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.return_reason = ""
    _save(locked, by, _("提交审核"))
    recount.records_changed([locked.pk])
    _copy_back(record, locked)
    return record


@transaction.atomic
def start_revision(record: ActivityRecord, by, version: int | None = None) -> ActivityRecord:
    """Open an edit of an approved record. The approved version keeps counting until the
    edit is approved; the edit is its own row (with copies of the evidence rows)."""
    original = _lock_one(record, version)
    if original.status != Status.APPROVED or original.revision_of_id:
        raise ValidationError(_("只有已通过的记录才能申请修改。"))
    existing = ActivityRecord.objects.filter(revision_of=original).first()
    if existing is not None:
        return existing
    revision = ActivityRecord(
        campaign_id=original.campaign_id,
        unit_id=original.unit_id,
        township_id=original.township_id,
        filed_by=by,
        revision_of=original,
        status=Status.DRAFT,
        version=0,
        **{name: getattr(original, name) for name in RECORD_FIELDS},
    )
    _save(revision, by, _("申请修改已通过的记录"))
    revision.tasks.set(original.tasks.all())
    copies = []
    for item in original.evidence.all():
        item.pk = None
        item.record = revision
        copies.append(item)
    bulk_create_with_history(copies, Evidence, default_user=by)
    return revision


# --- review --------------------------------------------------------------------------------------


def _approve_locked(record: ActivityRecord, rows: dict[int, ActivityRecord], by, now, reason):
    """Approve one locked, submitted record; returns the record that now counts."""
    if record.revision_of_id:
        return _apply_revision(record, rows[record.revision_of_id], by, now)
    record.status = Status.APPROVED
    record.reviewed_by = by
    record.reviewed_at = now
    record.return_reason = ""
    _save(record, by, reason)
    record_event(AuditEvent.Kind.APPROVE, actor=by, obj=record, detail=reason)
    return record


@transaction.atomic
def approve_record(record: ActivityRecord, by, version: int | None = None) -> ActivityRecord:
    """Approve a submitted record (or a submitted edit, which then replaces the original)."""
    rows = _lock(*{record.pk, record.revision_of_id} - {None})
    locked = rows.get(record.pk)
    if locked is None:
        raise StaleRecord(_("该记录已被删除，请返回列表刷新。"))
    if version is not None and locked.version != version:
        raise StaleRecord(_("该记录在您打开后已有变化，请刷新后再审核。"))
    if locked.status != Status.SUBMITTED:
        raise StaleRecord(
            _("只有待审核的记录才能通过（该记录现为“%(status)s”）。")
            % {"status": locked.get_status_display()}
        )
    try:
        photos.check_approvable(locked)
    except files.EvidenceError as exc:
        raise ValidationError(str(exc)) from None
    if locked.revision_of_id and locked.revision_of_id not in rows:
        rows.update(_lock(locked.revision_of_id))
    touched = [locked.revision_of_id or locked.pk]  # an approved edit changes its original
    before = recount.footprints(touched)
    result = _approve_locked(locked, rows, by, timezone.now(), _("审核通过"))
    recount.records_changed(touched, before=before.values())
    if result is locked:
        _copy_back(record, locked)
        return record
    return result


def _apply_revision(revision: ActivityRecord, original: ActivityRecord, by, now) -> ActivityRecord:
    for name in RECORD_FIELDS:
        setattr(original, name, getattr(revision, name))
    original.reviewed_by = by
    original.reviewed_at = now
    original.submitted_at = revision.submitted_at
    original.return_reason = ""
    _save(original, by, _("修改审核通过"))
    original.tasks.set(revision.tasks.all())
    # The original's evidence rows give way to the edit's (copies plus new files); the rows
    # are deleted one by one so that their history keeps every file they named.
    for item in original.evidence.all():
        item._history_user = by
        item.delete()
    for item in revision.evidence.all():
        item.record = original
        item._history_user = by
        item.save(update_fields=["record"])
    revision._history_user = by
    revision.delete()
    record_event(AuditEvent.Kind.APPROVE, actor=by, obj=original, detail=_("修改审核通过"))
    return original


@transaction.atomic
def return_record(
    record: ActivityRecord, by, reason: str, version: int | None = None
) -> ActivityRecord:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写退回原因。"))
    locked = _lock_one(record, version)
    if locked.status != Status.SUBMITTED:
        raise StaleRecord(
            _("只有待审核的记录才能退回（该记录现为“%(status)s”）。")
            % {"status": locked.get_status_display()}
        )
    locked.status = Status.RETURNED
    locked.return_reason = reason
    locked.reviewed_by = by
    locked.reviewed_at = timezone.now()
    _save(locked, by, _("退回修改"))
    record_event(AuditEvent.Kind.RETURN, actor=by, obj=locked, detail=reason)
    recount.records_changed([locked.pk])
    _copy_back(record, locked)
    return record


@transaction.atomic
def bulk_approve(
    records: QuerySet[ActivityRecord], by, versions: dict[int, int] | None = None
) -> int:
    """Approve every submitted record of the queryset (already limited to what `by` manages);
    with `versions` ({id: version shown}), a record changed since it was shown is skipped.
    Returns how many were approved."""
    ids = list(records.values_list("pk", flat=True))
    originals = ActivityRecord.objects.filter(pk__in=ids, revision_of__isnull=False).values_list(
        "revision_of_id", flat=True
    )
    rows = _lock(*ids, *originals)
    blocked = photos.blocked_records(ids)  # files still processing or failed: not yet
    pending = [
        rows[pk]
        for pk in sorted(ids)
        if pk in rows
        and pk not in blocked
        and rows[pk].status == Status.SUBMITTED
        and (versions is None or versions.get(pk) in (None, rows[pk].version))
    ]
    if not pending:
        return 0
    touched = sorted({record.revision_of_id or record.pk for record in pending})
    before = recount.footprints(touched)
    now = timezone.now()
    for record in pending:
        _approve_locked(record, rows, by, now, _("批量审核通过"))
    recount.records_changed(touched, before=before.values())
    return len(pending)


# --- withdrawal, restore, deletion -----------------------------------------------------------------


@transaction.atomic
def withdraw_record(
    record: ActivityRecord, by, reason: str, version: int | None = None
) -> ActivityRecord:
    """The office withdraws (撤销) an approved record: it stops counting, keeps its data and
    evidence, stays in the lists and history, and can be restored. A pending edit of it is
    discarded (its rows stay in the history)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写撤销原因。"))
    locked = _lock_one(record, version)
    if locked.status != Status.APPROVED or locked.revision_of_id:
        raise StaleRecord(
            _("只有已通过的记录才能撤销（该记录现为“%(status)s”）。")
            % {"status": locked.get_status_display()}
        )
    pending = _lock(*ActivityRecord.objects.filter(revision_of=locked).values_list("pk", flat=True))
    before = recount.footprints([locked.pk])
    for revision in pending.values():
        revision._history_user = by
        revision.delete()
    locked.status = Status.WITHDRAWN
    locked.withdrawn_by = by
    locked.withdrawn_at = timezone.now()
    locked.withdraw_reason = reason
    _save(locked, by, _("撤销：%(reason)s") % {"reason": reason[:80]})
    record_event(AuditEvent.Kind.WITHDRAW, actor=by, obj=locked, detail=reason)
    recount.records_changed([locked.pk], before=before.values())
    _copy_back(record, locked)
    return record


@transaction.atomic
def restore_record(record: ActivityRecord, by, version: int | None = None) -> ActivityRecord:
    """The office restores a withdrawn record: approved and counting again."""
    locked = _lock_one(record, version)
    if locked.status != Status.WITHDRAWN:
        raise StaleRecord(
            _("只有已撤销的记录才能恢复（该记录现为“%(status)s”）。")
            % {"status": locked.get_status_display()}
        )
    locked.status = Status.APPROVED
    locked.withdrawn_by = None
    locked.withdrawn_at = None
    locked.withdraw_reason = ""
    _save(locked, by, _("恢复已撤销的记录"))
    record_event(AuditEvent.Kind.WITHDRAW, actor=by, obj=locked, detail=_("恢复已撤销的记录"))
    recount.records_changed([locked.pk])
    _copy_back(record, locked)
    return record


def may_delete(record: ActivityRecord) -> bool:
    """Only what never counted may be deleted: a draft, or a pending edit of an approved one."""
    return record.is_revision or record.status == Status.DRAFT


@transaction.atomic
def delete_record(record: ActivityRecord, by, version: int | None = None) -> None:
    """Delete a draft or discard a pending edit (by the unit's liaison). Approved records are
    withdrawn instead (`withdraw_record`). The evidence rows' history keeps their files."""
    locked = _lock_one(record, version)
    if not may_delete(locked):
        raise StaleRecord(_("已提交或已审核的记录不能删除；已通过的记录只能由创建办撤销。"))
    before = recount.footprints([locked.pk])
    for item in locked.evidence.all():
        item._history_user = by
        item.delete()
    originals = [u.staged.name for u in locked.uploads.all() if u.staged]
    locked._history_user = by
    locked.delete()
    transaction.on_commit(lambda: files.discard(originals))
    recount.records_changed(before=before.values())


def set_representative(item: Evidence, representative: bool, by) -> Evidence:
    """Mark a photo as one the acceptance dossier prints for its record (office staff)."""
    locked = Evidence.objects.select_for_update().select_related("record").get(pk=item.pk)
    if not locked.is_image:
        raise ValidationError(_("只有照片可以设为代表性照片。"))
    if locked.record.status != ActivityRecord.Status.APPROVED:
        raise ValidationError(_("记录审核通过后才能挑选代表性照片。"))
    if locked.representative != representative:
        locked.representative = representative
        locked.save(update_fields=["representative"])
    return locked


@transaction.atomic
def remove_evidence(item: Evidence, by, version: int | None = None) -> None:
    """Remove one evidence file from an editable record (the row's history keeps the file)."""
    record = _lock_one(item.record_id, version)
    if not record.is_editable:
        raise _stale(record)
    item = Evidence.objects.filter(pk=item.pk, record=record).first()
    if item is None:
        raise StaleRecord(_("该佐证材料已被删除，请刷新后再操作。"))
    item._history_user = by
    item.delete()
    _save(record, by, _("删除佐证材料"))


@transaction.atomic
def remove_upload(upload: EvidenceUpload, by, version: int | None = None) -> None:
    """Remove a file still being processed, or one that failed, from an editable record (a
    run processing it meanwhile finds it gone and writes nothing)."""
    record = _lock_one(upload.record_id, version)
    if not record.is_editable:
        raise _stale(record)
    upload = EvidenceUpload.objects.filter(pk=upload.pk, record=record).open().first()
    if upload is None:
        raise StaleRecord(_("该文件已处理完毕或已被删除，请刷新后再操作。"))
    original = upload.staged.name
    upload.delete()
    _save(record, by, _("删除未处理的佐证材料"))
    if original:
        transaction.on_commit(lambda: files.discard([original]))


# --- corrections in the admin --------------------------------------------------------------------

ADMIN_FIELDS = [*RECORD_FIELDS, "unit"]


@transaction.atomic
def correct_record(
    record: ActivityRecord, *, data: dict, tasks: Sequence[Task], by, version: int | None = None
) -> ActivityRecord:
    """A superuser corrects a record in the admin. The same rules as a liaison's edit apply
    (the unit must be of the campaign's township, tasks must be the unit's), the township
    follows the unit, and the stored figures follow whatever changed."""
    locked = _lock_one(record, version)
    unit = data.get("unit", locked.unit)
    campaign = locked.campaign
    if unit.township_id != campaign.township_id:
        raise ValidationError(_("单位不属于该创建工作所在的镇。"))
    before = recount.footprints([locked.pk])
    for name in ADMIN_FIELDS:
        if name in data:
            setattr(locked, name, data[name])
    check_tasks(locked.unit_id, locked.campaign_id, locked.type, tasks)
    _save(locked, by, _("管理后台更正"))
    locked.tasks.set(tasks)
    recount.records_changed([locked.pk], before=before.values())
    _copy_back(record, locked)
    return record


@transaction.atomic
def set_highlight(record: ActivityRecord, highlight: bool, by) -> ActivityRecord:
    """The office marks (or unmarks) an approved record as a highlight of the work report."""
    record = ActivityRecord.objects.select_for_update().get(pk=record.pk)
    if record.status != Status.APPROVED:
        raise ValidationError(_("只有已通过的记录才能标为典型活动。"))
    if record.highlight == highlight:
        return record
    record.highlight = highlight
    _save(record, by, _("标为典型活动") if highlight else _("取消典型活动"))
    return record
