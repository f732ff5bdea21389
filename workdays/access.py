"""Who may see and change the working calendar.

Everyone with a role may read it (liaisons see why a deadline moved). The calendar is national, one
for the whole portal: office staff of any township and the district's reviewers may enter or
correct a year — whoever first has the State Council notice — and every change is kept with the
person's name and reason on the year's page, so a wrong entry is seen and put right.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from organisations.access import scope_for


def may_read_calendar(user) -> bool:
    """Anyone with a role in the portal (a signed-in account without one sees nothing)."""
    scope = scope_for(user)
    return scope.is_superuser or bool(
        scope.office_townships
        or scope.leader_townships
        or scope.liaison_units
        or scope.reviewer_districts
        or scope.leader_districts
        or scope.auditor_districts
    )


def require_calendar_reader(user) -> None:
    if not may_read_calendar(user):
        raise PermissionDenied


def may_edit_calendar(user) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or scope.is_office or scope.is_reviewer


def require_calendar_editor(user) -> None:
    if not may_edit_calendar(user):
        raise PermissionDenied
