"""Who may see and change monthly reports.

* read: the unit's liaisons, the township's office staff and leaders, district leaders
  (`MonthlyReport.objects.visible_to`); everyone else 404;
* write (draft, submit): the unit's liaisons, while the report is a draft or returned;
* review (accept, return): the township's office staff.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from campaigns.models import Campaign
from monthly.models import MonthlyReport
from organisations.access import Scope, get_object_for, scope_for
from organisations.params import parse_id

RELATED = ("unit", "campaign", "township", "submitted_by", "reviewed_by")


def get_report_for(user, pk, *, write: bool = False) -> MonthlyReport:
    def can_write(scope: Scope, report: MonthlyReport) -> bool:
        return scope.files_for_unit(report.unit_id) and report.is_editable

    return get_object_for(
        user, MonthlyReport.objects.select_related(*RELATED), pk, write=write, can_write=can_write
    )


def get_report_for_review(user, pk) -> MonthlyReport:
    def can_write(scope: Scope, report: MonthlyReport) -> bool:
        return scope.manages_township(report.township_id)

    return get_object_for(
        user, MonthlyReport.objects.select_related(*RELATED), pk, write=True, can_write=can_write
    )


def reads_campaign(scope: Scope, campaign: Campaign) -> bool:
    return scope.reads_township(campaign.township_id, campaign.township.district_id)


def get_campaign_for_list(user, pk) -> Campaign:
    """The campaign whose reports the user asks for (their newest when pk is empty)."""
    campaigns = Campaign.objects.visible_to(user).select_related("township")
    if pk:
        parsed = parse_id(str(pk))
        campaign = campaigns.filter(pk=parsed).first() if parsed is not None else None
    else:
        campaign = campaigns.order_by("-year", "township__name").first()
    if campaign is None:
        raise Http404
    return campaign


def units_for(user, campaign):
    """The campaign's units whose reports this user may read."""
    from monthly.completeness import township_units

    scope = scope_for(user)
    units = township_units(campaign)
    if reads_campaign(scope, campaign):
        return units
    mine = units.filter(pk__in=scope.liaison_units)
    if not mine.exists():
        raise Http404
    return mine


def require_liaison_of(user, unit_id: int) -> None:
    if not scope_for(user).files_for_unit(unit_id):
        raise PermissionDenied
