"""Who may see and change demonstration sites and visiting routes.

* read: office staff and leaders of the township, the unit's liaisons, district leaders, and
  district reviewers once the site has been put forward (`Site.objects.visible_to`);
* edit the profile, upload the plan, photos and visitor counts: the unit's liaisons and office
  staff of the township;
* manage (create, review the plan, lifecycle steps): office staff of the township, and for the
  district's decisions (naming, re-review, delisting) a reviewer of the district.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from organisations.access import Scope, get_object_for, scope_for
from sites.models import CreationPlan, Site, SitePhoto, VisitRoute


def can_edit(scope: Scope, site: Site) -> bool:
    return scope.manages_township(site.township_id) or scope.files_for_unit(site.unit_id)


def can_manage(scope: Scope, site: Site) -> bool:
    return scope.manages_township(site.township_id)


def can_decide(scope: Scope, site: Site) -> bool:
    return can_manage(scope, site) or site.district_id in scope.reviewer_districts


def get_site_for(user, pk, *, write: bool = False, manage: bool = False) -> Site:
    """404 when the user may not see the site; 403 when `write` (edit) or `manage` is refused."""
    check = can_manage if manage else can_edit
    return get_object_for(
        user,
        Site.objects.select_related("unit", "township", "district", "domain", "campaign"),
        pk,
        write=write or manage,
        can_write=check,
    )


def can_manage_route(scope: Scope, route: VisitRoute) -> bool:
    """A township's route: its office. A district-wide route: the district's reviewers and
    district leaders."""
    if route.township_id is None:
        return scope.is_superuser or route.district_id in (
            scope.reviewer_districts | scope.leader_districts
        )
    return scope.manages_township(route.township_id)


def route_owner(scope: Scope) -> tuple[str, int] | None:
    """Where a new route of this user belongs: ("township", id) for office staff, ("district",
    id) for a district reviewer or leader; None when they may not create routes."""
    if scope.office_townships:
        return "township", min(scope.office_townships)
    districts = scope.reviewer_districts | scope.leader_districts
    if districts:
        return "district", min(districts)
    return None


def get_route_for(user, pk, *, write: bool = False) -> VisitRoute:
    return get_object_for(
        user,
        VisitRoute.objects.select_related("township", "district"),
        pk,
        write=write,
        can_write=can_manage_route,
    )


def require_site_reader(user) -> Scope:
    """Lists: anyone with a role that can see sites; others get 403."""
    scope = scope_for(user)
    if not (
        scope.is_superuser
        or scope.readable_townships
        or scope.liaison_units
        or scope.reviewer_districts
        or scope.leader_districts
    ):
        raise PermissionDenied
    return scope


def _child_for(user, model, pk, *, check=None):
    """A row hanging off a site (plan, photo): visible when its site is."""
    from django.http import Http404

    try:
        obj = (
            model.objects.select_related("site")
            .filter(site__in=Site.objects.visible_to(user))
            .get(pk=pk)
        )
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if check is not None and not check(scope_for(user), obj.site):
        raise PermissionDenied
    return obj


def get_plan_for(user, pk, *, manage: bool = False) -> CreationPlan:
    return _child_for(user, CreationPlan, pk, check=can_manage if manage else None)


def get_photo_for(user, pk) -> SitePhoto:
    return _child_for(user, SitePhoto, pk)
