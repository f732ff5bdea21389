"""Views of the activity ledger: filing, review, the ledger, the monthly report, evidence files.

Each view: access (activities.access) → form → service → redirect.
"""

from __future__ import annotations

import mimetypes
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from activities import ledger, measures, photos, services
from activities.access import (
    can_edit,
    can_review,
    get_evidence_for,
    get_evidence_for_review,
    get_record_for,
    get_record_for_review,
    get_upload_for,
    ledger_campaign_for,
    ledger_scope_for,
    require_filer,
)
from activities.evidence import EvidenceError
from activities.forms import RecordFilterForm, RecordForm, ReturnForm, WithdrawForm
from activities.models import ActivityRecord, Evidence, EvidenceUpload
from campaigns.models import Campaign
from organisations.access import scope_for
from organisations.models import Organisation
from organisations.params import parse_id

Status = ActivityRecord.Status
PAGE_SIZE = 30
QUEUE_PAGE_SIZE = 25


def _mark_uploads(records) -> None:
    """Set `uploads_pending` / `uploads_failed` (files not yet evidence) on a page of records:
    one small query by id."""
    states = set(
        EvidenceUpload.objects.filter(record_id__in=[r.pk for r in records])
        .open()
        .order_by()
        .values_list("record_id", "state")
        .distinct()
    )
    for record in records:
        record.uploads_pending = (record.pk, EvidenceUpload.State.PENDING) in states
        record.uploads_failed = (record.pk, EvidenceUpload.State.FAILED) in states


def _mark(records) -> None:
    """Set `has_duplicate` (a photo filed before) and `has_revision` (an edit pending) on a
    page of records: two small queries by id, whatever the page holds."""
    ids = [r.pk for r in records]
    duplicates = set(
        Evidence.objects.filter(record_id__in=ids, duplicate=True)
        .order_by()
        .values_list("record_id", flat=True)
    )
    revised = set(
        ActivityRecord.objects.filter(revision_of_id__in=ids)
        .order_by()
        .values_list("revision_of_id", flat=True)
    )
    for record in records:
        record.has_duplicate = record.pk in duplicates
        record.has_revision = record.pk in revised


# --- Filing ------------------------------------------------------------------------------------


def _version(request) -> int | None:
    """The record version a POSTed form was made from (None when it carried none)."""
    value = request.POST.get("version", "")
    return parse_id(value)


def _already_filed(request, record) -> HttpResponse:
    messages.info(request, _("这份表单已经提交过，未重复创建记录；以下是第一次提交的记录。"))
    return redirect("activities:record_detail", record.pk)


