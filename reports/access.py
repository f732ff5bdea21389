"""Who may see and act on reports: the one getter every reports view goes through.

Office staff of the township request, retry and send reports; leaders read them; a district
reviewer reads the dossiers sent to their district. Everyone else gets 404. An Excel export is its requester's own download (the rows in it were
read through the list page's access layer for them, `reports.exports.prepare`).
"""

from __future__ import annotations

from django.http import Http404

from campaigns.models import Campaign
from organisations.access import Scope, get_object_for, scope_for
from reports.models import Report


def _manages(scope: Scope, report: Report) -> bool:
    return scope.manages_township(report.township_id)


def get_report_for(user, pk, write: bool = False) -> Report:
    return get_object_for(
        user,
        Report.objects.select_related("campaign", "township", "requested_by"),
        pk,
        write=write,
        can_write=_manages,
    )


def reports_for(user):
    return Report.objects.visible_to(user).select_related("campaign", "township", "requested_by")


def campaigns_to_report_on(user):
    """The campaigns whose township the user manages (office staff may request reports)."""
    scope = scope_for(user)
    qs = Campaign.objects.select_related("township")
    if scope.is_superuser:
        return qs
    return qs.filter(township__in=scope.office_townships)


def get_export_for(user, pk):
    """An Excel export: its requester's own; everyone else gets 404."""
    from reports.models import Export

    try:
        return Export.objects.visible_to(user).get(pk=pk)
    except (Export.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def exports_for(user):
    from reports.models import Export

    return Export.objects.visible_to(user)
