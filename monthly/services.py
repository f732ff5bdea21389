"""The verbs of the monthly report: write, submit, accept, return. Each locks its row and
re-checks the state inside the transaction; a stale or repeated form changes nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import ActivityRecord
from monthly import due
from monthly.models import MonthlyReport

Status = MonthlyReport.Status


class ReportError(Exception):
    """A change that cannot be made; the message says why, in Chinese."""


def month_records(campaign, unit, month: dt.date):
    """The unit's records of the month that count for the report: submitted or approved."""
    return (
        ActivityRecord.objects.filter(
            campaign=campaign,
            unit=unit,
            revision_of__isnull=True,
            status__in=[ActivityRecord.Status.SUBMITTED, ActivityRecord.Status.APPROVED],
            date__range=(month, due.month_end(month)),
        )
        .select_related("domain")
        .order_by("date", "pk")
    )


@transaction.atomic
def save_draft(
    campaign, unit, month: dt.date, *, summary: str, notes: str, by, version: int | None = None
) -> MonthlyReport:
    """Create the unit's report for the month, or change its text while it is editable."""
    month = due.month_start(month)
    if month not in due.covered_months(campaign):
        raise ReportError(_("该月份不在创建工作的完整月份内，无需报送月报。"))
    report = (
        MonthlyReport.objects.select_for_update()
        .filter(campaign=campaign, unit=unit, month=month)
        .first()
    )
    if report is None:
        try:
            with transaction.atomic():
                report = MonthlyReport.objects.create(
                    campaign=campaign,
                    unit=unit,
                    month=month,
                    due_on=due.deadline(month, campaign.monthly_report_day),
                    summary=summary.strip(),
                    notes=notes.strip(),
                )
        except IntegrityError:
            raise ReportError(_("该月月报已由他人建立，请刷新后再改。")) from None
        return report
    if not report.is_editable:
        raise ReportError(_("月报已报送，不能再修改。"))
    if version is not None and version != report.version:
        raise ReportError(_("月报已被他人修改，请刷新后再改。"))
    report.summary, report.notes = summary.strip(), notes.strip()
    report.version += 1
    report.save()
    return report


def _locked(report: MonthlyReport) -> MonthlyReport:
    return MonthlyReport.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def submit_report(report: MonthlyReport, *, by, today: dt.date | None = None) -> MonthlyReport:
    report = _locked(report)
    if not report.is_editable:
        raise ReportError(_("月报已报送，请勿重复提交。"))
    if not report.summary.strip():
        raise ReportError(_("请填写本月工作情况后再报送（本月未开展活动也请说明）。"))
    records = list(month_records(report.campaign, report.unit, report.month))
    report.records.set(records)
    report.counts = dict(Counter(r.type for r in records))
    report.status = Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = by
    if report.first_submitted_on is None:
        report.first_submitted_on = today or timezone.localdate()
    report.return_reason = ""
    report.version += 1
    report.save()
    return report


@transaction.atomic
def accept_report(report: MonthlyReport, *, by) -> MonthlyReport:
    report = _locked(report)
    if report.status != Status.SUBMITTED:
        raise ReportError(
            _("只能审核待审核的月报（当前：%(s)s）。") % {"s": report.get_status_display()}
        )
    report.status = Status.ACCEPTED
    report.reviewed_at, report.reviewed_by = timezone.now(), by
    report.version += 1
    report.save()
    return report


@transaction.atomic
def return_report(report: MonthlyReport, *, by, reason: str) -> MonthlyReport:
    reason = (reason or "").strip()
    if not reason:
        raise ReportError(_("退回须写明原因。"))
    report = _locked(report)
    if report.status != Status.SUBMITTED:
        raise ReportError(
            _("只能审核待审核的月报（当前：%(s)s）。") % {"s": report.get_status_display()}
        )
    report.status = Status.RETURNED
    report.return_reason = reason
    report.reviewed_at, report.reviewed_by = timezone.now(), by
    report.version += 1
    report.save()
    return report