def _token(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        return None


@login_required
def record_create(request: HttpRequest) -> HttpResponse:
    scope = require_filer(request.user)
    units = Organisation.objects.filter(pk__in=scope.liaison_units).order_by("name")
    if request.method == "POST":
        # A repeated POST of a form already filed goes to the first record before any photo
        # is processed again.
        token = _token(request)
        first = ActivityRecord.objects.filter(submission_token=token).first() if token else None
        if first is not None and first.filed_by_id == request.user.pk:
            return _already_filed(request, first)
    form = RecordForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.file_record(
                unit=form.cleaned_data["unit"],
                campaign=form.campaign,
                data=form.record_data(),
                tasks=list(form.cleaned_data["tasks"]),
                uploads=form.cleaned_data["files"],
                by=request.user,
                submit="submit" in request.POST,
                token=form.submission_token(),
            )
        except services.AlreadyFiled as exc:
            if exc.record.filed_by_id == request.user.pk:
                return _already_filed(request, exc.record)
            form.add_error(None, _("表单已失效，请刷新页面后重新填写。"))
        except (EvidenceError, ValidationError) as exc:
            form.add_error("files" if isinstance(exc, EvidenceError) else None, _message(exc))
        else:
            messages.success(request, _submitted_message(record))
            return redirect("activities:record_detail", record.pk)
    return render(request, "activities/record_form.html", {"form": form, "record": None})


def _message(exc) -> str:
    return "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


def _submitted_message(record) -> str:
    if record.status == Status.SUBMITTED:
        return _("已提交审核。")
    return _("已保存为草稿。")


def _get_record_to_change(request, pk) -> ActivityRecord:
    """The record, for a liaison of its unit (others who may read it: 403). Its state is
    checked by the service under the row lock, so a stale page gets the reason, not a 403."""
    record = get_record_for(request.user, pk)
    if not scope_for(request.user).files_for_unit(record.unit_id):
        raise PermissionDenied
    return record


def _stale(request, record, exc) -> HttpResponse:
    messages.error(request, _message(exc))
    return redirect("activities:record_detail", record.pk)


@login_required
def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_record_to_change(request, pk)
    if record.status == Status.APPROVED:
        pending = ActivityRecord.objects.filter(revision_of=record).first()
        if pending is not None:
            return redirect("activities:record_edit", pending.pk)
        if request.method == "POST":
            return _stale(request, record, services.STATE_MESSAGES[record.status])
        return render(request, "activities/record_revise.html", {"record": record})
    if not record.is_editable:
        return _stale(request, record, services.STATE_MESSAGES[record.status])
    units = Organisation.objects.filter(pk=record.unit_id)
    form = RecordForm(request.POST or None, request.FILES or None, units=units, record=record)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_record(
                record,
                data=form.record_data(),
                tasks=list(form.cleaned_data["tasks"]),
                uploads=form.cleaned_data["files"],
                by=request.user,
                submit="submit" in request.POST,
                version=form.cleaned_data.get("version"),
            )
        except services.StaleRecord as exc:
            return _stale(request, record, exc)
        except (EvidenceError, ValidationError) as exc:
            form.add_error("files" if isinstance(exc, EvidenceError) else None, _message(exc))
        else:
            messages.success(request, _submitted_message(record))
            return redirect("activities:record_detail", record.pk)
    return render(
        request,
        "activities/record_form.html",
        {
            "form": form,
            "record": record,
            "evidence": record.evidence.all(),
            **_uploads_context(record),
        },
    )


@login_required
@require_POST
def record_revise(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_record_for(request.user, pk, write=True)
    try:
        revision = services.start_revision(record, request.user, version=_version(request))
    except ValidationError as exc:
        messages.error(request, _message(exc))
        return redirect("activities:record_detail", record.pk)
    return redirect("activities:record_edit", revision.pk)


@login_required
@require_POST
def record_submit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_record_to_change(request, pk)
    try:
        services.submit_record(record, request.user, version=_version(request))
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("已提交审核。"))
    return redirect("activities:record_detail", record.pk)


@login_required
@require_POST
def record_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """A liaison deletes a draft or discards a pending edit. Nothing else is ever deleted:
    the office withdraws approved records (record_withdraw)."""
    record = get_record_for(request.user, pk)
    scope = scope_for(request.user)
    if not (can_edit(scope, record) and services.may_delete(record)):
        raise PermissionDenied
    original = record.revision_of_id
    try:
        services.delete_record(record, request.user, version=_version(request))
    except ValidationError as exc:
        return _stale(request, record, exc)
    messages.success(request, _("记录已删除。") if not original else _("已放弃修改。"))
    if original:
        return redirect("activities:record_detail", original)
    return redirect("activities:record_list")


@login_required
@require_POST
def record_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The office withdraws (撤销) an approved record, with a reason; it stops counting."""
    record = get_record_for_review(request.user, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
        return redirect("activities:record_detail", record.pk)
    try:
        services.withdraw_record(
            record, request.user, form.cleaned_data["reason"], version=_version(request)
        )
    except ValidationError as exc:
        return _stale(request, record, exc)
    messages.success(
        request, _("已撤销：%(title)s（不再计入统计，可恢复）") % {"title": record.title}
    )
    return redirect("activities:record_detail", record.pk)


@login_required
@require_POST
def record_restore(request: HttpRequest, pk: int) -> HttpResponse:
    """The office restores a withdrawn record: it counts again."""
    record = get_record_for_review(request.user, pk)
    try:
        services.restore_record(record, request.user, version=_version(request))
    except ValidationError as exc:
        return _stale(request, record, exc)
    messages.success(request, _("已恢复：%(title)s") % {"title": record.title})
    return redirect("activities:record_detail", record.pk)


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_evidence_for(request.user, pk, write=True)
    try:
        services.remove_evidence(item, request.user, version=_version(request))
    except ValidationError as exc:
        messages.error(request, _message(exc))
    return redirect("activities:record_edit", item.record_id)


@login_required
@require_POST
def upload_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a file still being processed, or one that failed, from an editable record."""
    item = get_upload_for(request.user, pk, write=True)
    try:
        services.remove_upload(item, request.user, version=_version(request))
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("已删除：%(name)s") % {"name": item.original_name})
    if request.POST.get("next") == "detail":
        return redirect("activities:record_detail", item.record_id)
    return redirect("activities:record_edit", item.record_id)


