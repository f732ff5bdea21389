"""Home-page panels: the liaison's monthly reports to write, the office's reports to review."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from campaigns.access import current_campaigns
from monthly import completeness, due
from monthly.models import MISSING, MonthlyReport
from organisations.home import home_panel
from organisations.models import Organisation


@home_panel("liaison", order=30)
def my_reports(request, scope):
    """Reports of the liaison's units still to submit: missing ones and the one due next."""
    today = timezone.localdate()
    rows = []
    for campaign in current_campaigns(request.user):
        units = Organisation.objects.filter(
            pk__in=scope.liaison_units, township_id=campaign.township_id
        ).order_by("name")
        if not units:
            continue
        last = due.month_start(today.replace(day=1) - dt.timedelta(days=1))
        months = [m for m in due.covered_months(campaign) if m <= last]
        for slot in completeness.slots(campaign, today, units=units, months=months):
            report = slot.report
            if report is None or report.is_editable:
                if slot.state == MISSING or slot.month == last:
                    rows.append((campaign, slot))
    if not rows:
        return None
    return {"template": "monthly/_partials/home_liaison.html", "rows": rows[:8], "today": today}


@home_panel("office", order=12)
def reports_to_review(request, scope):
    waiting = MonthlyReport.objects.filter(
        township__in=scope.office_townships, status=MonthlyReport.Status.SUBMITTED
    ).count()
    if not waiting:
        return None
    return {"template": "monthly/_partials/home_office.html", "waiting": waiting}
