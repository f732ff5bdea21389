"""The verbs of reports: request one, render it (from the Celery task), retry, send to the district.

Rendering runs outside any transaction (it can take half a minute); the row is claimed with a
conditional UPDATE first so that two workers never render the same report, and the outcome is
written back at the end. A failure keeps its reason for the page and may be retried.

Every report ends `done` or `failed`, whatever happens to the processes around it:
- while it renders, a heartbeat thread stamps `heartbeat_at`; a `running` row whose heartbeat
  is older than REPORT_STALE_SECONDS (its worker was killed) and a `queued` row that has
  waited that long (its message was lost, or the broker was down when it was asked for) are
  handed to the worker again by the beat job `requeue_stale`;
- a message redelivered after its pool process died (acks late) carries the same task id as
  the run it interrupted, so that run is taken over at once instead of being skipped;
- after REPORT_MAX_ATTEMPTS interrupted runs the report is failed, with a retry button;
- the outcome is written on a fresh database connection, retried while the database restarts;
- publishing to a broker that is down does not fail the request: the row stays `queued`.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from organisations.access import scope_for
from reports import jobs
from reports.kinds import clean_parameters, default_title, nothing_to_print, spec_for
from reports.models import Kind, Report

logger = logging.getLogger(__name__)


def request_report(campaign: Campaign, kind: str, parameters: dict, by) -> Report:
    """Queue a report of `kind` for the campaign; the task renders it after commit.

    `report.enqueued` says whether the broker took the task (False: it is down, the row stays
    queued and the beat job sends it when the broker is back)."""
    if by is not None and not scope_for(by).manages_township(campaign.township_id):
        raise PermissionDenied
    spec_for(kind)
    params = clean_parameters(kind, parameters)
    reason = nothing_to_print(kind, campaign, params)
    if reason:
        raise ValidationError(reason)
    outcome: dict = {}
    with transaction.atomic():
        report = Report.objects.create(
            kind=kind,
            campaign=campaign,
            title=default_title(kind, campaign, params),
            parameters=params,
            requested_by=by,
        )
        _enqueue(report, outcome)
    report.enqueued = outcome.get("sent", True)
    return report


def retry_report(report: Report, by) -> Report:
    """Queue a failed report again."""
    if report.status != Report.Status.FAILED:
        raise ValidationError(_("只有生成失败的报告可以重试。"))
    outcome: dict = {}
    with transaction.atomic():
        jobs.reset_for_retry(Report, report.pk, warnings=[])
        report.refresh_from_db()
        _enqueue(report, outcome)
    report.enqueued = outcome.get("sent", True)
    return report


def send_to_district(report: Report, by) -> Report:
    """Send a finished acceptance dossier to the district (its reviewers then see it)."""
    if report.kind != Kind.DOSSIER or report.status != Report.Status.DONE:
        raise ValidationError(_("只有已生成的申报验收材料可以报送区纪委。"))
    if report.sent_at:
        raise ValidationError(_("该材料已报送，无需重复报送。"))
    with transaction.atomic():
        report.sent_at = timezone.now()
        report.sent_by = by
        report.save(update_fields=["sent_at", "sent_by"])
    return report


def _enqueue(report: Report, outcome: dict | None = None) -> None:
    pk = report.pk
    transaction.on_commit(lambda: _publish(pk, outcome))


def _publish(pk: int, outcome: dict | None = None) -> bool:
    """Hand the render to the broker; False (logged) when the broker cannot be reached."""
    from kombu.exceptions import OperationalError as BrokerError

    from reports.tasks import render_report_task

    try:
        render_report_task.delay(pk)
        sent = True
    except (BrokerError, OSError, RuntimeError) as exc:
        logger.warning("report %s stays queued: the broker is unreachable (%s)", pk, exc)
        sent = False
    if outcome is not None:
        outcome["sent"] = sent
    return sent


def stale_after() -> dt.timedelta:
    return jobs.stale_after()


def claim(report_id: int, token: str = "") -> Report | None:
    """Mark a report running for this run (`token`, the task id); None when it is gone, done,
    or another live run has it (see `reports.jobs.claim`)."""
    gave_up = _("生成过程被中断了 %(n)s 次（后台进程退出或超时），已停止。请重试或联系管理员。") % {
        "n": jobs.max_attempts()
    }
    return jobs.claim(Report, report_id, token, gave_up=gave_up, related=("campaign__township",))


def set_progress(report_id: int, percent: int) -> None:
    """Best effort: a database hiccup while rendering does not stop the render."""
    jobs.set_progress(Report, report_id, progress=max(1, min(99, percent)))


def _write_outcome(report_id: int, token: str, **fields) -> None:
    jobs.write_outcome(Report, report_id, token, **fields)


def render_report(report_id: int, today: dt.date | None = None, token: str = "") -> Report | None:
    """Render a queued report into its file. Called by the task; tolerates a missing row."""
    report = claim(report_id, token)
    if report is None:
        return None
    token = report.run_token
    with jobs.Heartbeat(Report, report.pk, token):
        try:
            spec = spec_for(report.kind)
            context = spec.build(report.campaign, report.parameters, today)
            set_progress(report.pk, 10)
            rendered = spec.render(context, lambda pct: set_progress(report.pk, pct))
            if report.file:  # a retry replaces the earlier file
                report.file.delete(save=False)
            report.file.save(report_name(report), ContentFile(rendered.pdf), save=False)
        except Exception as exc:
            logger.exception("report %s failed", report_id)
            jobs.drop_connection()  # the failure may be the connection itself
            _write_outcome(
                report.pk, token, status=Report.Status.FAILED, error=_error_text(exc), progress=0
            )
        else:
            _write_outcome(
                report.pk,
                token,
                status=Report.Status.DONE,
                file=report.file.name,
                pages=rendered.pages,
                warnings=rendered.warnings,
                progress=100,
                error="",
            )
    report.refresh_from_db()
    return report


def requeue_stale(now: dt.datetime | None = None) -> int:
    """Hand the worker every report left behind: running without a heartbeat, or queued for
    longer than REPORT_STALE_SECONDS. Returns how many were sent (the beat job)."""
    sent = 0
    for pk in jobs.stale_ids(Report, now):
        if not _publish(pk):
            break  # the broker is down: the next beat run tries again
        sent += 1
    return sent


def report_name(report: Report) -> str:
    return f"{report.pk}-{report.kind}.pdf"


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return _("生成报告时出错：%(error)s") % {"error": f"{type(exc).__name__}: {exc}"[:500]}


def render_to_file(kind: str, campaign: Campaign, parameters: dict, path, today=None):
    """Render synchronously to a file (the render_report command); returns the Rendered."""
    spec = spec_for(kind)
    params = clean_parameters(kind, parameters)
    context = spec.build(campaign, params, today)
    rendered = spec.render(context)
    rendered.stats = {
        "worker_peak_mib": context.get("_worker_peak_mib", 0.0),
        "worker_cpu_seconds": context.get("_worker_cpu_seconds", 0.0),
        "laid_out": context.get("_laid_out"),
        "main_before_merge_mib": context.get("_main_peak_before_merge_mib"),
        "reused": context.get("_reused"),
    }
    with open(path, "wb") as fh:
        fh.write(rendered.pdf)
    return rendered