@login_required
@require_POST
def evidence_representative(request: HttpRequest, pk: int) -> HttpResponse:
    """Office staff mark (or unmark) a photo as representative for the acceptance dossier."""
    item = get_evidence_for_review(request.user, pk)
    wanted = request.POST.get("representative") == "1"
    try:
        services.set_representative(item, wanted, request.user)
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("已设为代表性照片。") if wanted else _("已取消代表性照片。"))
    return redirect("activities:record_detail", item.record_id)


# --- Reading -------------------------------------------------------------------------------------


@login_required
def record_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    records = ActivityRecord.objects.visible_to(request.user).originals()
    units = Organisation.objects.visible_to(request.user).units().order_by("name")
    campaigns = Campaign.objects.visible_to(request.user).order_by("-year", "name")
    form = RecordFilterForm(request.GET or None, units=units, campaigns=campaigns)
    records = form.apply(records)
    # The count and participant total of exactly the filtered rows (dashboard figures link here).
    totals = records.order_by().aggregate(n=Count("pk"), people=Coalesce(Sum("participants"), 0))
    records = records.select_related("unit", "domain").order_by("-date", "-id")
    paginator = Paginator(records, PAGE_SIZE)
    paginator.count = totals["n"]  # already counted: no second COUNT query
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    _mark(page.object_list)
    template = (
        "activities/_partials/record_table.html" if request.htmx else "activities/record_list.html"
    )
    return render(
        request,
        template,
        {"page": page, "form": form, "can_file": scope.is_liaison, "totals": totals},
    )


@login_required
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_record_for(request.user, pk)
    scope = scope_for(request.user)
    evidence = list(record.evidence.all())
    duplicates = []
    if any(item.duplicate for item in evidence) and can_review(scope, record):
        shas = {item.sha256 for item in evidence if item.duplicate}
        duplicates = list(
            Evidence.objects.visible_to(request.user)
            .filter(sha256__in=shas)
            .exclude(record=record)
            .exclude(record_id=record.revision_of_id)
            .select_related("record", "record__unit")
            .order_by("record_id")[:20]
        )
    pending = None
    if record.status == Status.APPROVED:
        pending = ActivityRecord.objects.filter(revision_of=record).first()
    return render(
        request,
        "activities/record_detail.html",
        {
            "record": record,
            "evidence": evidence,
            **_uploads_context(record),
            "duplicates": duplicates,
            "pending": pending,
            "tasks": record.tasks.all(),
            "can_edit": can_edit(scope, record),
            "can_review": can_review(scope, record),
            "can_delete": can_edit(scope, record) and services.may_delete(record),
            "return_form": ReturnForm(),
            "measure": measures.measures_for(record.township_id)[record.type],
        },
    )


