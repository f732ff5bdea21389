"""Supervision: spot checks and findings, the circulated notice, year-end scores."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import notice as notices
from assessments import services, supervision, yearend
from assessments.access import get_notice_for, get_spot_check_for, require_any_role
from assessments.forms import (
    FindingForm,
    NoticeDraftForm,
    PublishForm,
    SpotCheckForm,
    YearEndForm,
)
from assessments.models import Notice, SpotCheck, YearEndScore
from assessments.services import AssessmentError
from campaigns.access import get_campaign_for
from campaigns.models import Campaign
from organisations.access import scope_for
from organisations.models import Organisation


def _errors(form) -> str:
    return " ".join(e for errs in form.errors.values() for e in errs)


@login_required
@require_GET
def spot_check_list(request: HttpRequest) -> HttpResponse:
    require_any_role(request.user)
    checks = (
        SpotCheck.objects.visible_to(request.user)
        .select_related("township", "campaign", "conducted_by")
        .order_by("-conducted_on", "-id")[:100]
    )
    scope = scope_for(request.user)
    # The campaigns the user may run a spot check in: a "new" button per campaign.
    campaigns = Campaign.objects.filter(township__in=scope.office_townships).order_by(
        "-year", "township__name"
    )
    return render(
        request,
        "assessments/spot_check_list.html",
        {"checks": checks, "campaigns": campaigns},
    )


@login_required
@require_http_methods(["GET", "POST"])
def spot_check_create(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, campaign_pk, write=True)
    form = SpotCheckForm(request.POST or None, initial={"conducted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            check = supervision.create_spot_check(
                campaign,
                kind=data["kind"],
                title=data["title"],
                target=data["target"],
                sample_size=data["sample_size"] or 0,
                seed=data["seed"],
                conducted_on=data["conducted_on"],
                note=data["note"],
                by=request.user,
            )
        except AssessmentError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("assessments:spot_check_detail", check.pk)
    return render(request, "assessments/spot_check_form.html", {"form": form, "campaign": campaign})


def _units(check):
    return Organisation.objects.units().filter(township_id=check.township_id).order_by("name")


@login_required
@require_GET
def spot_check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_spot_check_for(request.user, pk)
    manages = scope_for(request.user).manages_township(check.township_id)
    return render(
        request,
        "assessments/spot_check_detail.html",
        {
            "check": check,
            "drawn": check.drawn.select_related("unit", "record"),
            "findings": check.findings.select_related("unit").prefetch_related("rectifications"),
            "form": FindingForm(units=_units(check)) if manages else None,
            "reproducible": supervision.verify_draw(check) if check.seed is not None else None,
        },
    )


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_spot_check_for(request.user, pk, write=True)
    form = FindingForm(request.POST, units=_units(check))
    if form.is_valid():
        data = form.cleaned_data
        item = check.drawn.filter(unit=data["unit"]).first()
        try:
            finding = supervision.add_finding(
                check, unit=data["unit"], text=data["text"], by=request.user, item=item
            )
            if data["requirement"].strip():
                services.open_rectification(
                    by=request.user,
                    finding=finding,
                    requirement=data["requirement"],
                    deadline=data["deadline"],
                )
        except AssessmentError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("检查发现已记录。"))
    else:
        messages.error(request, _errors(form))
    return redirect("assessments:spot_check_detail", check.pk)


# ---------------------------------------------------------------------------- notice


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    scope = require_any_role(request.user)
    from campaigns.access import current_campaigns

    notice_qs = (
        Notice.objects.visible_to(request.user)
        .select_related("township")
        .order_by("-as_of", "-id")[:100]
    )
    campaigns = [
        c for c in current_campaigns(request.user) if scope.manages_township(c.township_id)
    ]
    return render(
        request,
        "assessments/notice_list.html",
        {
            "notices": notice_qs,
            "campaigns": campaigns,
            "form": NoticeDraftForm(initial={"as_of": timezone.localdate()}),
        },
    )


@login_required
@require_POST
def notice_draft(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, campaign_pk, write=True)
    form = NoticeDraftForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("assessments:notice_list")
    notice = notices.draft_notice(
        campaign,
        as_of=form.cleaned_data["as_of"],
        by=request.user,
        title=form.cleaned_data["title"],
    )
    messages.success(request, _("已根据数据生成通报草稿，请核对。"))
    return redirect("assessments:notice_detail", notice.pk)


@login_required
@require_GET
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_notice_for(request.user, pk)
    editable = notice.status == Notice.Status.DRAFT and scope_for(request.user).manages_township(
        notice.township_id
    )
    entries = list(notice.entries.select_related("unit").order_by("order", "id"))
    return render(
        request,
        "assessments/notice_detail.html",
        {
            "notice": notice,
            "praise": [e for e in entries if e.is_praise],
            "criticism": [e for e in entries if not e.is_praise],
            "editable": editable,
            "units": list(
                Organisation.objects.units()
                .filter(township_id=notice.township_id, is_active=True)
                .order_by("name")
            )
            if editable
            else [],
            "publish_form": PublishForm(),
        },
    )


@login_required
@require_POST
def notice_update(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_notice_for(request.user, pk, write=True)
    changes = {}
    for entry_id in notice.entries.values_list("pk", flat=True):
        changes[entry_id] = {
            "detail": request.POST.get(f"detail-{entry_id}", ""),
            "included": request.POST.get(f"included-{entry_id}") == "on",
        }
    try:
        notices.update_entries(
            notice,
            changes,
            request.user,
            intro=request.POST.get("intro"),
            closing=request.POST.get("closing"),
        )
    except AssessmentError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("通报已保存。"))
    return redirect("assessments:notice_detail", notice.pk)


@login_required
@require_POST
def notice_praise(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a best practice the office picked to the notice's praise section."""
    notice = get_notice_for(request.user, pk, write=True)
    unit_id = request.POST.get("unit", "")
    unit = (
        Organisation.objects.units().filter(pk=int(unit_id)).first() if unit_id.isdigit() else None
    )
    try:
        notices.add_praise(
            notice, unit=unit, detail=request.POST.get("detail", ""), by=request.user
        )
    except AssessmentError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已加入表扬。"))
    return redirect("assessments:notice_detail", notice.pk)


