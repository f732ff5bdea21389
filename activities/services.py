"""The verbs of the activity ledger. Views, admin actions, demo data and tests call these.

Every function runs in one transaction. Whenever what counts changes (an approval, a bulk
approval, an approved edit, a deletion of an approved record) it calls
`campaigns.progress.records_changed` inside that transaction. Files written during a submit
that fails are removed again; files no row refers to any more are removed after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import evidence as files
from activities.models import ActivityRecord, Evidence
from campaigns import progress
from campaigns.models import Campaign, Task

Status = ActivityRecord.Status

# The fields a liaison fills in (and an approved edit copies onto the original).
RECORD_FIELDS = [
    "date",
    "domain",
    "type",
    "title",
    "place",
    "organiser",
    "participants",
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
    if record is None or record.pk is None:
        return 0
    return record.evidence.aggregate(total=Sum("size"))["total"] or 0


def _family(record: ActivityRecord) -> set[int]:
    """The record and its approved original or pending edit (they share files legitimately)."""
    ids = {record.pk}
    if record.revision_of_id:
        ids.add(record.revision_of_id)
    ids.update(ActivityRecord.objects.filter(revision_of=record).values_list("pk", flat=True))
    return ids


def _attach(record: ActivityRecord, uploads: Sequence[files.Prepared], by) -> list[str]:
    """Store the files and create their rows; return the names of files written now."""
    if not uploads:
        return []
    if evidence_total(record) + sum(p.size for p in uploads) > files.record_limit():
        raise files.EvidenceError(
            _("本条记录的佐证材料合计超过 %(mb)s MB。") % {"mb": settings.RECORD_UPLOAD_MAX_MB}
        )
    shas = {p.sha256 for p in uploads}
    seen = set(
        Evidence.objects.filter(sha256__in=shas)
        .exclude(record_id__in=_family(record))
        .values_list("sha256", flat=True)
    )
    written: list[str] = []
    rows = []
    try:
        for prepared in uploads:
            written += files.store(prepared)
            rows.append(
                Evidence(
                    record=record,
                    kind=prepared.kind,
                    file=prepared.stored_file,
                    thumbnail=prepared.stored_thumbnail,
                    original_name=prepared.original_name,
                    mime_type=prepared.mime_type,
                    extension=prepared.extension,
                    size=prepared.size,
                    sha256=prepared.sha256,
                    width=prepared.width,
                    height=prepared.height,
                    taken_at=prepared.taken_at,
                    gps_lat=prepared.gps_lat,
                    gps_lon=prepared.gps_lon,
                    uploaded_by=by,
                    duplicate=prepared.sha256 in seen,
                )
            )
        Evidence.objects.bulk_create(rows)
    except BaseException:
        files.discard(written)
        raise
    return written


def _save(record: ActivityRecord, by, reason: str) -> None:
    record._history_user = by
    record._change_reason = reason
    record.save()


@transaction.atomic
def _write_record(record, *, data: dict, tasks, uploads, by, submit: bool, reason: str):
    for name in RECORD_FIELDS:
        if name in data:
            setattr(record, name, data[name])
    check_tasks(record.unit_id, record.campaign_id, record.type, tasks)
    if submit:
        record.status = Status.SUBMITTED
        record.submitted_at = timezone.now()
    elif record.pk is None:
        record.status = Status.DRAFT
    _save(record, by, reason)
    record.tasks.set(tasks)
    _attach(record, uploads, by)
    if submit and not record.evidence.exists():
        raise files.EvidenceError(_("提交审核前请至少上传一份佐证材料（照片或签到表等）。"))
    return record


def _with_cleanup(fn, *args, **kwargs):
    """Run a write; if it fails after files were written, remove them (no orphans on disk)."""
    before = set()
    uploads = kwargs.get("uploads") or []
    for prepared in uploads:
        for name in (prepared.file_name, prepared.thumbnail_name):
            if default_storage.exists(name):
                before.add(name)
    try:
        return fn(*args, **kwargs)
    except BaseException:
        for prepared in uploads:
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
) -> ActivityRecord:
    """A liaison files a new record for their unit: saved as a draft, or submitted for review."""
    record = ActivityRecord(campaign=campaign, unit=unit, township_id=unit.township_id, filed_by=by)
    return _with_cleanup(
        _write_record,
        record,
        data=data,
        tasks=tasks,
        uploads=uploads,
        by=by,
        submit=submit,
        reason=_("填报"),
    )


def update_record(
    record: ActivityRecord,
    *,
    data: dict,
    tasks: Sequence[Task] = (),
    uploads: Sequence[files.Prepared] = (),
    by,
    submit: bool = False,
) -> ActivityRecord:
    """The liaison changes a draft, a returned record or a pending edit of an approved one."""
    if not record.is_editable:
        raise ValidationError(_("该记录当前不能修改。"))
    return _with_cleanup(
        _write_record,
        record,
        data=data,
        tasks=tasks,
        uploads=uploads,
        by=by,
        submit=submit,
        reason=_("修改"),
    )


@transaction.atomic
def submit_record(record: ActivityRecord, by) -> ActivityRecord:
    record = ActivityRecord.objects.select_for_update().get(pk=record.pk)
    if not record.is_editable:
        raise ValidationError(_("该记录已提交或已审核。"))
    if not record.evidence.exists():
        raise ValidationError(_("提交审核前请至少上传一份佐证材料（照片或签到表等）。"))
    record.status = Status.SUBMITTED
    record.submitted_at = timezone.now()
    record.return_reason = ""
    _save(record, by, _("提交审核"))
    return record


@transaction.atomic
def start_revision(record: ActivityRecord, by) -> ActivityRecord:
    """Open an edit of an approved record. The approved version keeps counting until the
    edit is approved; the edit is its own row (with copies of the evidence rows)."""
    record = ActivityRecord.objects.select_for_update().get(pk=record.pk)
    if record.status != Status.APPROVED or record.revision_of_id:
        raise ValidationError(_("只有已通过的记录才能申请修改。"))
    existing = ActivityRecord.objects.filter(revision_of=record).first()
    if existing is not None:
        return existing
    revision = ActivityRecord(
        campaign_id=record.campaign_id,
        unit_id=record.unit_id,
        township_id=record.township_id,
        filed_by=by,
        revision_of=record,
        status=Status.DRAFT,
        **{name: getattr(record, name) for name in RECORD_FIELDS},
    )
    _save(revision, by, _("申请修改已通过的记录"))
    revision.tasks.set(record.tasks.all())
    copies = []
    for item in record.evidence.all():
        item.pk = None
        item.record = revision
        copies.append(item)
    Evidence.objects.bulk_create(copies)
    return revision


@transaction.atomic
def approve_record(record: ActivityRecord, by) -> ActivityRecord:
    """Approve a submitted record (or a submitted edit, which then replaces the original)."""
    record = ActivityRecord.objects.select_for_update().get(pk=record.pk)
    if record.status != Status.SUBMITTED:
        raise ValidationError(_("只有待审核的记录才能通过。"))
    now = timezone.now()
    if record.revision_of_id:
        return _apply_revision(record, by, now)
    record.status = Status.APPROVED
    record.reviewed_by = by
    record.reviewed_at = now
    record.return_reason = ""
    _save(record, by, _("审核通过"))
    progress.records_changed([record.pk])
    return record


def _apply_revision(revision: ActivityRecord, by, now) -> ActivityRecord:
    original = ActivityRecord.objects.select_for_update().get(pk=revision.revision_of_id)
    for name in RECORD_FIELDS:
        setattr(original, name, getattr(revision, name))
    original.reviewed_by = by
    original.reviewed_at = now
    original.submitted_at = revision.submitted_at
    original.return_reason = ""
    old_tasks = set(original.tasks.values_list("pk", flat=True))
    _save(original, by, _("修改审核通过"))
    original.tasks.set(revision.tasks.all())
    old = set()
    for file_name, thumb in original.evidence.values_list("file", "thumbnail"):
        old.update({file_name, thumb})
    original.evidence.all().delete()
    revision.evidence.update(record=original)
    revision._history_user = by
    revision.delete()
    progress.records_changed([original.pk], task_ids=old_tasks)
    transaction.on_commit(lambda: files.delete_unreferenced(old))
    return original


@transaction.atomic
def return_record(record: ActivityRecord, by, reason: str) -> ActivityRecord:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写退回原因。"))
    record = ActivityRecord.objects.select_for_update().get(pk=record.pk)
    if record.status != Status.SUBMITTED:
        raise ValidationError(_("只有待审核的记录才能退回。"))
    record.status = Status.RETURNED
    record.return_reason = reason
    record.reviewed_by = by
    record.reviewed_at = timezone.now()
    _save(record, by, _("退回修改"))
    return record


@transaction.atomic
def bulk_approve(records: QuerySet[ActivityRecord], by) -> int:
    """Approve every submitted record of the queryset (already limited to what `by` manages)."""
    pending = list(records.filter(status=Status.SUBMITTED).select_for_update().order_by("pk"))
    now = timezone.now()
    changed = []
    for record in pending:
        if record.revision_of_id:
            changed.append(_apply_revision(record, by, now).pk)
            continue
        record.status = Status.APPROVED
        record.reviewed_by = by
        record.reviewed_at = now
        record.return_reason = ""
        _save(record, by, _("批量审核通过"))
        changed.append(record.pk)
    if changed:
        progress.records_changed(changed)
    return len(pending)


@transaction.atomic
def delete_record(record: ActivityRecord, by) -> None:
    """Delete a record (a liaison's draft or discarded edit, or any record by office staff)."""
    record = ActivityRecord.objects.select_for_update().get(pk=record.pk)
    counted = record.status == Status.APPROVED
    names = set()
    family = [
        record.pk,
        *ActivityRecord.objects.filter(revision_of=record).values_list("pk", flat=True),
    ]
    for file_name, thumb in Evidence.objects.filter(record_id__in=family).values_list(
        "file", "thumbnail"
    ):
        names.update({file_name, thumb})
    task_ids = set(record.tasks.values_list("pk", flat=True))
    record._history_user = by
    record.delete()
    if counted:
        progress.records_changed([], task_ids=task_ids)
    transaction.on_commit(lambda: files.delete_unreferenced(names))


@transaction.atomic
def remove_evidence(item: Evidence, by) -> None:
    record = ActivityRecord.objects.select_for_update().get(pk=item.record_id)
    if not record.is_editable:
        raise ValidationError(_("该记录当前不能修改。"))
    names = {item.file.name, item.thumbnail.name}
    item.delete()
    _save(record, by, _("删除佐证材料"))
    transaction.on_commit(lambda: files.delete_unreferenced(names))
