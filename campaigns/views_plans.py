"""Units' creation plans (创建方案) for a campaign: the board, upload, review, the file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from campaigns import plans
from campaigns.access import get_campaign_for
from campaigns.forms import UnitPlanForm, UnitPlanReviewForm
from campaigns.models import UnitPlan
from organisations.access import scope_for
from organisations.models import Organisation


def _submit_units(scope, campaign, owed: dict[int, list[str]]):
    """The owed units this user may submit for: office staff any, a liaison their own."""
    ids = [
        pk
        for pk in owed
        if scope.manages_township(campaign.township_id) or scope.files_for_unit(pk)
    ]
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def _errors(form) -> str:
    return " ".join(str(e) for errs in form.errors.values() for e in errs)


@login_required
@require_GET
def unit_plans(request: HttpRequest, pk: int) -> HttpResponse:
    """Office and leaders: who has and has not submitted; a liaison: their own unit's plans."""
    campaign = get_campaign_for(request.user, pk)
    scope = scope_for(request.user)
    reads_all = scope.reads_township(campaign.township_id, campaign.township.district_id)
    unit_ids = None if reads_all else scope.liaison_units
    rows = plans.board(campaign, unit_ids=unit_ids)
    owed = {row.unit.pk: row.reasons for row in rows}
    units = _submit_units(scope, campaign, owed)
    can_review = scope.manages_township(campaign.township_id)
    for row in rows:
        for plan in row.plans:
            # one review form per waiting plan, its ids prefixed so none repeats on the page
            plan.review_form = (
                UnitPlanReviewForm(auto_id=f"id_plan{plan.pk}_%s")
                if can_review and plan.status == UnitPlan.Status.SUBMITTED
                else None
            )
    return render(
        request,
        "campaigns/unit_plans.html",
        {
            "campaign": campaign,
            "rows": rows,
            "labels": plans.STATE_LABELS,
            "answered": sum(1 for r in rows if r.answered),
            "approved": sum(1 for r in rows if r.state == UnitPlan.Status.APPROVED),
            "reads_all": reads_all,
            "can_review": can_review,
            "form": UnitPlanForm(units=units) if units else None,
        },
    )


@login_required
@require_POST
def unit_plan_upload(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk)
    scope = scope_for(request.user)
    units = _submit_units(scope, campaign, plans.owed_units(campaign))
    if not units and not scope.manages_township(campaign.township_id):
        raise PermissionDenied
    form = UnitPlanForm(request.POST, request.FILES, units=units)
    if form.is_valid():
        data = form.cleaned_data
        try:
            plans.submit_plan(campaign, data["unit"], data["file"], request.user, data["note"])
        except plans.PlanError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("创建方案已报送，等待审核。"))
    else:
        messages.error(request, _errors(form))
    return redirect("campaigns:unit_plans", campaign.pk)


def _plan_for(user, pk) -> UnitPlan:
    try:
        return (
            UnitPlan.objects.visible_to(user)
            .select_related("campaign", "campaign__township", "unit")
            .get(pk=pk)
        )
    except (UnitPlan.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@login_required
@require_POST
def unit_plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request.user, pk)
    if not scope_for(request.user).manages_township(plan.township_id):
        raise PermissionDenied
    form = UnitPlanReviewForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            plans.review_plan(
                plan, approve=approve, by=request.user, reason=form.cleaned_data["reason"]
            )
        except plans.PlanError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("方案已批准。") if approve else _("方案已退回。"))
    else:
        messages.error(request, _errors(form))
    return redirect("campaigns:unit_plans", plan.campaign_id)


@login_required
@require_GET
def unit_plan_file(request: HttpRequest, pk: int) -> HttpResponse:
    from sites.files import send_file

    plan = _plan_for(request.user, pk)
    return send_file(plan.file.name, plan.original_name)
