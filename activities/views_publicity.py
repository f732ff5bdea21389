"""The publicity ledger's pages: list, file (on a phone), detail with history, edit, review,
the clipping file, and the totals per channel, unit and quarter with drill-down."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities import publicity
from activities.forms_publicity import PublicityForm, PublicityReviewForm
from activities.models import PublicityItem
from campaigns.models import Campaign
from organisations.access import Scope, get_object_for, scope_for
from organisations.models import Organisation

PAGE_SIZE = 50


def _can_edit(scope: Scope, item: PublicityItem) -> bool:
    return scope.files_for_unit(item.unit_id) and item.is_editable


def _can_review(scope: Scope, item: PublicityItem) -> bool:
    return scope.manages_township(item.township_id)


def get_item_for(user, pk, *, edit: bool = False, review: bool = False) -> PublicityItem:
    """404 when the user may not see the item; 403 when they may not edit or review it."""
    check = _can_review if review else _can_edit
    return get_object_for(
        user,
        PublicityItem.objects.select_related(
            "unit", "campaign", "domain", "filed_by", "reviewed_by"
        ),
        pk,
        write=edit or review,
        can_write=check,
    )


def _require_reader(user) -> Scope:
    scope = scope_for(user)
    if not (scope.is_superuser or scope.readable_townships or scope.liaison_units):
        if not scope.leader_districts:
            raise PermissionDenied
    return scope


def _errors(form) -> str:
    return " ".join(str(e) for errs in form.errors.values() for e in errs)


@login_required
@require_GET
def publicity_list(request: HttpRequest) -> HttpResponse:
    scope = _require_reader(request.user)
    items, form = publicity.listed_items(request.user, request.GET)
    items = items.select_related("unit").order_by("-published_on", "-id")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "activities/publicity_list.html",
        {
            "page": page,
            "form": form,
            "query": query.urlencode(),
            # the filters the Excel export takes (reports.exports), as hidden fields
            "export_filters": [(k, v) for k, v in query.items() if k != "page" and v],
            "can_file": scope.is_liaison,
            "can_review": scope.is_office,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def publicity_create(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.is_liaison:
        raise PermissionDenied
    units = Organisation.objects.filter(pk__in=scope.liaison_units).order_by("name")
    form = PublicityForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = publicity.file_item(data["unit"], data, data["clipping_file"], request.user)
        except publicity.PublicityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("宣传报道已报送，等待审核。"))
            return redirect("activities:publicity_detail", item.pk)
    return render(request, "activities/publicity_form.html", {"form": form})


@login_required
@require_GET
def publicity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request.user, pk)
    scope = scope_for(request.user)
    history = item.history.select_related("history_user").order_by("-history_date", "-pk")[:20]
    return render(
        request,
        "activities/publicity_detail.html",
        {
            "item": item,
            "history": history,
            "can_edit": _can_edit(scope, item),
            "can_review": _can_review(scope, item)
            and item.status == PublicityItem.Status.SUBMITTED,
            "review_form": PublicityReviewForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def publicity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request.user, pk, edit=True)
    form = PublicityForm(request.POST or None, request.FILES or None, instance=item)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            publicity.update_item(item, data, data["clipping_file"], request.user)
        except publicity.PublicityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存并重新报送。"))
            return redirect("activities:publicity_detail", item.pk)
    return render(request, "activities/publicity_form.html", {"form": form, "item": item})


@login_required
@require_POST
def publicity_review(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request.user, pk, review=True)
    form = PublicityReviewForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            publicity.review_item(
                item, approve=approve, by=request.user, reason=form.cleaned_data["reason"]
            )
        except publicity.PublicityError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已通过。") if approve else _("已退回。"))
    else:
        messages.error(request, _errors(form))
    return redirect("activities:publicity_detail", item.pk)


@login_required
@require_GET
def publicity_clipping(request: HttpRequest, pk: int) -> HttpResponse:
    from sites.files import send_file

    item = get_item_for(request.user, pk)
    return send_file(item.clipping.name, item.clipping_name or "clipping", inline=True)


@login_required
@require_GET
def publicity_totals(request: HttpRequest) -> HttpResponse:
    """Approved items per channel × quarter and per unit × channel; each figure links to the
    list that shows exactly those items."""
    _require_reader(request.user)
    campaigns = list(
        Campaign.objects.visible_to(request.user).select_related("township").order_by("-year")
    )
    chosen = request.GET.get("campaign", "")
    campaign = next(
        (c for c in campaigns if str(c.pk) == chosen), campaigns[0] if campaigns else None
    )
    totals = None
    if campaign is not None:
        items = PublicityItem.objects.visible_to(request.user).counted().filter(campaign=campaign)
        totals = publicity.Totals.for_items(
            items, base={"campaign": campaign.pk, "status": PublicityItem.Status.APPROVED}
        )
    return render(
        request,
        "activities/publicity_totals.html",
        {"campaigns": campaigns, "campaign": campaign, "totals": totals},
    )
