"""Who may see and do what with criteria, assessments, applications and rectification items.

Reading comes from each model's `visible_to(user)`: office staff and leaders read all of their
township, liaisons their unit's assessments and rectification items, district reviewers the
acceptance assessments and applications addressed to their district.

Writing:
* a self-assessment is scored by the unit's liaison (or office staff); a pre-check by office
  staff; an acceptance by a reviewer of the district;
* a rectification item is answered by the responsible unit's liaison and re-checked by office
  staff of the township;
* criteria sets are edited by the district's reviewers and by office staff of its townships.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from assessments.models import (
    Application,
    Assessment,
    CriteriaSet,
    Notice,
    Rectification,
    SpotCheck,
)
from organisations.access import Scope, get_object_for, scope_for


def can_score(scope: Scope, assessment: Assessment) -> bool:
    if scope.is_superuser:
        return True
    if assessment.kind == Assessment.Kind.ACCEPTANCE:
        return assessment.district_id in scope.reviewer_districts
    if assessment.kind == Assessment.Kind.PRECHECK:
        return scope.manages_township(assessment.township_id)
    return scope.manages_township(assessment.township_id) or scope.files_for_unit(
        assessment.unit_id
    )


def get_assessment_for(user, pk, *, write: bool = False) -> Assessment:
    return get_object_for(
        user,
        Assessment.objects.select_related(
            "criteria_set", "site", "unit", "township", "application", "assessor", "campaign"
        ),
        pk,
        write=write,
        can_write=can_score,
    )


def can_answer(scope: Scope, rect: Rectification) -> bool:
    return scope.files_for_unit(rect.unit_id) or scope.manages_township(rect.township_id)


def can_recheck(scope: Scope, rect: Rectification) -> bool:
    return scope.manages_township(rect.township_id)


def get_rectification_for(
    user, pk, *, answer: bool = False, recheck: bool = False
) -> Rectification:
    check = can_recheck if recheck else can_answer
    return get_object_for(
        user,
        Rectification.objects.select_related("unit", "township", "item_score__item", "finding"),
        pk,
        write=answer or recheck,
        can_write=check,
    )


def can_edit_criteria(scope: Scope, cs: CriteriaSet) -> bool:
    if scope.is_superuser or cs.district_id in scope.reviewer_districts:
        return True
    from organisations.models import Organisation

    return Organisation.objects.filter(
        pk__in=scope.office_townships, district_id=cs.district_id
    ).exists()


def get_criteria_set_for(user, pk, *, write: bool = False) -> CriteriaSet:
    return get_object_for(
        user,
        CriteriaSet.objects.select_related("district"),
        pk,
        write=write,
        can_write=can_edit_criteria,
    )


def get_application_for(user, pk, *, write: bool = False) -> Application:
    return get_object_for(
        user,
        Application.objects.select_related("campaign", "township", "district"),
        pk,
        write=write,
        can_write=lambda scope, app: (
            app.district_id in scope.reviewer_districts or scope.is_superuser
        ),
    )


def get_spot_check_for(user, pk, *, write: bool = False) -> SpotCheck:
    return get_object_for(
        user,
        SpotCheck.objects.select_related("campaign", "township"),
        pk,
        write=write,
        can_write=lambda scope, check: scope.manages_township(check.township_id),
    )


def get_notice_for(user, pk, *, write: bool = False) -> Notice:
    return get_object_for(
        user,
        Notice.objects.select_related("campaign", "township"),
        pk,
        write=write,
        can_write=lambda scope, notice: scope.manages_township(notice.township_id),
    )


def require_any_role(user) -> Scope:
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


def criteria_districts(scope: Scope) -> set[int]:
    """Districts whose criteria the user may manage (for the import page)."""
    from organisations.models import Organisation

    districts = set(scope.reviewer_districts)
    if scope.office_townships:
        districts |= set(
            Organisation.objects.filter(pk__in=scope.office_townships).values_list(
                "district_id", flat=True
            )
        )
    return districts
