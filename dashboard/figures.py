"""The figures behind the acceptance dashboard, computed from the rows in a fixed number of queries.

`township_figures(township, today)` answers "will we pass, and who is holding us back?" for one
township's campaign; `district_figures(district, today)` puts a district's townships side by
side. Every figure is an aggregate query over the rows, grouped in SQL and folded in Python, so
the number of queries does not grow with the data. Tasks are counted as tasks (not task
periods) with the statuses `dashboard.metrics` defines, from `Task.open_due`, which
campaigns.progress keeps equal to the approved records; monthly reports come from the units'
submissions (`monthly`); every linked figure opens the list `dashboard.metrics.link` names.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    CharField,
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)

from activities import measures
from activities.types import ActivityType
from campaigns.models import Campaign, CampaignDomain, Milestone, Phase, Task
from dashboard.metrics import TaskCounts, counts_from, task_count_kwargs, task_q
from dashboard.models import RecordTally
from organisations.models import Domain, Organisation

UPCOMING_MILESTONES = 5


# --- task periods -------------------------------------------------------------------------------


# --- months and monthly reports ------------------------------------------------------------------


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    months, cursor = [], first.replace(day=1)
    while cursor <= last:
        months.append(cursor)
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    return months


def months_reports_due(campaign: Campaign, today: dt.date) -> list[dt.date]:
    """The campaign months whose monthly report is due (monthly.due: whole months only, report
    day of the next month passed)."""
    from monthly.due import due_months

    return due_months(campaign, today)


def as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


# --- counting in subqueries ----------------------------------------------------------------------


class PerGroupSubquery(Subquery):
    """A correlated subquery that stays out of GROUP BY: in a grouped query it is evaluated
    once per group (its outer reference is a grouped column), not once per joined row."""

    def get_group_by_cols(self):
        return []


def count_of(queryset, expression=None, *, distinct: bool = False):
    """A correlated COUNT subquery (0 when nothing matches), to annotate onto outer rows."""
    template = "COUNT(DISTINCT %(expressions)s)" if distinct else "COUNT(%(expressions)s)"
    counted = queryset.order_by().annotate(
        n=Func(expression or F("pk"), template=template, output_field=IntegerField())
    )
    # an aggregate without GROUP BY always gives one row: no COALESCE needed
    return PerGroupSubquery(counted.values("n")[:1], output_field=IntegerField())


# --- the township dashboard ----------------------------------------------------------------------


def township_campaign_domains(township_id: int, campaign_id=None) -> list[CampaignDomain]:
    """The domains of the township's campaigns (all years, or one campaign), each with its
    campaign and township: one query (dashboard.access reads the campaign through it)."""
    rows = CampaignDomain.objects.filter(campaign__township_id=township_id)
    if campaign_id is not None:
        rows = rows.filter(campaign_id=campaign_id)
    return list(
        rows.select_related("campaign__township", "domain").order_by(
            "-campaign__year", "order", "domain__order", "pk"
        )
    )


@dataclass
class DomainFigures:
    domain: Domain
    tasks: TaskCounts = field(default_factory=TaskCounts)
    records: int = 0
    participants: int = 0


@dataclass
class UnitOwes:
    unit: Organisation
    overdue_tasks: int = 0  # tasks it leads with an overdue period
    missing_reports: int = 0  # monthly reports due and not submitted
    late_reports: int = 0  # submitted after the report day (not owed any more: shown apart)
    open_rectifications: int = 0
    overdue_rectifications: int = 0

    @property
    def total(self) -> int:
        # an overdue rectification is also open: it counts once
        return self.overdue_tasks + self.missing_reports + self.open_rectifications


@dataclass
class TownshipFigures:
    township: Organisation
    today: dt.date
    campaign: Campaign | None = None
    phases: list[Phase] = field(default_factory=list)
    phase: Phase | None = None
    days_left: int | None = None
    milestones: list[Milestone] = field(default_factory=list)
    domains: list[DomainFigures] = field(default_factory=list)
    tasks: TaskCounts = field(default_factory=TaskCounts)
    records: int = 0
    participants: int = 0
    sites: list = field(default_factory=list)  # assessments.readiness.SiteReadiness
    units: list[UnitOwes] = field(default_factory=list)
    months_due: list[dt.date] = field(default_factory=list)
    trend_months: list[dt.date] = field(default_factory=list)
    trend_types: list[tuple[str, str]] = field(default_factory=list)
    # trend[month][type] = (records, participants)
    trend: dict = field(default_factory=dict)
    # What the approved records add up to in each type's measure: [{"type", "quantity", "measure"}]
    quantities: list[dict] = field(default_factory=list)
    cache_key: str = ""  # set by dashboard.cached: the page's tables are cached under it too

    @property
    def owing_units(self) -> list[UnitOwes]:
        """Only the units that owe something, worst first."""
        return [u for u in self.units if u.total]

    @property
    def verdict(self):
        from dashboard.metrics import verdict

        return verdict(self.sites, self.owing_units)

    @property
    def sites_ready(self) -> int:
        return sum(1 for s in self.sites if s.status == "ready")

    @property
    def open_rectifications(self) -> int:
        return sum(u.open_rectifications for u in self.units)

    @property
    def overdue_rectifications(self) -> int:
        return sum(u.overdue_rectifications for u in self.units)

    def trend_rows(self) -> list[dict]:
        rows = []
        for month in self.trend_months:
            per_type = self.trend.get(month, {})
            cells = [(code, per_type.get(code, (0, 0))[0]) for code, _label in self.trend_types]
            rows.append({"month": month, "cells": cells, "total": sum(n for _c, n in cells)})
        return rows


def phase_for(phases: list[Phase], today: dt.date) -> Phase | None:
    for phase in phases:
        if phase.start_date <= today <= phase.end_date:
            return phase
    return None


def outline(campaign: Campaign, today: dt.date) -> tuple[list[Phase], list[Milestone]]:
    """The campaign's phases and its milestones still to come, read in one UNION query.

    Both are a handful of rows; one query instead of two keeps the page within its budget.
    """
    text, number = CharField(), IntegerField()
    phases = (
        Phase.objects.filter(campaign=campaign)
        .annotate(row=Value("phase", output_field=text))
        .values_list("row", "pk", "name", "start_date", "end_date", "order", "pk")
        .order_by()
    )
    milestones = (
        Milestone.objects.filter(campaign=campaign, due_date__gte=today)
        .annotate(row=Value("milestone", output_field=text), rank=Value(0, output_field=number))
        .values_list("row", "pk", "title", "due_date", "due_date", "rank", "phase_id")
        .order_by()
    )
    found_phases, found_milestones = [], []
    for row, pk, name, start, end, order, phase_id in phases.union(milestones, all=True):
        start, end = as_date(start), as_date(end)
        if row == "phase":
            found_phases.append(
                Phase(
                    pk=pk, campaign=campaign, name=name, start_date=start, end_date=end, order=order
                )
            )
        else:
            found_milestones.append((pk, name, start, phase_id))
    found_phases.sort(key=lambda p: p.order)
    by_id = {p.pk: p for p in found_phases}
    found_milestones.sort(key=lambda m: (m[2], m[0]))
    return found_phases, [
        Milestone(pk=pk, campaign=campaign, title=title, due_date=due, phase=by_id.get(phase_id))
        for pk, title, due, phase_id in found_milestones[:UPCOMING_MILESTONES]
    ]


def units_and_tasks(township, campaign, today: dt.date, months_due: list[dt.date]) -> list[dict]:
    """The township's active units, each with the tasks it leads counted per domain (total,
    done, overdue: `dashboard.metrics.task_q`), its open and overdue rectifications and its
    monthly reports of the due months submitted (and of those, late): one query.

    One row per (unit, domain of a task it leads); a unit that leads nothing has one row with
    domain None.
    """
    from assessments.models import Rectification
    from monthly.models import MonthlyReport

    mine = Rectification.objects.filter(campaign=campaign, unit=OuterRef("pk"))
    reports = MonthlyReport.objects.submitted().filter(
        campaign=campaign, unit=OuterRef("pk"), month__in=months_due
    )
    in_campaign = Q(led_tasks__campaign=campaign)
    return list(
        Organisation.objects.filter(
            # the township's active units, and any unit leading a task of the campaign (so
            # that every task counts, as on every other page)
            Q(level=Organisation.Level.UNIT, township=township, is_active=True)
            | Q(pk__in=Task.objects.filter(campaign=campaign).values("lead_unit_id"))
        )
        .values("pk", "name", "is_active", "township_id", "led_tasks__domain_id")
        .annotate(
            total=Count("led_tasks", filter=in_campaign),
            done=Count("led_tasks", filter=in_campaign & task_q("done", today, "led_tasks__")),
            overdue=Count(
                "led_tasks", filter=in_campaign & task_q("overdue", today, "led_tasks__")
            ),
        )
        # after the grouping: evaluated once per group, not once per joined task
        .annotate(
            open_rect=count_of(mine.open()),
            overdue_rect=count_of(mine.overdue(today)),
            **(
                {
                    "submitted": count_of(reports),
                    "late": count_of(reports.filter(first_submitted_on__gt=F("due_on"))),
                }
                if months_due
                else {"submitted": Value(0), "late": Value(0)}
            ),
        )
        .order_by()
    )


NOT_GIVEN = object()


def township_figures(
    township: Organisation, today: dt.date, campaign=NOT_GIVEN, campaign_domains=None
) -> TownshipFigures:
    """The township's dashboard. `campaign` and `campaign_domains` (from
    `township_campaign_domains`) may be passed when already read (dashboard.access does)."""
    from assessments.readiness import site_readiness

    figures = TownshipFigures(township=township, today=today)
    if campaign is NOT_GIVEN:
        campaign = campaign_for(township, today)
    if campaign is None:
        return figures
    figures.campaign = campaign
    figures.phases, figures.milestones = outline(campaign, today)
    figures.phase = phase_for(figures.phases, today)
    if figures.phase is not None:
        figures.days_left = (figures.phase.end_date - today).days

    if campaign_domains is None:
        campaign_domains = township_campaign_domains(township.pk, campaign.pk)
    by_domain = {cd.domain_id: DomainFigures(domain=cd.domain) for cd in campaign_domains}

    # Approved records from the tallies (dashboard.tallies keeps them equal to the records):
    # the domain bars and the trend by month and type.
    figures.months_due = months_reports_due(campaign, today)
    trend: dict = defaultdict(lambda: defaultdict(lambda: (0, 0)))
    tallies = RecordTally.objects.filter(campaign=campaign).values_list(
        "domain_id", "month", "type", "records", "participants", "quantity"
    )
    amounts: dict[str, int] = defaultdict(int)
    for domain_id, month, type_, n, people, amount in tallies:
        amounts[type_] += amount
        before = trend[month][type_]
        trend[month][type_] = (before[0] + n, before[1] + people)
        figures.records += n
        figures.participants += people
        domain_figures = by_domain.get(domain_id)
        if domain_figures is not None:
            domain_figures.records += n
            domain_figures.participants += people
    last_month = min(max(today, campaign.start_date), campaign.end_date)
    figures.trend_months = month_starts(campaign.start_date, last_month)
    figures.trend = {m: dict(v) for m, v in trend.items()}
    used = {code for per_type in trend.values() for code in per_type}
    figures.trend_types = [(code, label) for code, label in ActivityType.choices if code in used]
    if amounts:
        table = measures.measures_for(township.pk)
        figures.quantities = [
            {"type": code, "quantity": amounts[code], "measure": table[code]}
            for code in ActivityType.values
            if amounts.get(code)
        ]

    # Tasks per domain (done / open / overdue) and units ranked by what they owe: tasks they
    # lead with an overdue period, monthly reports due and not submitted (monthly.due), open
    # rectifications (overdue ones counted once).
    units: dict[int, UnitOwes] = {}
    n_due = len(figures.months_due)
    for row in units_and_tasks(township, campaign, today, figures.months_due):
        owes = units.get(row["pk"])
        if owes is None:
            owes = units[row["pk"]] = UnitOwes(
                unit=Organisation(pk=row["pk"], name=row["name"]),
                # reports are owed by the township's active units only
                missing_reports=n_due - row["submitted"]
                if row["is_active"] and row["township_id"] == township.pk
                else 0,
                late_reports=row["late"],
                open_rectifications=row["open_rect"],
                overdue_rectifications=row["overdue_rect"],
            )
        owes.overdue_tasks += row["overdue"]
        if row["total"]:
            counts = counts_from(row)
            figures.tasks.add(counts)
            domain_figures = by_domain.get(row["led_tasks__domain_id"])
            if domain_figures is not None:
                domain_figures.tasks.add(counts)
    figures.units = sorted(
        units.values(),
        key=lambda u: (-u.total, -u.overdue_rectifications, -u.overdue_tasks, u.unit.name),
    )
    figures.domains = list(by_domain.values())

    # Sites: readiness against the district's criteria set (assessments.readiness).
    figures.sites = site_readiness(campaign, today=today)
    return figures


def campaign_for(township: Organisation, today: dt.date) -> Campaign | None:
    """The township's campaign for this year, else its latest one."""
    from dashboard.access import pick_campaign

    return pick_campaign(
        list(
            Campaign.objects.filter(township=township)
            .select_related("township")
            .order_by("-year")[:5]
        ),
        today,
    )


