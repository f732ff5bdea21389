"""Home-page panels of the ledger."""

from __future__ import annotations

from activities.models import ActivityRecord
from organisations.home import home_panel


@home_panel("liaison", order=10)
def my_records(request, scope):
    """The liaison's recent records and anything returned to them."""
    records = (
        ActivityRecord.objects.filter(unit__in=scope.liaison_units)
        .select_related("unit")
        .order_by("-updated_at", "-id")
    )
    returned = list(records.filter(status=ActivityRecord.Status.RETURNED)[:10])
    recent = list(records.exclude(status=ActivityRecord.Status.RETURNED)[:5])
    return {
        "template": "activities/_partials/home_liaison.html",
        "returned": returned,
        "recent": recent,
    }


@home_panel("office", order=10)
def review_waiting(request, scope):
    """How many records wait for the office's review."""
    waiting = ActivityRecord.objects.filter(
        township__in=scope.office_townships, status=ActivityRecord.Status.SUBMITTED
    ).count()
    return {"template": "activities/_partials/home_office.html", "waiting": waiting}
