"""Monthly report pages: the list (units × months, with completeness), one report, writing
and submitting it (liaison), accepting or returning it (office)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from monthly import completeness, due, services
from monthly.access import (
    get_campaign_for_list,
    get_report_for,
    get_report_for_review,
    reads_campaign,
    require_liaison_of,
    units_for,
)
from monthly.forms import ReportForm, ReturnForm
from monthly.models import STATE_LABELS, MonthlyReport
from organisations.access import scope_for
from organisations.params import parse_id

PAGE_SIZE = 60


def parse_month(value: str) -> dt.date | None:
    """2026-05 -> 1 May 2026; None for anything else."""
    parts = value.split("-")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() and len(p) <= 4 for p in parts):
        return None
    try:
        return dt.date(int(parts[0]), int(parts[1]), 1)
    except ValueError:
        return None


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """Every (unit, month) of the campaign up to this month, filtered by unit, month, state."""
    campaign = get_campaign_for_list(request.user, request.GET.get("campaign", ""))
    today = timezone.localdate()
    units = units_for(request.user, campaign)
    unit = request.GET.get("unit", "")
    if unit:
        units = units.filter(pk=parse_id(unit) or 0)
    month = parse_month(request.GET.get("month", ""))
    months = [month] if month else None
    state = request.GET.get("state", "")
    found = completeness.filter_slots(
        completeness.slots(campaign, today, units=units, months=months), state
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    scope = scope_for(request.user)
    writable = sorted(u.pk for u in units if scope.files_for_unit(u.pk))
    return render(
        request,
        "monthly/report_list.html",
        {
            "campaign": campaign,
            "page": page,
            "count": len(found),
            "filters": {"unit": unit, "month": request.GET.get("month", ""), "state": state},
            "unit_options": list(units_for(request.user, campaign)),
            "month_options": [
                (m.strftime("%Y-%m"), due.month_label(m))
                for m in reversed([m for m in due.covered_months(campaign) if m <= today])
            ],
            "state_options": [*STATE_LABELS.items(), (completeness.QUIET, _("本月无活动"))],
            "can_write": bool(writable),
            "reads_all": reads_campaign(scope, campaign),
        },
    )


@login_required
def report_write(request: HttpRequest) -> HttpResponse:
    """The liaison's report for one unit and month: created on first save, edited after."""
    campaign = get_campaign_for_list(request.user, request.GET.get("campaign", ""))
    month = parse_month(request.GET.get("month", ""))
    unit_id = parse_id(request.GET.get("unit", ""))
    if month is None or unit_id is None:
        raise Http404
    unit = units_for(request.user, campaign).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    require_liaison_of(request.user, unit.pk)
    report = MonthlyReport.objects.filter(campaign=campaign, unit=unit, month=month).first()
    if report is not None and request.method != "POST":
        return redirect("monthly:report_edit", report.pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.save_draft(
                campaign,
                unit,
                month,
                summary=form.cleaned_data["summary"],
                notes=form.cleaned_data["notes"],
                by=request.user,
            )
        except services.ReportError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, _("月报已保存，核对后请报送。"))
            return redirect("monthly:report_detail", report.pk)
    return render(
        request,
        "monthly/report_form.html",
        {
            "form": form,
            "campaign": campaign,
            "unit": unit,
            "month_label": due.month_label(month),
            "records": list(services.month_records(campaign, unit, month)),
        },
    )


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request.user, pk, write=True)
    form = ReportForm(request.POST or None, instance=report, initial={"version": report.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_draft(
                report.campaign,
                report.unit,
                report.month,
                summary=form.cleaned_data["summary"],
                notes=form.cleaned_data["notes"],
                by=request.user,
                version=form.cleaned_data.get("version"),
            )
        except services.ReportError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, _("月报已保存，核对后请报送。"))
            return redirect("monthly:report_detail", report.pk)
    return render(
        request,
        "monthly/report_form.html",
        {
            "form": form,
            "campaign": report.campaign,
            "unit": report.unit,
            "month_label": report.month_label,
            "report": report,
            "records": list(services.month_records(report.campaign, report.unit, report.month)),
        },
    )


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request.user, pk)
    scope = scope_for(request.user)
    records = (
        list(report.records.select_related("domain").order_by("date", "pk"))
        if report.first_submitted_on
        else list(services.month_records(report.campaign, report.unit, report.month))
    )
    return render(
        request,
        "monthly/report_detail.html",
        {
            "report": report,
            "records": records,
            "state_label": STATE_LABELS[report.state(timezone.localdate())],
            "can_write": scope.files_for_unit(report.unit_id) and report.is_editable,
            "can_review": scope.manages_township(report.township_id)
            and report.status == MonthlyReport.Status.SUBMITTED,
            "return_form": ReturnForm(),
        },
    )


def _act(request, report, action, success: str) -> HttpResponse:
    try:
        action()
    except services.ReportError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, success)
    return redirect("monthly:report_detail", report.pk)


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request.user, pk)
    require_liaison_of(request.user, report.unit_id)
    return _act(
        request,
        report,
        lambda: services.submit_report(report, by=request.user),
        _("月报已报送，等待创建办审核。"),
    )


@login_required
@require_POST
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_review(request.user, pk)
    return _act(
        request, report, lambda: services.accept_report(report, by=request.user), _("已采用。")
    )


@login_required
@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_review(request.user, pk)
    form = ReturnForm(request.POST)
    reason = form.data.get("reason", "")
    return _act(
        request,
        report,
        lambda: services.return_report(report, by=request.user, reason=reason),
        _("已退回联络员修改。"),
    )