# --- the district dashboard ----------------------------------------------------------------------

# Site statuses folded into the district table's columns.
SITE_IN_PROGRESS = "in_progress"
SITE_NAMED = "named"
SITE_RECTIFYING = "rectifying"
SITE_DELISTED = "delisted"
SITE_NOT_ACCEPTED = "not_accepted"


def site_column(status: str) -> str:
    from sites.models import Status

    if status in (Status.NAMED, Status.RECOMMENDED):
        return SITE_NAMED
    if status in (Status.REVIEW_DUE, Status.RECTIFYING):
        return SITE_RECTIFYING
    if status == Status.DELISTED:
        return SITE_DELISTED
    if status == Status.NOT_ACCEPTED:
        return SITE_NOT_ACCEPTED
    return SITE_IN_PROGRESS


@dataclass
class SiteCounts:
    in_progress: int = 0
    named: int = 0  # named and in good standing
    rectifying: int = 0  # named, but due for re-review or rectifying
    not_accepted: int = 0
    delisted: int = 0
    # named sites (named, review due, rectifying) by level code
    by_level: dict[str, int] = field(default_factory=dict)

    def add(self, status: str, level: str, n: int) -> None:
        column = site_column(status)
        setattr(self, column, getattr(self, column) + n)
        if column in (SITE_NAMED, SITE_RECTIFYING) and level:
            self.by_level[level] = self.by_level.get(level, 0) + n

    @property
    def total(self) -> int:
        return self.in_progress + self.named + self.rectifying + self.not_accepted + self.delisted

    def level_cells(self, levels) -> list[int]:
        return [self.by_level.get(code, 0) for code, _label in levels]


