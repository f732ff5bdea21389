"""The figures behind the acceptance dashboard, computed from the rows in a fixed number of queries.

`township_figures(township, today)` answers "will we pass, and who is holding us back?" for one
township's campaign; `district_figures(district, today)` puts a district's townships side by
side. Every figure is an aggregate query over the rows (no stored counters), grouped in SQL
and folded in Python, so the number of queries does not grow with the data.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from activities.models import ActivityRecord
from activities.types import ActivityType
from campaigns import progress
from campaigns.models import Campaign, CampaignDomain, Phase, TaskPeriod
from organisations.models import Domain, Organisation

DONE, OPEN, OVERDUE = "done", "open", "overdue"
UPCOMING_MILESTONES = 5


# --- task periods -------------------------------------------------------------------------------


def period_rows(periods_qs) -> list[dict]:
    """Each task period with its stored progress (`TaskPeriod.achieved`, kept equal to the
    approved records by campaigns.progress) and what the dashboard groups it by. One query."""
    return list(
        periods_qs.values(
            "id",
            "due_date",
            "achieved",
            "task__campaign_id",
            "task__domain_id",
            "task__lead_unit_id",
            "task__target_count",
        ).order_by()
    )


def period_status(row: dict, today: dt.date) -> str:
    """done / open / overdue: the campaigns' four statuses with not started and in progress
    folded into one "still to do" (open)."""
    status = progress.period_status(
        row["achieved"], row["task__target_count"], row["due_date"], today
    )
    if status == progress.Status.DONE:
        return DONE
    if status == progress.Status.OVERDUE:
        return OVERDUE
    return OPEN


@dataclass
class StatusCounts:
    done: int = 0
    open: int = 0
    overdue: int = 0

    def add(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)

    @property
    def total(self) -> int:
        return self.done + self.open + self.overdue

    @property
    def done_percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


# --- months and monthly reports ------------------------------------------------------------------


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    months, cursor = [], first.replace(day=1)
    while cursor <= last:
        months.append(cursor)
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    return months


def months_reports_due(campaign: Campaign, today: dt.date) -> list[dt.date]:
    """The campaign months whose monthly report deadline (day N of the next month) has passed."""
    due = []
    for month in month_starts(campaign.start_date, campaign.end_date):
        next_month = (month + dt.timedelta(days=32)).replace(day=1)
        deadline = next_month.replace(day=min(campaign.monthly_report_day, 28))
        if deadline < today:
            due.append(month)
    return due


def as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


# --- the township dashboard ----------------------------------------------------------------------


@dataclass
class DomainFigures:
    domain: Domain
    periods: StatusCounts = field(default_factory=StatusCounts)
    records: int = 0
    participants: int = 0


@dataclass
class UnitOwes:
    unit: Organisation
    overdue_periods: int = 0
    missing_months: int = 0
    open_rectifications: int = 0
    overdue_rectifications: int = 0

    @property
    def total(self) -> int:
        return (
            self.overdue_periods
            + self.missing_months
            + self.open_rectifications
            + self.overdue_rectifications
        )


@dataclass
class TownshipFigures:
    township: Organisation
    today: dt.date
    campaign: Campaign | None = None
    phases: list[Phase] = field(default_factory=list)
    phase: Phase | None = None
    days_left: int | None = None
    milestones: list = field(default_factory=list)
    domains: list[DomainFigures] = field(default_factory=list)
    periods: StatusCounts = field(default_factory=StatusCounts)
    records: int = 0
    participants: int = 0
    units: list[UnitOwes] = field(default_factory=list)
    months_due: list[dt.date] = field(default_factory=list)
    trend_months: list[dt.date] = field(default_factory=list)
    trend_types: list[tuple[str, str]] = field(default_factory=list)
    # trend[month][type] = (records, participants)
    trend: dict = field(default_factory=dict)
    rectifications_known: bool = False

    @property
    def owing_units(self) -> list[UnitOwes]:
        return [u for u in self.units if u.total]

    def trend_rows(self) -> list[dict]:
        rows = []
        for month in self.trend_months:
            per_type = self.trend.get(month, {})
            cells = [(code, per_type.get(code, (0, 0))[0]) for code, _label in self.trend_types]
            rows.append({"month": month, "cells": cells, "total": sum(n for _c, n in cells)})
        return rows


def campaign_for(township: Organisation, today: dt.date) -> Campaign | None:
    """The township's campaign for this year, else its latest one."""
    from dashboard.access import pick_campaign

    return pick_campaign(
        list(Campaign.objects.filter(township=township).order_by("-year")[:5]), today
    )


def phase_for(phases: list[Phase], today: dt.date) -> Phase | None:
    for phase in phases:
        if phase.start_date <= today <= phase.end_date:
            return phase
    return None


NOT_GIVEN = object()


