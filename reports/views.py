"""Report pages: the list (with the request form for office staff), the status page that htmx
polls, the download, the HTML preview, retry and send-to-district (POST only)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditEvent
from audit.services import record_event
from organisations.access import scope_for
from reports import services
from reports.access import campaigns_to_report_on, get_report_for, reports_for
from reports.engine import render_html
from reports.forms import ReportRequestForm
from reports.kinds import spec_for
from reports.models import Report

QUEUE_DOWN = _lazy(
    "后台任务队列暂时无法连接：报告已保存为“排队中”，队列恢复后将自动开始生成，无需重复提交。"
)


def _may_list(user) -> bool:
    scope = scope_for(user)
    return bool(
        scope.is_superuser
        or scope.readable_townships
        or scope.leader_districts
        or scope.reviewer_districts
    )


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    if not _may_list(request.user):
        raise Http404
    page = Paginator(reports_for(request.user), 25).get_page(request.GET.get("page"))
    campaigns = campaigns_to_report_on(request.user)
    form = ReportRequestForm(campaigns=campaigns) if scope_for(request.user).is_office else None
    return render(request, "reports/report_list.html", {"page": page, "form": form})


@login_required
@require_POST
def report_request(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not _may_list(request.user):
        raise Http404
    if not (scope.is_office or scope.is_superuser):
        raise PermissionDenied
    form = ReportRequestForm(request.POST, campaigns=campaigns_to_report_on(request.user))
    if not form.is_valid():
        page = Paginator(reports_for(request.user), 25).get_page(1)
        return render(request, "reports/report_list.html", {"page": page, "form": form}, status=400)
    report = services.request_report(
        form.cleaned_data["campaign"],
        form.cleaned_data["kind"],
        form.cleaned_data["parameters"],
        by=request.user,
    )
    if report.enqueued:
        messages.success(request, _("已提交生成，请稍候。"))
    else:
        messages.warning(request, QUEUE_DOWN)
    return redirect("reports:report_detail", report.pk)


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request.user, pk)
    context = {
        "report": report,
        "can_manage": scope_for(request.user).manages_township(report.township_id),
    }
    if request.htmx:
        return render(request, "reports/_partials/status.html", context)
    return render(request, "reports/report_detail.html", context)


@login_required
@require_GET
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request.user, pk)
    if report.status != Report.Status.DONE or not report.file:
        raise Http404
    record_event(AuditEvent.Kind.REPORT_DOWNLOAD, request=request, obj=report)
    prefix = settings.PROTECTED_MEDIA_ACCEL_PREFIX
    if prefix:
        response = HttpResponse(content_type="application/pdf")
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + report.file.name
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quoted(report)}"
        return response
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=report.filename, content_type="application/pdf"
    )


def _quoted(report: Report) -> str:
    from urllib.parse import quote

    return quote(report.filename)


@login_required
@require_GET
def report_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The same context as the PDF, as an HTML page (for a quick look before printing)."""
    report = get_report_for(request.user, pk)
    spec = spec_for(report.kind)
    try:
        context = spec.build(report.campaign, report.parameters)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("reports:report_detail", report.pk)
    return HttpResponse(render_html(spec.template, context, mode="preview"))


@login_required
@require_POST
def report_retry(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request.user, pk, write=True)
    try:
        report = services.retry_report(report, request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        if not report.enqueued:
            messages.warning(request, QUEUE_DOWN)
    return redirect("reports:report_detail", report.pk)


@login_required
@require_POST
def report_send(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request.user, pk, write=True)
    try:
        services.send_to_district(report, request.user)
        messages.success(request, _("已报送区纪委。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("reports:report_detail", report.pk)
