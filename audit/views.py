"""The audit log viewer and its Excel export, for the security auditor role only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.views.decorators.http import require_safe

from audit.access import require_auditor
from audit.export import audit_workbook
from audit.forms import AuditFilterForm
from audit.models import AuditEvent
from audit.services import record_event

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_safe
@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    require_auditor(request.user)
    form = AuditFilterForm(request.GET or None)
    events = form.filter(AuditEvent.objects.all())
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "query": request.GET.urlencode()},
    )


@require_safe
@login_required
def event_export(request: HttpRequest) -> HttpResponse:
    require_auditor(request.user)
    form = AuditFilterForm(request.GET or None)
    events = form.filter(AuditEvent.objects.all())
    content = audit_workbook(events)
    record_event(
        AuditEvent.Kind.EXPORT,
        request=request,
        object_repr="审计记录",
        detail=f"导出审计记录，条件：{request.GET.urlencode() or '全部'}",
    )
    name = f"审计记录-{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
    return response