def township_figures(township: Organisation, today: dt.date, campaign=NOT_GIVEN) -> TownshipFigures:
    """The township's dashboard; pass `campaign` when it is already known (saves a query)."""
    figures = TownshipFigures(township=township, today=today)
    if campaign is NOT_GIVEN:
        campaign = campaign_for(township, today)
    if campaign is None:
        return figures
    figures.campaign = campaign
    figures.phases = list(campaign.phases.all())
    figures.phase = phase_for(figures.phases, today)
    if figures.phase is not None:
        figures.days_left = (figures.phase.end_date - today).days
    figures.milestones = list(
        campaign.milestones.filter(due_date__gte=today).select_related("phase")[
            :UPCOMING_MILESTONES
        ]
    )

    domains = [
        cd.domain
        for cd in CampaignDomain.objects.filter(campaign=campaign).select_related("domain")
    ]
    if not domains:
        domains = list(Domain.objects.filter(is_default=True))
    by_domain = {d.pk: DomainFigures(domain=d) for d in domains}
    # Months without a monthly report: as in the ledger's monthly report (activities.ledger),
    # a unit has reported a month when it has an approved record dated in it. Only months
    # whose report day has passed are owed. Counted in the same query as the units.
    figures.months_due = months_reports_due(campaign, today)
    units_qs = Organisation.objects.units().filter(township=township, is_active=True)
    if figures.months_due:
        first = figures.months_due[0]
        after = (figures.months_due[-1] + dt.timedelta(days=32)).replace(day=1)
        units_qs = units_qs.annotate(
            reported=Count(
                TruncMonth("records__date"),
                distinct=True,
                filter=Q(
                    records__campaign=campaign,
                    records__status=ActivityRecord.Status.APPROVED,
                    records__date__gte=first,
                    records__date__lt=after,
                ),
            )
        )
    units = {}
    for unit in units_qs:
        units[unit.pk] = UnitOwes(
            unit=unit, missing_months=len(figures.months_due) - getattr(unit, "reported", 0)
        )

    # Task periods: done / open / overdue per domain, overdue per lead unit.
    for row in period_rows(TaskPeriod.objects.filter(task__campaign=campaign)):
        status = period_status(row, today)
        figures.periods.add(status)
        domain_figures = by_domain.get(row["task__domain_id"])
        if domain_figures is not None:
            domain_figures.periods.add(status)
        if status == OVERDUE and row["task__lead_unit_id"] in units:
            units[row["task__lead_unit_id"]].overdue_periods += 1

    # Approved records by month, type and domain: feeds the domain bars and the trend.
    trend_rows = (
        ActivityRecord.objects.filter(campaign=campaign, status=ActivityRecord.Status.APPROVED)
        .annotate(month=TruncMonth("date"))
        .values("month", "type", "domain_id")
        .annotate(n=Count("id"), people=Sum("participants"))
        .order_by()
    )
    trend: dict = defaultdict(lambda: defaultdict(lambda: (0, 0)))
    for row in trend_rows:
        month = as_date(row["month"])
        n, people = row["n"], row["people"] or 0
        before = trend[month][row["type"]]
        trend[month][row["type"]] = (before[0] + n, before[1] + people)
        figures.records += n
        figures.participants += people
        domain_figures = by_domain.get(row["domain_id"])
        if domain_figures is not None:
            domain_figures.records += n
            domain_figures.participants += people
    last_month = min(max(today, campaign.start_date), campaign.end_date)
    figures.trend_months = month_starts(campaign.start_date, last_month)
    figures.trend = {m: dict(v) for m, v in trend.items()}
    used = {code for per_type in trend.values() for code in per_type}
    figures.trend_types = [(code, label) for code, label in ActivityType.choices if code in used]
    figures.domains = list(by_domain.values())

    figures.units = sorted(
        units.values(),
        key=lambda u: (-u.total, -u.overdue_periods, -u.missing_months, u.unit.name),
    )
    return figures


# --- the district dashboard ----------------------------------------------------------------------


@dataclass
class TownshipRow:
    township: Organisation
    campaign: Campaign | None = None
    phase: Phase | None = None
    days_left: int | None = None
    periods: StatusCounts = field(default_factory=StatusCounts)
    by_domain: dict[int, StatusCounts] = field(default_factory=dict)
    records: int = 0

    def domain_cells(self, domains: list[Domain]) -> list[StatusCounts]:
        return [self.by_domain.get(d.pk, StatusCounts()) for d in domains]


@dataclass
class DistrictFigures:
    district: Organisation
    today: dt.date
    domains: list[Domain] = field(default_factory=list)
    rows: list[TownshipRow] = field(default_factory=list)
    periods: StatusCounts = field(default_factory=StatusCounts)


def district_figures(district: Organisation, today: dt.date) -> DistrictFigures:
    figures = DistrictFigures(district=district, today=today)
    figures.domains = list(Domain.objects.filter(is_default=True))
    rows = {
        t.pk: TownshipRow(township=t)
        for t in Organisation.objects.townships().filter(district=district).order_by("name")
    }
    campaigns = {}
    for campaign in Campaign.objects.filter(township__in=rows.keys()).order_by("year"):
        # the campaign of this year wins, else the latest one
        current = campaigns.get(campaign.township_id)
        if current is None or current.year != today.year:
            campaigns[campaign.township_id] = campaign
    for township_id, campaign in campaigns.items():
        rows[township_id].campaign = campaign
    campaign_township = {c.pk: c.township_id for c in campaigns.values()}

    for phase in Phase.objects.filter(
        campaign__in=campaign_township.keys(), start_date__lte=today, end_date__gte=today
    ).order_by("order"):
        row = rows[campaign_township[phase.campaign_id]]
        if row.phase is None:
            row.phase = phase
            row.days_left = (phase.end_date - today).days

    for period in period_rows(
        TaskPeriod.objects.filter(task__campaign__in=campaign_township.keys())
    ):
        row = rows[campaign_township[period["task__campaign_id"]]]
        status = period_status(period, today)
        row.periods.add(status)
        figures.periods.add(status)
        row.by_domain.setdefault(period["task__domain_id"], StatusCounts()).add(status)

    counts = (
        ActivityRecord.objects.filter(
            campaign__in=campaign_township.keys(), status=ActivityRecord.Status.APPROVED
        )
        .values("campaign_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for count in counts:
        rows[campaign_township[count["campaign_id"]]].records = count["n"]
    figures.rows = list(rows.values())
    return figures
