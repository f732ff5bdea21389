"""Views of the sites app: access → form → service → redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organisations.access import scope_for
from sites import lifecycle, services
from sites.access import (
    can_decide,
    can_edit,
    can_manage,
    can_manage_route,
    get_photo_for,
    get_plan_for,
    get_route_for,
    get_site_for,
    require_site_reader,
    route_owner,
)
from sites.files import send_file
from sites.forms import (
    PhotoForm,
    PlanReviewForm,
    PlanUploadForm,
    RouteForm,
    SiteCreateForm,
    SiteProfileForm,
    StepForm,
    VisitorForm,
)
from sites.lifecycle import IllegalTransition
from sites.models import Level, RouteStop, Site, Status, Theme, VisitRoute


@login_required
@require_GET
def site_list(request: HttpRequest) -> HttpResponse:
    scope = require_site_reader(request.user)
    sites = (
        Site.objects.visible_to(request.user)
        .select_related("unit", "township", "domain")
        .order_by("township__name", "name", "pk")
    )
    status = request.GET.get("status", "")
    if status in Status.values:
        sites = sites.filter(status=status)
    page = Paginator(sites, 50).get_page(request.GET.get("page"))
    template = "sites/_partials/site_rows.html" if request.htmx else "sites/site_list.html"
    return render(
        request,
        template,
        {
            "page": page,
            "statuses": Status.choices,
            "status": status,
            "can_create": bool(scope.office_townships),
        },
    )


@login_required
@require_GET
def site_registry(request: HttpRequest) -> HttpResponse:
    """The registry of named sites across the district: level, since when, next re-review."""
    require_site_reader(request.user)
    sites = (
        Site.objects.visible_to(request.user)
        .registry()
        .select_related("unit", "township", "domain")
        .order_by("level", "township__name", "name")
    )
    level = request.GET.get("level", "")
    if level in Level.values:
        sites = sites.filter(level=level)
    page = Paginator(sites, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "sites/registry.html",
        {"page": page, "levels": Level.choices, "level": level},
    )


@login_required
@require_http_methods(["GET", "POST"])
def site_create(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.office_townships:
        raise PermissionDenied
    form = SiteCreateForm(request.POST or None, townships=scope.office_townships)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            site = services.create_site(
                data["campaign"], data["unit"], data["domain"], data["name"], request.user
            )
        except IllegalTransition as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已列为候选示范点。"))
            return redirect("sites:site_detail", site.pk)
    return render(request, "sites/site_create.html", {"form": form})


@login_required
@require_GET
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_site_for(request.user, pk)
    scope = scope_for(request.user)
    steps = lifecycle.available(scope, site)
    visitors = site.visitor_counts.order_by("-month")[:12]
    return render(
        request,
        "sites/site_detail.html",
        {
            "site": site,
            "events": site.events.select_related("by"),
            "namings": site.namings.all(),
            "plans": site.plans.select_related("submitted_by", "reviewed_by"),
            "photos": site.photos.all(),
            "visitors": visitors,
            "visitor_total": site.visitor_counts.aggregate(n=Sum("visitors"))["n"] or 0,
            "assessments": site.assessments.select_related("criteria_set").order_by(
                "-assessed_on", "-id"
            ),
            # one form per step on the page: ids prefixed by the step so none repeats
            "steps": [
                {
                    "step": s,
                    "form": StepForm(initial={"action": s.action}, auto_id=f"id_{s.action}_%s"),
                }
                for s in steps
            ],
            "can_edit": can_edit(scope, site),
            "can_manage": can_manage(scope, site),
            "can_decide": can_decide(scope, site),
            "can_submit_plan": site.status == Status.CANDIDATE and can_edit(scope, site),
            "can_start_self": site.status in (Status.CREATING, Status.SELF_ASSESSED)
            and can_edit(scope, site),
            "can_start_precheck": site.status in (Status.SELF_ASSESSED, Status.PRECHECKED)
            and can_manage(scope, site),
            "plan_form": PlanUploadForm(),
            "review_form": PlanReviewForm(),
            "photo_form": PhotoForm(),
            "visitor_form": VisitorForm(),
            "Status": Status,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_site_for(request.user, pk, write=True)
    form = SiteProfileForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        services.update_profile(site, form.cleaned_data, request.user)
        messages.success(request, _("示范点资料已保存。"))
        return redirect("sites:site_detail", site.pk)
    return render(request, "sites/site_edit.html", {"form": form, "site": site})


@login_required
@require_POST
def plan_upload(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_site_for(request.user, pk, write=True)
    form = PlanUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.submit_plan(site, form.cleaned_data["file"], request.user)
        except IllegalTransition as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("创建方案已报送，等待审核。"))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("sites:site_detail", site.pk)


@login_required
@require_POST
def plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request.user, pk, manage=True)
    site = plan.site
    form = PlanReviewForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.review_plan(
                plan, approve=approve, by=request.user, reason=form.cleaned_data["reason"]
            )
        except IllegalTransition as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("方案已批准。") if approve else _("方案已退回。"))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("sites:site_detail", site.pk)


@login_required
@require_GET
def plan_file(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request.user, pk)
    return send_file(plan.file.name, plan.original_name)


@login_required
@require_POST
def site_step(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_site_for(request.user, pk)
    form = StepForm(request.POST)
    action = request.POST.get("action", "")
    found = lifecycle.STEPS.get(action)
    if found is None or found.actor == "system" or action in ("submit_plan",):
        messages.error(request, _("未知的操作。"))
        return redirect("sites:site_detail", site.pk)
    if not lifecycle.may_take(scope_for(request.user), site, found):
        raise PermissionDenied
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.transition(
                site,
                action,
                request.user,
                data["note"],
                level=data["level"],
                doc_number=data["doc_number"],
                named_on=data["named_on"],
            )
        except IllegalTransition as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已%(action)s。") % {"action": found.label})
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("sites:site_detail", site.pk)


@login_required
@require_POST
def photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_site_for(request.user, pk, write=True)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_photo(
                site, form.cleaned_data["image"], form.cleaned_data["caption"], request.user
            )
        except IllegalTransition as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("照片已上传。"))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("sites:site_detail", site.pk)


@login_required
@require_GET
def photo_file(request: HttpRequest, pk: int) -> HttpResponse:
    photo = get_photo_for(request.user, pk)
    return send_file(photo.image.name, photo.image.name.rsplit("/", 1)[-1], inline=True)


@login_required
@require_POST
def visitors(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_site_for(request.user, pk, write=True)
    form = VisitorForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        services.set_visitors(
            site, data["month"], data["visitors"], data["groups"], request.user, data["note"]
        )
        messages.success(request, _("参观人次已保存。"))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("sites:site_detail", site.pk)


# ---------------------------------------------------------------------------- routes


@login_required
@require_GET
def route_list(request: HttpRequest) -> HttpResponse:
    scope = require_site_reader(request.user)
    routes = (
        VisitRoute.objects.visible_to(request.user)
        .select_related("township")
        .annotate(stop_count=Count("stops"))
        .prefetch_related(
            Prefetch("stops", queryset=RouteStop.objects.select_related("site").order_by("order"))
        )
        .order_by("theme", "township__name", "name")
    )
    theme = request.GET.get("theme", "")
    if theme in Theme.values:
        routes = routes.filter(theme=theme)
    return render(
        request,
        "sites/route_list.html",
        {
            "routes": routes,
            "themes": Theme.choices,
            "theme": theme,
            "can_create": route_owner(scope) is not None,
        },
    )


@login_required
@require_GET
def route_detail(request: HttpRequest, pk: int) -> HttpResponse:
    route = get_route_for(request.user, pk)
    stops = route.stops.select_related("site", "site__unit", "site__township").order_by("order")
    return render(
        request,
        "sites/route_detail.html",
        {
            "route": route,
            "stops": stops,
            "can_edit": can_manage_route(scope_for(request.user), route),
        },
    )


def _route_sites(district_id):
    return (
        Site.objects.filter(district_id=district_id)
        .select_related("township")
        .order_by("township__name", "name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def route_create(request: HttpRequest) -> HttpResponse:
    """Office staff make their township's routes; a district reviewer or leader makes
    district-wide routes across townships."""
    owner = route_owner(scope_for(request.user))
    if owner is None:
        raise PermissionDenied
    from organisations.models import Organisation

    org = Organisation.objects.get(pk=owner[1])
    township = org if owner[0] == "township" else None
    district_id = org.district_id if township else org.pk
    form = RouteForm(
        request.POST or None,
        sites=_route_sites(district_id),
        township=township,
        district=None if township else org,
    )
    if request.method == "POST" and form.is_valid():
        route = form.save(commit=False)
        route.township = township
        route.district_id = district_id
        try:
            services.save_route(route, form.cleaned_data["site_ids"], request.user)
        except IllegalTransition as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("参观线路已保存。"))
            return redirect("sites:route_detail", route.pk)
    return render(request, "sites/route_form.html", {"form": form, "district_wide": not township})


@login_required
@require_http_methods(["GET", "POST"])
def route_edit(request: HttpRequest, pk: int) -> HttpResponse:
    route = get_route_for(request.user, pk, write=True)
    form = RouteForm(
        request.POST or None,
        instance=route,
        sites=_route_sites(route.district_id),
        township=route.township,
        district=route.district if route.township_id is None else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_route(
                form.save(commit=False), form.cleaned_data["site_ids"], request.user
            )
        except IllegalTransition as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("参观线路已保存。"))
            return redirect("sites:route_detail", route.pk)
    return render(
        request,
        "sites/route_form.html",
        {"form": form, "route": route, "district_wide": route.township_id is None},
    )
