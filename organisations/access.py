"""The one access layer.

Every view finds out what a user may see and do through this module:

* `scope_for(user)` reads the user's roles once per request and answers set questions
  (which townships they manage, read, which units they file for, which districts they review);
* `ScopedQuerySet.visible_to(user)` filters any township-scoped model for list pages;
* `get_object_for(user, queryset, pk, write=...)` fetches one object: an outsider gets 404,
  someone who may read but not write gets 403.

Apps wrap `get_object_for` in one getter per type (`get_record_for`, `get_task_for`, …) so that
views never touch `Model.objects.get` directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.http import Http404

EMPTY: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Scope:
    is_authenticated: bool = False
    is_superuser: bool = False
    office_townships: frozenset[int] = EMPTY
    leader_townships: frozenset[int] = EMPTY
    liaison_units: frozenset[int] = EMPTY
    liaison_townships: frozenset[int] = EMPTY
    reviewer_districts: frozenset[int] = EMPTY
    leader_districts: frozenset[int] = EMPTY
    auditor_districts: frozenset[int] = EMPTY
    # unit id -> township id, for the units the user files for
    unit_townships: dict[int, int] = field(default_factory=dict)
    # (role kind, organisation name) of each role, for the user menu (read with the roles)
    role_names: tuple[tuple[str, str], ...] = ()

    @property
    def readable_townships(self) -> frozenset[int]:
        """Townships whose whole campaign the user may read (office staff and leaders)."""
        return self.office_townships | self.leader_townships

    @property
    def is_office(self) -> bool:
        return bool(self.office_townships)

    @property
    def is_liaison(self) -> bool:
        return bool(self.liaison_units)

    @property
    def is_leader(self) -> bool:
        return bool(self.leader_townships or self.leader_districts)

    @property
    def is_reviewer(self) -> bool:
        return bool(self.reviewer_districts)

    @property
    def is_auditor(self) -> bool:
        return bool(self.auditor_districts)

    def manages_township(self, township_id: int | None) -> bool:
        return self.is_superuser or (
            township_id is not None and township_id in self.office_townships
        )

    def reads_township(self, township_id: int | None, district_id: int | None = None) -> bool:
        if self.is_superuser:
            return True
        if township_id is not None and township_id in self.readable_townships:
            return True
        return district_id is not None and district_id in self.leader_districts

    def files_for_unit(self, unit_id: int | None) -> bool:
        return unit_id is not None and unit_id in self.liaison_units


ANONYMOUS = Scope()


def scope_for(user) -> Scope:
    """The user's roles, read with one query and cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_qf_scope", None)
    if cached is not None:
        return cached
    from organisations.models import Organisation, Role

    office, leader_t, units, unit_t, reviewer, leader_d = set(), set(), set(), {}, set(), set()
    auditor = set()
    # Plain SQL: every page asks, and building the ORM query cost three times running it.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.kind, r.organisation_id, o.level, o.township_id, o.name"  # noqa: S608 - table names from model meta
            f" FROM {Role._meta.db_table} r"
            f" JOIN {Organisation._meta.db_table} o ON o.id = r.organisation_id"
            f" WHERE r.user_id = %s ORDER BY r.id",
            [user.pk],
        )
        rows = cursor.fetchall()
    names = []
    for kind, org_id, level, township_id, org_name in rows:
        names.append((kind, org_name))
        if kind == Role.Kind.OFFICE:
            office.add(org_id)
        elif kind == Role.Kind.LIAISON:
            units.add(org_id)
            unit_t[org_id] = township_id
        elif kind == Role.Kind.REVIEWER:
            reviewer.add(org_id)
        elif kind == Role.Kind.LEADER:
            (leader_d if level == Organisation.Level.DISTRICT else leader_t).add(org_id)
        elif kind == Role.Kind.AUDITOR:
            auditor.add(org_id)
    scope = Scope(
        is_authenticated=True,
        is_superuser=user.is_superuser,
        office_townships=frozenset(office),
        leader_townships=frozenset(leader_t),
        liaison_units=frozenset(units),
        liaison_townships=frozenset(unit_t.values()),
        reviewer_districts=frozenset(reviewer),
        leader_districts=frozenset(leader_d),
        auditor_districts=frozenset(auditor),
        unit_townships=unit_t,
        role_names=tuple(names),
    )
    user._qf_scope = scope
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope (after roles change within one request or test)."""
    if hasattr(user, "_qf_scope"):
        del user._qf_scope


class ScopedQuerySet(models.QuerySet):
    """A queryset for rows that belong to a township and, optionally, to one unit.

    Subclasses name the lookups: `township_lookup` (path to the township organisation) and
    `unit_lookup` (path to the unit whose liaisons may see the row; None when liaisons see
    nothing of it). Office staff and leaders of the township read every row; district
    leaders read the rows of their district's townships; liaisons read their units' rows.
    """

    township_lookup: str = "township"
    unit_lookup: str | None = "unit"

    def visible_to(self, user):
        scope = scope_for(user)
        if scope.is_superuser:
            return self
        if not scope.is_authenticated:
            return self.none()
        q = models.Q()
        if scope.readable_townships:
            q |= models.Q(**{f"{self.township_lookup}__in": scope.readable_townships})
        if scope.leader_districts:
            q |= models.Q(**{f"{self.township_lookup}__district__in": scope.leader_districts})
        if self.unit_lookup and scope.liaison_units:
            q |= models.Q(**{f"{self.unit_lookup}__in": scope.liaison_units})
        return self.filter(q) if q else self.none()


def get_object_for(
    user,
    queryset: models.QuerySet,
    pk,
    *,
    write: bool = False,
    can_write: Callable[[Scope, models.Model], bool] | None = None,
):
    """Fetch one row the user may see: 404 when they may not see it, 403 when they may see it
    but `write` is asked and `can_write(scope, obj)` says no."""
    try:
        obj = queryset.visible_to(user).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write:
        if can_write is None or not can_write(scope_for(user), obj):
            raise PermissionDenied
    return obj


def require_office(user, township_id: int | None) -> None:
    """Raise 403 unless the user is office staff of this township."""
    if not scope_for(user).manages_township(township_id):
        raise PermissionDenied


def get_unit_for(user, pk, *, write: bool = False):
    from organisations.models import Organisation

    def can_write(scope: Scope, unit) -> bool:
        return scope.manages_township(unit.township_id)

    return get_object_for(user, Organisation.objects.units(), pk, write=write, can_write=can_write)


def people_visible_to(user):
    """People holding a role in a township the user runs (office staff), or in its units."""
    from organisations.models import User

    scope = scope_for(user)
    if scope.is_superuser:
        return User.objects.all()
    townships = scope.office_townships
    if not townships:
        return User.objects.none()
    return User.objects.filter(
        models.Q(roles__organisation__in=townships)
        | models.Q(roles__organisation__township__in=townships)
    ).distinct()


def get_person_for(user, pk):
    """A person the office manages: 404 for outsiders, 403 for leaders who only read."""
    from organisations.models import User

    scope = scope_for(user)
    try:
        return people_visible_to(user).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        read = scope.readable_townships
        if (
            read
            and User.objects.filter(
                models.Q(roles__organisation__in=read)
                | models.Q(roles__organisation__township__in=read),
                pk=pk,
            ).exists()
        ):
            raise PermissionDenied from None
        raise Http404 from None


def office_townships_of(user):
    """The townships whose units and people the user manages."""
    from organisations.models import Organisation

    scope = scope_for(user)
    townships = Organisation.objects.townships().order_by("name")
    return townships if scope.is_superuser else townships.filter(pk__in=scope.office_townships)