def _uploads_context(record) -> dict:
    uploads = photos.open_uploads(record)
    return {
        "uploads": uploads,
        "processing": any(u.state == EvidenceUpload.State.PENDING for u in uploads),
        "failed_uploads": [u for u in uploads if u.state == EvidenceUpload.State.FAILED],
    }


@login_required
@require_GET
def record_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The record's evidence card alone: what the record page polls while files are being
    processed (htmx); without JavaScript the page says to refresh."""
    record = get_record_for(request.user, pk)
    scope = scope_for(request.user)
    return render(
        request,
        "activities/_partials/evidence_card.html",
        {
            "record": record,
            "evidence": list(record.evidence.all()),
            **_uploads_context(record),
            "can_edit": can_edit(scope, record),
            "can_review": can_review(scope, record),
        },
    )


@login_required
@require_POST
def record_highlight(request: HttpRequest, pk: int) -> HttpResponse:
    """The office marks an approved record as a highlight the work report names."""
    record = get_record_for_review(request.user, pk)
    try:
        services.set_highlight(record, request.POST.get("highlight") == "1", request.user)
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("已更新典型活动标记。"))
    return redirect("activities:record_detail", pk=record.pk)


@login_required
@require_GET
def evidence_file(request: HttpRequest, pk: int, variant: str = "file") -> HttpResponse:
    """Send an evidence file (or its thumbnail) to someone who may read the record."""
    item = get_evidence_for(request.user, pk)
    name = item.thumbnail.name if variant == "thumb" else item.file.name
    if not name:
        raise Http404
    content_type = "image/jpeg" if variant == "thumb" else item.mime_type
    download = f"{item.original_name.rsplit('.', 1)[0]}{item.extension}"
    disposition = "inline" if item.is_image else "attachment"
    prefix = settings.PROTECTED_MEDIA_ACCEL_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + name
    else:
        try:
            handle = default_storage.open(name, "rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type or mimetypes.guess_type(name)[0])
    if variant != "thumb":
        from django.utils.encoding import escape_uri_path

        response["Content-Disposition"] = (
            f"{disposition}; filename*=UTF-8''{escape_uri_path(download)}"
        )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Review --------------------------------------------------------------------------------------


def _queue_records(request):
    scope = scope_for(request.user)
    if not (scope.is_office or scope.is_superuser):
        raise PermissionDenied
    records = ActivityRecord.objects.all()
    if not scope.is_superuser:
        records = records.filter(township__in=scope.office_townships)
    units = Organisation.objects.units()
    if not scope.is_superuser:
        units = units.filter(township__in=scope.office_townships)
    form = RecordFilterForm(
        request.GET or None, units=units.order_by("name"), default_status="submitted"
    )
    return form, form.apply(records)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    form, records = _queue_records(request)
    records = records.select_related("unit", "domain").order_by("submitted_at", "id")
    page = Paginator(records, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    _mark(page.object_list)
    _mark_uploads(page.object_list)
    return render(
        request,
        "activities/review_queue.html",
        {"page": page, "form": form, "query": request.GET.urlencode()},
    )


def _back_to_queue(request) -> HttpResponse:
    query = request.POST.get("query", "")
    target = reverse("activities:review_queue") + (f"?{query}" if query else "")
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        target = nxt
    return redirect(target)


def _row(request, record, **extra) -> HttpResponse:
    record = ActivityRecord.objects.filter(pk=record.pk).select_related("unit", "domain").first()
    if record is None:  # an approved edit is merged into its original
        return HttpResponse("")
    _mark([record])
    _mark_uploads([record])
    form = extra.pop("form", None)
    if form is not None and form.errors:
        extra["error_reason"] = "; ".join(form.errors.get("reason", []))
        extra["reason"] = form.data.get("reason", "")
    return render(
        request,
        "activities/_partials/queue_row.html",
        {"record": record, "query": request.POST.get("query", ""), **extra},
    )


@login_required
@require_POST
def record_approve(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_record_for_review(request.user, pk)
    try:
        result = services.approve_record(record, request.user, version=_version(request))
    except ValidationError as exc:
        if request.htmx:
            return _row(request, record, error=_message(exc))
        messages.error(request, _message(exc))
        return _back_to_queue(request)
    if request.htmx:
        return _row(request, result if not record.revision_of_id else record, done=_("已通过"))
    messages.success(request, _("已通过：%(title)s") % {"title": result.title})
    return _back_to_queue(request)


@login_required
@require_POST
def record_return(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_record_for_review(request.user, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.return_record(
                record, request.user, form.cleaned_data["reason"], version=_version(request)
            )
        except ValidationError as exc:
            form.add_error("reason", exc)
    if request.htmx:
        if form.errors:
            return _row(request, record, form=form)
        return _row(request, record, done=_("已退回"))
    if form.errors:
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    else:
        messages.success(request, _("已退回：%(title)s") % {"title": record.title})
    return _back_to_queue(request)


@login_required
@require_POST
def bulk_approve(request: HttpRequest) -> HttpResponse:
    """Approve the selected records; the queue's filter (sent along as `query`) stays on."""
    scope = scope_for(request.user)
    if not (scope.is_office or scope.is_superuser):
        raise PermissionDenied
    ids = [parse_id(value) for value in request.POST.getlist("records")]
    ids = [pk for pk in ids if pk is not None]
    if not ids:
        messages.warning(request, _("请先勾选要通过的记录。"))
        return _back_to_queue(request)
    records = ActivityRecord.objects.filter(pk__in=ids)
    if not scope.is_superuser:
        records = records.filter(township__in=scope.office_townships)
    # Each checkbox row carries the version it showed: a record changed since is left alone.
    versions = {
        int(pk): parse_id(value)
        for pk in ids
        if parse_id(value := request.POST.get(f"version-{pk}", "")) is not None
    }
    count = services.bulk_approve(records, request.user, versions=versions)
    messages.success(request, _("已批量通过 %(n)s 条记录。") % {"n": count})
    skipped = len(set(ids)) - count
    if skipped:
        messages.warning(
            request,
            _("%(n)s 条记录未通过：已被他人审核或在您打开后有变化，请刷新后再看。")
            % {"n": skipped},
        )
    return _back_to_queue(request)


