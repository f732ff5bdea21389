"""The acceptance dashboard: one township, or a district's townships side by side (read-only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from dashboard import cached, charts
from dashboard.access import district_ids_of, get_district_for, get_township_for
from dashboard.metrics import can_drill
from organisations.access import scope_for


@require_safe
@login_required
def township(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None and "township" in request.GET:
        pk = request.GET["township"]
    if pk is None:
        scope = scope_for(request.user)
        if not scope.readable_townships and district_ids_of(scope):
            return redirect("dashboard:district")
    today = timezone.localdate()
    found = get_township_for(request.user, pk, today=today)
    key = cached.township_key(found.campaign, today)
    # Read (or computed) only when the page's tables are not in the cache under `key`.
    figures = SimpleLazyObject(
        lambda: cached.township(found.township, today, found.campaign, key=key)
    )
    return render(
        request,
        "dashboard/township.html",
        {
            "township": found.township,
            "campaign": found.campaign,
            "figures": figures,
            "figures_key": key,
            "charts": lambda: charts.township_charts(figures),
            "cache_seconds": cached.seconds(),
            "can_see_district": found.township.district_id
            in district_ids_of(scope_for(request.user)),
            # the lists behind the figures open only for those who may read the township
            "drill_links": can_drill(scope_for(request.user), found.township),
            "owes_base": "",
        },
    )


def _township_part(request: HttpRequest, pk: int, template: str) -> HttpResponse:
    """A part of the township dashboard on its own page (every lagging unit, the trend by
    type): the same access check and the same cached figures as the dashboard."""
    today = timezone.localdate()
    found = get_township_for(request.user, pk, today=today)
    if found.campaign is None:
        return redirect("dashboard:township_detail", found.township.pk)
    figures = cached.township(found.township, today, found.campaign)
    return render(
        request,
        template,
        {
            "township": found.township,
            "campaign": found.campaign,
            "figures": figures,
            "drill_links": can_drill(scope_for(request.user), found.township),
        },
    )


@require_safe
@login_required
def township_units(request: HttpRequest, pk: int) -> HttpResponse:
    return _township_part(request, pk, "dashboard/township_units.html")


@require_safe
@login_required
def township_trend(request: HttpRequest, pk: int) -> HttpResponse:
    return _township_part(request, pk, "dashboard/township_trend.html")


@require_safe
@login_required
def district(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None and "district" in request.GET:
        pk = request.GET["district"]
    place = get_district_for(request.user, pk)
    figures = cached.district(place, timezone.localdate())
    return render(
        request,
        "dashboard/district.html",
        {
            "figures": figures,
            "charts": charts.district_charts(figures),
            # district leaders read the townships' lists; reviewers only the dashboards
            "drill_links": place.pk in scope_for(request.user).leader_districts
            or request.user.is_superuser,
        },
    )
