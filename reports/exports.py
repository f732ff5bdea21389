"""Excel exports in the background: request one, write it (from the Celery task), retry.

An export is asked for from a list page (the activity ledger, the publicity ledger) with the
filters the page had. The request checks access through the page's own access layer and
stores the filters; the worker then reads the rows again *as the requester*, through that same
layer, so a liaison's workbook holds their unit's rows only and a role taken away in between
fails the export instead of leaking it. The workbook is written in constant memory to a
temporary file, then stored; the row counts `rows_done` of `rows_total` for the page to poll.

The job machine is the reports' own (`reports.jobs`): claimed with a conditional UPDATE,
heartbeat while it runs, taken over when its message comes back, requeued by the beat job
`reports.requeue_stale` when its worker died, failed with its reason (and a retry button)
after REPORT_MAX_ATTEMPTS interrupted runs. Finished files are removed after
EXPORT_KEEP_DAYS by the same beat job (an export is a download, not a record).
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import jobs
from reports.models import Export

logger = logging.getLogger(__name__)

# The filters each kind takes from the page's query string (anything else is dropped).
FILTERS = {
    Export.Kind.LEDGER: ("campaign", "unit", "domain"),
    Export.Kind.PUBLICITY: ("campaign", "status", "channel", "unit", "quarter"),
}


@dataclass
class Prepared:
    """What an export will write, resolved through the access layer for one user."""

    title: str
    audit_obj: object
    write: Callable  # write(target, progress) -> rows written


def _query(parameters: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in parameters.items():
        query[key] = value
    return query


def prepare(kind: str, user, parameters: dict) -> Prepared:
    """Resolve the export for `user`: Http404 / PermissionDenied when they may not read these
    rows (the same answers the list page gives)."""
    from activities import export as sheets

    query = _query(parameters)
    if kind == Export.Kind.LEDGER:
        from activities.access import ledger_campaign_for, ledger_scope_for

        campaign = ledger_campaign_for(user, query.get("campaign"))
        unit, domain = ledger_scope_for(user, campaign, query)
        title = f"{campaign.name}-{_('活动台账')}"
        if unit is not None:
            title += f"-{unit.name}"
        if domain is not None:
            title += f"-{domain.name}"
        return Prepared(
            title,
            campaign,
            lambda target, progress: sheets.write_ledger(
                target, campaign, unit=unit, domain=domain, progress=progress
            ),
        )
    if kind == Export.Kind.PUBLICITY:
        from activities import publicity
        from organisations.access import scope_for

        scope = scope_for(user)
        readable = scope.readable_townships or scope.liaison_units or scope.leader_districts
        if not (scope.is_superuser or readable):
            raise PermissionDenied
        items, _form = publicity.listed_items(user, query)
        title = f"{_('宣传报道')}-{timezone.localdate():%Y%m%d}"
        return Prepared(
            title,
            None,
            lambda target, progress: sheets.write_publicity(target, items, progress=progress),
        )
    raise ValidationError(_("未知的导出类型。"))


def clean_parameters(kind: str, query) -> dict:
    """The filters of `kind` from a query string, as plain strings (empty ones dropped)."""
    if kind not in FILTERS:
        raise ValidationError(_("未知的导出类型。"))
    cleaned = {key: str(query.get(key))[:100] for key in FILTERS[kind] if query.get(key)}
    if any("\x00" in value for value in cleaned.values()):
        raise ValidationError(_("请求中含有不允许的字符（NUL），已拒绝。"))
    return cleaned


def request_export(kind: str, query, by) -> Export:
    """Queue an export of `kind` with the page's filters; the task writes it after commit.

    Raises Http404 / PermissionDenied as the page would. `export.enqueued` is False when the
    broker is down (the row stays queued; the beat job sends it when the broker is back)."""
    from audit.models import AuditEvent
    from audit.services import record_event

    parameters = clean_parameters(kind, query)
    prepared = prepare(kind, by, parameters)
    outcome: dict = {}
    with transaction.atomic():
        export = Export.objects.create(
            kind=kind, title=prepared.title[:200], parameters=parameters, requested_by=by
        )
        record_event(
            AuditEvent.Kind.EXPORT,
            actor=by,
            obj=prepared.audit_obj or export,
            detail=_("导出%(what)s %(filters)s")
            % {"what": Export.Kind(kind).label, "filters": _query(parameters).urlencode()},
        )
        _enqueue(export, outcome)
    export.enqueued = outcome.get("sent", True)
    return export


def retry_export(export: Export) -> Export:
    if export.status != Export.Status.FAILED:
        raise ValidationError(_("只有失败的导出可以重试。"))
    outcome: dict = {}
    with transaction.atomic():
        jobs.reset_for_retry(Export, export.pk, rows_done=0, rows_total=None)
        export.refresh_from_db()
        _enqueue(export, outcome)
    export.enqueued = outcome.get("sent", True)
    return export


def _enqueue(export: Export, outcome: dict | None = None) -> None:
    pk = export.pk
    transaction.on_commit(lambda: _publish(pk, outcome))


def _publish(pk: int, outcome: dict | None = None) -> bool:
    from kombu.exceptions import OperationalError as BrokerError

    from reports.tasks import run_export_task

    try:
        run_export_task.delay(pk)
        sent = True
    except (BrokerError, OSError, RuntimeError) as exc:
        logger.warning("export %s stays queued: the broker is unreachable (%s)", pk, exc)
        sent = False
    if outcome is not None:
        outcome["sent"] = sent
    return sent


def claim(export_id: int, token: str = "") -> Export | None:
    gave_up = _("导出过程被中断了 %(n)s 次（后台进程退出或超时），已停止。请重试或联系管理员。") % {
        "n": jobs.max_attempts()
    }
    return jobs.claim(Export, export_id, token, gave_up=gave_up, related=("requested_by",))


def run_export(export_id: int, token: str = "") -> Export | None:
    """Write a queued export into its file. Called by the task; tolerates a missing row."""
    export = claim(export_id, token)
    if export is None:
        return None
    token = export.run_token

    def progress(done: int, total: int) -> None:
        # A write per batch is plenty; the heartbeat thread covers the gaps.
        percent = max(1, min(99, done * 100 // total)) if total else 1
        jobs.set_progress(Export, export.pk, rows_done=done, rows_total=total, progress=percent)

    with jobs.Heartbeat(Export, export.pk, token):
        try:
            prepared = prepare(export.kind, export.requested_by, export.parameters)
            with tempfile.TemporaryDirectory(prefix="qf-export-") as folder:
                path = Path(folder) / "export.xlsx"
                rows = prepared.write(path, progress)
                if export.file:  # a retry replaces the earlier file
                    export.file.delete(save=False)
                with path.open("rb") as fh:
                    export.file.save(f"{export.pk}-{export.kind}.xlsx", File(fh), save=False)
                size = path.stat().st_size
        except (Http404, PermissionDenied):
            _fail(export, token, _("您已无权导出这些记录（角色或范围已变更）。"))
        except Exception as exc:
            logger.exception("export %s failed", export_id)
            jobs.drop_connection()  # the failure may be the connection itself
            _fail(export, token, _error_text(exc))
        else:
            jobs.write_outcome(
                Export,
                export.pk,
                token,
                status=Export.Status.DONE,
                file=export.file.name,
                size=size,
                rows_done=rows,
                rows_total=rows,
                progress=100,
                error="",
            )
    export.refresh_from_db()
    return export


def _fail(export: Export, token: str, reason: str) -> None:
    jobs.write_outcome(Export, export.pk, token, status=Export.Status.FAILED, error=reason)


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return _("导出时出错：%(error)s") % {"error": f"{type(exc).__name__}: {exc}"[:500]}


def requeue_stale(now: dt.datetime | None = None) -> int:
    """Hand the worker every export left behind (the beat job); returns how many were sent."""
    sent = 0
    for pk in jobs.stale_ids(Export, now):
        if not _publish(pk):
            break
        sent += 1
    return sent


def prune_old(now: dt.datetime | None = None) -> int:
    """Remove finished exports older than EXPORT_KEEP_DAYS, files included."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=max(1, settings.EXPORT_KEEP_DAYS))
    old = Export.objects.filter(
        status__in=[Export.Status.DONE, Export.Status.FAILED], created_at__lt=cutoff
    )
    removed = 0
    for export in old.iterator():
        if export.file:
            export.file.delete(save=False)
        export.delete()
        removed += 1
    return removed
