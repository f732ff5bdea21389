"""Home-page panels of the sites app."""

from __future__ import annotations

from organisations.home import home_panel
from sites.models import Site, Status


@home_panel("office", order=40)
def plans_to_review(request, scope):
    sites = list(
        Site.objects.filter(
            township__in=scope.office_townships, status=Status.PLAN_SUBMITTED
        ).select_related("unit")[:10]
    )
    if not sites:
        return None
    return {"template": "sites/_partials/home_plans.html", "sites": sites}


@home_panel("liaison", order=40)
def my_sites(request, scope):
    sites = list(
        Site.objects.filter(unit__in=scope.liaison_units)
        .exclude(status=Status.DELISTED)
        .select_related("unit")[:10]
    )
    if not sites:
        return None
    return {"template": "sites/_partials/home_my_sites.html", "sites": sites}
