"""Completeness of the monthly reports: for every active unit of the township and every month
that is due, whether its report came in on time, late, or is missing — and, apart from that,
whether a report that came in says nothing happened that month ("no activity").

The list page, the dashboard, the notice and the reminders all read it from here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from monthly import due
from monthly.models import LATE, MISSING, NOT_DUE, ON_TIME, STATE_LABELS, MonthlyReport, state_of
from organisations.models import Organisation

QUIET = "quiet"  # submitted, no activity in the month (a filter, not a completeness state)
STATES = (ON_TIME, LATE, MISSING, NOT_DUE)


@dataclass
class Slot:
    unit: Organisation
    month: dt.date
    due_on: dt.date
    state: str
    report: MonthlyReport | None = None

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    @property
    def month_label(self) -> str:
        return due.month_label(self.month)

    @property
    def quiet(self) -> bool:
        return self.report is not None and self.report.is_quiet


def township_units(campaign):
    return (
        Organisation.objects.units()
        .filter(township_id=campaign.township_id, is_active=True)
        .order_by("name", "pk")
    )


def slots(
    campaign,
    as_of: dt.date,
    *,
    units=None,
    months: list[dt.date] | None = None,
    include_not_due: bool = True,
) -> list[Slot]:
    """One slot per (unit, covered month up to the current one): two queries."""
    units = list(township_units(campaign) if units is None else units)
    covered = due.covered_months(campaign)
    wanted = [m for m in covered if m <= as_of] if months is None else months
    if not include_not_due:
        due_set = set(due.due_months(campaign, as_of))
        wanted = [m for m in wanted if m in due_set]
    reports = {
        (r.unit_id, r.month): r
        for r in MonthlyReport.objects.filter(
            campaign=campaign, unit__in=[u.pk for u in units], month__in=wanted
        )
    }
    day = campaign.monthly_report_day
    result = []
    for month in sorted(wanted, reverse=True):
        due_on = due.deadline(month, day)
        for unit in units:
            report = reports.get((unit.pk, month))
            state = state_of(report.first_submitted_on if report else None, due_on, as_of)
            result.append(Slot(unit, month, due_on, state, report))
    return result


def filter_slots(found: list[Slot], state: str) -> list[Slot]:
    if state == QUIET:
        return [s for s in found if s.quiet]
    if state in STATES:
        return [s for s in found if s.state == state]
    return found