@login_required
@require_POST
def notice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_notice_for(request.user, pk, write=True)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            notices.publish_notice(
                notice, doc_number=form.cleaned_data["doc_number"], by=request.user
            )
        except AssessmentError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("通报已印发。"))
    else:
        messages.error(request, _errors(form))
    return redirect("assessments:notice_detail", notice.pk)


# ---------------------------------------------------------------------------- year end


@login_required
@require_GET
def year_end(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, campaign_pk)
    scope = scope_for(request.user)
    if not scope.reads_township(campaign.township_id, campaign.township.district_id):
        raise PermissionDenied
    scores = (
        YearEndScore.objects.filter(campaign=campaign).select_related("unit").order_by("unit__name")
    )
    return render(
        request,
        "assessments/year_end.html",
        {
            "campaign": campaign,
            "scores": scores,
            "can_manage": scope.manages_township(campaign.township_id),
            "form": YearEndForm(),
        },
    )


@login_required
@require_POST
def year_end_compute(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, campaign_pk, write=True)
    n = yearend.compute_year_end(campaign, request.user)
    messages.success(request, _("已根据台账计算 %(n)s 个单位的得分。") % {"n": n})
    return redirect("assessments:year_end", campaign.pk)


@login_required
@require_POST
def year_end_edit(request: HttpRequest, campaign_pk: int, pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, campaign_pk, write=True)
    score = YearEndScore.objects.filter(campaign=campaign, pk=pk).first()
    if score is None:
        from django.http import Http404

        raise Http404
    form = YearEndForm(request.POST)
    if form.is_valid():
        try:
            yearend.enter_year_end(score, form.cleaned_data, request.user)
        except AssessmentError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("得分已保存。"))
    else:
        messages.error(request, _errors(form))
    return redirect("assessments:year_end", campaign.pk)