# --- Ledger --------------------------------------------------------------------------------------


def _campaign(request) -> Campaign:
    return ledger_campaign_for(request.user, request.GET.get("campaign"))


def _ledger_scope(request, campaign):
    return ledger_scope_for(request.user, campaign, request.GET)


@login_required
def ledger_view(request: HttpRequest) -> HttpResponse:
    campaign = _campaign(request)
    unit, domain = _ledger_scope(request, campaign)
    if unit is not None:
        result = ledger.summary(
            ledger.counted_records(campaign, unit=unit, domain=domain), campaign.township_id
        )
    elif domain is not None:
        result = ledger.domain_ledger(campaign, domain)
    else:
        result = ledger.township_ledger(campaign)
    scope = scope_for(request.user)
    campaigns = list(
        Campaign.objects.visible_to(request.user)
        .select_related("township")
        .order_by("-year", "township__name")[:200]
    )
    return render(
        request,
        "activities/ledger.html",
        {
            "campaign": campaign,
            "campaigns": campaigns,
            "unit": unit,
            "domain": domain,
            "ledger": result,
            "can_manage_township": scope.manages_township(campaign.township_id),
            "can_read_township": scope.reads_township(
                campaign.township_id, campaign.township.district_id
            ),
        },
    )


@login_required
def monthly_report(request: HttpRequest) -> HttpResponse:
    campaign = _campaign(request)
    scope = scope_for(request.user)
    if not scope.reads_township(campaign.township_id, campaign.township.district_id):
        raise PermissionDenied
    report = ledger.monthly_report(campaign)
    return render(
        request, "activities/monthly_report.html", {"campaign": campaign, "report": report}
    )
