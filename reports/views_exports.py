"""Excel export pages: ask for one (POST from a list page, with its filters), its status page
that htmx polls (rows done of total), the download, retry, and the requester's own list."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditEvent
from audit.services import record_event
from reports import exports
from reports.access import exports_for, get_export_for
from reports.models import Export
from sites.files import send_file

QUEUE_DOWN = _lazy(
    "后台任务队列暂时无法连接：导出已保存为“排队中”，队列恢复后将自动开始，无需重复提交。"
)


@login_required
@require_GET
def export_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(exports_for(request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/export_list.html",
        {"page": page, "keep_days": settings.EXPORT_KEEP_DAYS},
    )


@login_required
@require_POST
def export_request(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    if kind not in Export.Kind.values:
        raise Http404
    # Http404 / PermissionDenied from the list page's access layer pass through unchanged.
    try:
        export = exports.request_export(kind, request.POST, by=request.user)
    except ValidationError as exc:
        return HttpResponse(
            "；".join(exc.messages), status=400, content_type="text/plain; charset=utf-8"
        )
    if export.enqueued:
        messages.success(request, _("已开始导出，完成后可在本页下载。"))
    else:
        messages.warning(request, QUEUE_DOWN)
    return redirect("reports:export_detail", export.pk)


@login_required
@require_GET
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_export_for(request.user, pk)
    context = {"export": export}
    if request.htmx:
        return render(request, "reports/_partials/export_status.html", context)
    return render(request, "reports/export_detail.html", context)


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_export_for(request.user, pk)
    if export.status != Export.Status.DONE or not export.file:
        raise Http404
    try:
        # The requester must still read these rows (a role taken away since: 404).
        exports.prepare(export.kind, request.user, export.parameters)
    except PermissionDenied:
        raise Http404 from None
    record_event(
        AuditEvent.Kind.EXPORT,
        request=request,
        obj=export,
        detail=_("下载导出文件：%(title)s") % {"title": export.title},
    )
    response = send_file(export.file.name, export.filename)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def export_retry(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_export_for(request.user, pk)
    try:
        export = exports.retry_export(export)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        if not export.enqueued:
            messages.warning(request, QUEUE_DOWN)
    return redirect("reports:export_detail", export.pk)
