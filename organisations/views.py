from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from organisations.access import get_unit_for, require_office, scope_for
from organisations.history import REGISTRY, changes
from organisations.home import panels_for
from organisations.models import Organisation, Role
from organisations.navigation import roles_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    roles = roles_of(scope)
    sections = []
    for role in ("office", "leader", "liaison", "reviewer"):
        if role in roles:
            sections.append({"role": role, "panels": panels_for(role, request, scope)})
    liaison_units = Organisation.objects.filter(pk__in=scope.liaison_units).select_related(
        "township"
    )
    townships = Organisation.objects.filter(
        pk__in=scope.readable_townships | scope.liaison_townships
    ).annotate(unit_count=Count("children", filter=Q(children__level=Organisation.Level.UNIT)))
    return render(
        request,
        "organisations/home.html",
        {
            "sections": sections,
            "liaison_units": liaison_units,
            "townships": townships,
            "roles": roles,
        },
    )


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not (scope.readable_townships or scope.leader_districts or scope.is_superuser):
        raise Http404
    units = (
        Organisation.objects.visible_to(request.user)
        .units()
        .select_related("township", "main_domain")
        .prefetch_related(
            Prefetch(
                "roles",
                queryset=Role.objects.filter(kind=Role.Kind.LIAISON).select_related("user"),
                to_attr="liaison_roles",
            )
        )
        .order_by("township__name", "unit_type", "name")
    )
    unit_type = request.GET.get("type", "")
    if unit_type in Organisation.UnitType.values:
        units = units.filter(unit_type=unit_type)
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/unit_list.html",
        {
            "page": page,
            "unit_types": Organisation.UnitType.choices,
            "unit_type": unit_type,
            "can_manage": scope.is_office or scope.is_superuser,
        },
    )


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for(request.user, pk)
    liaisons = Role.objects.filter(organisation=unit, kind=Role.Kind.LIAISON).select_related("user")
    scope = scope_for(request.user)
    return render(
        request,
        "organisations/unit_detail.html",
        {
            "unit": unit,
            "liaisons": liaisons,
            "panels": panels_for("liaison", request, scope)
            if scope.files_for_unit(unit.pk)
            else [],
            "can_manage": scope.manages_township(unit.township_id),
        },
    )


@login_required
def history(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    audited = REGISTRY.get(label)
    if audited is None:
        raise Http404
    obj = audited.getter(request.user, pk)
    require_office(request.user, audited.township_of(obj))
    return render(
        request,
        "organisations/history.html",
        {"object": obj, "model_name": audited.model._meta.verbose_name, "rows": changes(obj)},
    )


@never_cache
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """The web process and what it needs (database, broker, cache), as JSON: 503 naming what is
    down. No login, no names."""
    from config.health import response

    return response()


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on their own; send them to the portal's icon."""
    return redirect(static("favicon.svg"))