@dataclass
class TownshipRow:
    township: Organisation
    campaign: Campaign | None = None
    phase: Phase | None = None
    days_left: int | None = None
    tasks: TaskCounts = field(default_factory=TaskCounts)
    by_domain: dict[int, TaskCounts] = field(default_factory=dict)
    records: int = 0
    sites: SiteCounts = field(default_factory=SiteCounts)
    open_rectifications: int = 0
    overdue_rectifications: int = 0

    def domain_cells(self, domains: list[Domain]) -> list[TaskCounts]:
        return [self.by_domain.get(d.pk, TaskCounts()) for d in domains]


@dataclass
class DistrictFigures:
    district: Organisation
    today: dt.date
    domains: list[Domain] = field(default_factory=list)
    rows: list[TownshipRow] = field(default_factory=list)
    tasks: TaskCounts = field(default_factory=TaskCounts)
    sites: SiteCounts = field(default_factory=SiteCounts)
    levels: list = field(default_factory=list)  # sites.models.Level choices

    @property
    def overdue_rectifications(self) -> int:
        return sum(r.overdue_rectifications for r in self.rows)


def district_figures(district: Organisation, today: dt.date) -> DistrictFigures:
    """All townships of the district side by side. Seven queries whatever the district's size:
    domains, townships, campaigns, current phases, task periods (grouped in SQL), approved
    records per campaign, sites by township/level/status, rectifications by township."""
    from assessments.models import Rectification
    from sites.models import Level, Site

    figures = DistrictFigures(district=district, today=today, levels=Level.choices)
    figures.domains = list(Domain.objects.filter(is_default=True))
    rows = {
        t.pk: TownshipRow(township=t)
        for t in Organisation.objects.townships().filter(district=district).order_by("name")
    }
    campaigns = {}
    for campaign in Campaign.objects.filter(township__district=district).order_by("year"):
        # the campaign of this year wins, else the latest one
        current = campaigns.get(campaign.township_id)
        if current is None or current.year != today.year:
            campaigns[campaign.township_id] = campaign
    for township_id, campaign in campaigns.items():
        if township_id in rows:
            rows[township_id].campaign = campaign
    campaign_township = {c.pk: c.township_id for c in campaigns.values() if c.township_id in rows}
    campaign_ids = list(campaign_township)

    for phase in Phase.objects.filter(
        campaign__in=campaign_ids, start_date__lte=today, end_date__gte=today
    ).order_by("order"):
        row = rows[campaign_township[phase.campaign_id]]
        if row.phase is None:
            row.phase = phase
            row.days_left = (phase.end_date - today).days

    # Tasks per campaign and domain, counted in SQL (dashboard.metrics' statuses).
    grouped = (
        Task.objects.filter(campaign__in=campaign_ids)
        .values("campaign_id", "domain_id")
        .annotate(**task_count_kwargs(today))
        .order_by()
    )
    for group in grouped:
        row = rows[campaign_township[group["campaign_id"]]]
        counts = counts_from(group)
        row.by_domain[group["domain_id"]] = counts
        row.tasks.add(counts)
        figures.tasks.add(counts)

    for count in (
        RecordTally.objects.filter(campaign__in=campaign_ids)
        .values("campaign_id")
        .annotate(n=Sum("records"))
        .order_by()
    ):
        rows[campaign_township[count["campaign_id"]]].records = count["n"]

    for group in (
        Site.objects.filter(district=district)
        .values("township_id", "level", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        row = rows.get(group["township_id"])
        if row is not None:
            row.sites.add(group["status"], group["level"], group["n"])
            figures.sites.add(group["status"], group["level"], group["n"])

    for group in (
        Rectification.objects.open()
        .filter(campaign__in=campaign_ids)
        .values("township_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(deadline__lt=today)))
        .order_by()
    ):
        row = rows[group["township_id"]]
        row.open_rectifications, row.overdue_rectifications = group["n"], group["late"]

    figures.rows = list(rows.values())
    return figures
