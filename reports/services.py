"""The verbs of reports: request one, render it (from the Celery task), retry, send to the district.

Rendering runs outside any transaction (it can take half a minute); the row is claimed with a
conditional UPDATE first so that two workers never render the same report, and the outcome is
written back at the end. A failure keeps its reason for the page and may be retried.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from organisations.access import scope_for
from reports.kinds import clean_parameters, default_title, nothing_to_print, spec_for
from reports.models import Kind, Report

logger = logging.getLogger(__name__)


def request_report(campaign: Campaign, kind: str, parameters: dict, by) -> Report:
    """Queue a report of `kind` for the campaign; the task renders it after commit."""
    if by is not None and not scope_for(by).manages_township(campaign.township_id):
        raise PermissionDenied
    spec_for(kind)
    params = clean_parameters(kind, parameters)
    reason = nothing_to_print(kind, campaign, params)
    if reason:
        raise ValidationError(reason)
    with transaction.atomic():
        report = Report.objects.create(
            kind=kind,
            campaign=campaign,
            title=default_title(kind, campaign, params),
            parameters=params,
            requested_by=by,
        )
        _enqueue(report)
    return report


def retry_report(report: Report, by) -> Report:
    """Queue a failed report again."""
    if report.status != Report.Status.FAILED:
        raise ValidationError(_("只有生成失败的报告可以重试。"))
    with transaction.atomic():
        Report.objects.filter(pk=report.pk, status=Report.Status.FAILED).update(
            status=Report.Status.QUEUED, progress=0, error="", warnings=[]
        )
        report.refresh_from_db()
        _enqueue(report)
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


def _enqueue(report: Report) -> None:
    from reports.tasks import render_report_task

    pk = report.pk
    transaction.on_commit(lambda: render_report_task.delay(pk))


def claim(report_id: int) -> Report | None:
    """Mark a queued report running; None when it is gone or someone else has it."""
    claimed = Report.objects.filter(pk=report_id, status=Report.Status.QUEUED).update(
        status=Report.Status.RUNNING,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
        progress=1,
    )
    if not claimed:
        return None
    return Report.objects.select_related("campaign__township").get(pk=report_id)


def set_progress(report_id: int, percent: int) -> None:
    Report.objects.filter(pk=report_id, status=Report.Status.RUNNING).update(
        progress=max(1, min(99, percent))
    )


def render_report(report_id: int, today: dt.date | None = None) -> Report | None:
    """Render a queued report into its file. Called by the task; tolerates a missing row."""
    report = claim(report_id)
    if report is None:
        return None
    try:
        spec = spec_for(report.kind)
        context = spec.build(report.campaign, report.parameters, today)
        set_progress(report.pk, 10)
        rendered = spec.render(context, lambda pct: set_progress(report.pk, pct))
    except Exception as exc:
        logger.exception("report %s failed", report_id)
        Report.objects.filter(pk=report.pk).update(
            status=Report.Status.FAILED,
            error=_error_text(exc),
            finished_at=timezone.now(),
            progress=0,
        )
        report.refresh_from_db()
        return report
    if report.file:  # a retry replaces the earlier file
        report.file.delete(save=False)
    report.file.save(report_name(report), ContentFile(rendered.pdf), save=False)
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.DONE,
        file=report.file.name,
        pages=rendered.pages,
        warnings=rendered.warnings,
        progress=100,
        error="",
        finished_at=timezone.now(),
    )
    report.refresh_from_db()
    return report


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
        "reused": context.get("_reused"),
    }
    with open(path, "wb") as fh:
        fh.write(rendered.pdf)
    return rendered
