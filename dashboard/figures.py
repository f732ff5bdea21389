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

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    CharField,
    Count,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from activities import measures
from activities.types import ActivityType
from campaigns.models import ALL_DONE, Campaign, CampaignDomain, Milestone, Phase, TaskTally
from config.sqlrows import as_date, columns
from dashboard.metrics import DONE, OVERDUE, TaskCounts, counts_from
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


def union_rows(*parts) -> list[tuple]:
    """Several small grouped queries in one round trip: `parts` are (label, values queryset);
    each row comes back as (label, *that queryset's columns) — shorter rows padded with NULL at
    the end. A part that cannot match anything (an empty `__in`) is left out."""
    widths, selects, params = [], [], []
    for label, queryset in parts:
        assert label.isidentifier(), label  # written into the SQL: code constants only
        query = queryset.query
        width = len(query.values_select) + len(query.annotation_select) + len(query.extra_select)
        try:
            sql, part_params = query.sql_with_params()
        except EmptyResultSet:
            continue
        widths.append(width)
        selects.append((label, sql))
        params.extend(part_params)
    if not selects:
        return []
    total = max(widths)
    sql = " UNION ALL ".join(
        f"SELECT '{label}', q{i}.*{', NULL' * (total - width)} FROM ({part}) q{i}"  # noqa: S608
        for i, ((label, part), width) in enumerate(zip(selects, widths, strict=True))
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


# --- the township dashboard ----------------------------------------------------------------------


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
    # the activity types with records, in ActivityType's order (codes: the labels are worded in
    # the reader's language when shown, and lazy labels cost more to unpickle than to word)
    trend_codes: list[str] = field(default_factory=list)
    # trend[month][type] = (records, participants)
    trend: dict = field(default_factory=dict)
    # What the approved records add up to in each type's measure: [{"type", "quantity", "measure"}]
    quantities: list[dict] = field(default_factory=list)
    cache_key: str = ""  # set by dashboard.cached: the page's tables are cached under it too

    @property
    def trend_types(self) -> list[tuple[str, str]]:
        """(code, label) of each type in the trend."""
        return [(code, ActivityType(code).label) for code in self.trend_codes]

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
            cells = [(code, per_type.get(code, (0, 0))[0]) for code in self.trend_codes]
            rows.append({"month": month, "cells": cells, "total": sum(n for _c, n in cells)})
        return rows


def phase_for(phases: list[Phase], today: dt.date) -> Phase | None:
    for phase in phases:
        if phase.start_date <= today <= phase.end_date:
            return phase
    return None


def outline(campaign: Campaign, today: dt.date) -> tuple[list[Phase], list[Milestone], list]:
    """The campaign's phases, its milestones still to come and its domains (in the campaign's
    order), read in one UNION query.

    All three are a handful of rows; one query instead of three keeps the page within its
    budget, and plain SQL costs a fraction of building the ORM's UNION on every cold load.
    """
    q = connection.ops.quote_name
    phase, milestone = Phase._meta.db_table, Milestone._meta.db_table
    chosen, domain = CampaignDomain._meta.db_table, Domain._meta.db_table
    # row, pk, name, start, end, order, other (phase id, domain order), rank, code
    sql = f"""
        SELECT 'phase', id, name, start_date, end_date, {q("order")}, id, 0, ''
        FROM {phase} WHERE campaign_id = %s
        UNION ALL
        SELECT 'milestone', id, title, due_date, due_date, 0, phase_id, 0, ''
        FROM {milestone} WHERE campaign_id = %s AND due_date >= %s
        UNION ALL
        SELECT 'domain', d.id, d.name, NULL, NULL, c.{q("order")}, d.{q("order")}, c.id, d.code
        FROM {chosen} c JOIN {domain} d ON d.id = c.domain_id WHERE c.campaign_id = %s
    """  # noqa: S608 (table names from the models; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [campaign.pk, campaign.pk, today, campaign.pk])
        rows = cursor.fetchall()
    found_phases, found_milestones, found_domains = [], [], []
    for row, pk, name, start, end, order, other, rank, code in rows:
        if row == "phase":
            found_phases.append(
                Phase(
                    pk=pk,
                    campaign=campaign,
                    name=name,
                    start_date=as_date(start),
                    end_date=as_date(end),
                    order=order,
                )
            )
        elif row == "milestone":
            found_milestones.append((pk, name, as_date(start), other))
        else:
            found_domains.append(
                ((order, other, rank), Domain(pk=pk, name=name, code=code, order=other))
            )
    found_phases.sort(key=lambda p: p.order)
    by_id = {p.pk: p for p in found_phases}
    found_milestones.sort(key=lambda m: (m[2], m[0]))
    found_domains.sort(key=lambda d: d[0])
    return (
        found_phases,
        [
            Milestone(
                pk=pk, campaign=campaign, title=title, due_date=due, phase=by_id.get(phase_id)
            )
            for pk, title, due, phase_id in found_milestones[:UPCOMING_MILESTONES]
        ],
        [domain for _key, domain in found_domains],
    )


UNIT_ROW = (
    "pk",
    "name",
    "is_active",
    "township_id",
    "domain_id",
    "total",
    "done",
    "overdue",
    "open_rect",
    "overdue_rect",
    "submitted",
    "late",
)


def units_and_tasks(township, campaign, today: dt.date, months_due: list[dt.date]) -> list[dict]:
    """The township's active units, each with the tasks it leads counted per domain (total,
    done, overdue: `dashboard.metrics.task_q`) from the stored task tally
    (`campaigns.models.TaskTally`, a few rows per unit whatever the number of tasks), its open
    and overdue rectifications of the campaign and its monthly reports of the due months
    submitted (and of those, late): one query, with the keys of `UNIT_ROW`.

    One row per (unit, domain of a task it leads); a unit that leads nothing has one row with
    domain None. Any unit leading a task of the campaign is included (so that every task
    counts, as on every other page), wherever it sits.

    Plain SQL: the dashboard reads it on every cold load, and the ORM spent longer building
    the query than the database spent answering it.
    """
    from assessments.models import open_per_unit_sql
    from monthly.models import MonthlyReport

    unit, tally = Organisation._meta.db_table, TaskTally._meta.db_table
    report = MonthlyReport._meta.db_table
    months = ", ".join(["%s"] * len(months_due)) or "NULL"
    rects, rect_params = open_per_unit_sql("campaign_id = %s", [campaign.pk], today)
    sql = f"""
        WITH tasks AS (  -- done and overdue as tally_q counts them
            SELECT o.id, o.name, o.is_active, o.township_id, t.domain_id,
                COALESCE(SUM(t.tasks), 0) AS total,
                COALESCE(SUM(CASE WHEN t.open_due = %s THEN t.tasks ELSE 0 END), 0) AS done,
                COALESCE(SUM(CASE WHEN t.open_due < %s THEN t.tasks ELSE 0 END), 0) AS overdue
            FROM {unit} o LEFT JOIN {tally} t ON t.unit_id = o.id AND t.campaign_id = %s
            WHERE (o.is_active AND o.level = %s AND o.township_id = %s)
                OR o.id IN (SELECT unit_id FROM {tally} WHERE campaign_id = %s AND tasks <> 0)
            GROUP BY o.id, o.name, o.is_active, o.township_id, t.domain_id),
        rects AS ({rects}),
        reports AS (
            SELECT unit_id, COUNT(*) AS n,
                SUM(CASE WHEN first_submitted_on > due_on THEN 1 ELSE 0 END) AS late
            FROM {report} WHERE campaign_id = %s AND first_submitted_on IS NOT NULL
                AND month IN ({months}) GROUP BY unit_id)
        SELECT tasks.*, COALESCE(r.n, 0), COALESCE(r.late, 0), COALESCE(m.n, 0),
            COALESCE(m.late, 0)
        FROM tasks LEFT JOIN rects r ON r.unit_id = tasks.id
        LEFT JOIN reports m ON m.unit_id = tasks.id
    """  # noqa: S608 (table names from the models; values are parameters)
    params = [ALL_DONE, today, campaign.pk, Organisation.Level.UNIT, township.pk, campaign.pk]
    params += [*rect_params, campaign.pk, *months_due]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [dict(zip(UNIT_ROW, row, strict=True)) for row in cursor.fetchall()]


def tally_q(status: str, today: dt.date) -> Q:
    """`dashboard.metrics.task_q` on the task tally, whose open_due is `ALL_DONE` (not NULL)
    for tasks whose every period is done. `units_and_tasks` says the same in its SQL."""
    if status == DONE:
        return Q(open_due=ALL_DONE)
    if status == OVERDUE:
        return Q(open_due__lt=today)
    return Q(open_due__gte=today) & ~Q(open_due=ALL_DONE)


def ledger_rows(campaign, township_id: int, unit_ids, year: int):
    """One query for the township's approved-record figures, from the tallies:

    * ("campaign", None, domain, month, type, records, participants, quantity) — the campaign's
      records by domain, month and type (the domain bars, the trend, the quantities);
    * ("ledger", unit, domain, None, type, records, …) — the approved records of these units in
      `year`, by type and domain (what assessments.readiness scores the sites' automatic items
      from, as `assessments.scoring.LedgerCounts.load` would read them);
    * ("measure", …, type, …, verb, noun, unit) — the township's wording of each type's measure
      (`activities.measures`).

    Plain SQL with UNION ALL (the ORM cannot align the three parts' columns).
    """
    from activities.models import ActivityMeasure

    tally = RecordTally._meta.db_table
    measure = ActivityMeasure._meta.db_table
    parts = [
        f"SELECT 'campaign', NULL, domain_id, month, type, SUM(records), SUM(participants), "  # noqa: S608
        f"SUM(quantity), NULL, NULL, NULL FROM {tally} WHERE campaign_id = %s "
        f"GROUP BY domain_id, month, type"
    ]
    params: list = [campaign.pk]
    units = sorted(unit_ids)
    if units:
        parts.append(
            f"SELECT 'ledger', unit_id, domain_id, NULL, type, SUM(records), NULL, NULL, NULL, "  # noqa: S608
            f"NULL, NULL FROM {tally} WHERE unit_id IN ({', '.join(['%s'] * len(units))}) "
            f"AND month >= %s AND month <= %s GROUP BY unit_id, domain_id, type"
        )
        params += [*units, dt.date(year, 1, 1), dt.date(year, 12, 31)]
    parts.append(
        f"SELECT 'measure', NULL, NULL, NULL, type, NULL, NULL, NULL, verb, noun, unit "  # noqa: S608
        f"FROM {measure} WHERE township_id = %s"
    )
    params.append(township_id)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return cursor.fetchall()


NOT_GIVEN = object()


def township_figures(township: Organisation, today: dt.date, campaign=NOT_GIVEN) -> TownshipFigures:
    """The township's dashboard. `campaign` may be passed when already read (dashboard.access
    does)."""
    figures = TownshipFigures(township=township, today=today)
    if campaign is NOT_GIVEN:
        campaign = campaign_for(township, today)
    if campaign is None:
        return figures
    figures.campaign = campaign
    figures.phases, figures.milestones, domains = outline(campaign, today)
    figures.phase = phase_for(figures.phases, today)
    if figures.phase is not None:
        figures.days_left = (figures.phase.end_date - today).days

    by_domain = {domain.pk: DomainFigures(domain=domain) for domain in domains}

    # Sites first (their units' ledger is read with the campaign's tallies below), then the
    # approved records from the tallies (dashboard.tallies keeps them equal to the records):
    # the domain bars, the trend by month and type, the sites' automatic scores.
    from assessments import scoring
    from assessments.readiness import pending_for_campaign

    pending = pending_for_campaign(campaign, today=today)
    figures.months_due = months_reports_due(campaign, today)
    trend: dict = defaultdict(lambda: defaultdict(lambda: (0, 0)))
    amounts: dict[str, int] = defaultdict(int)
    wording: dict[str, tuple[str, str, str]] = {}
    wanted = pending.unit_ids if pending.auto_items else set()
    ledger = scoring.LedgerCounts(defaultdict(list), defaultdict(list)) if wanted else None
    for kind, unit_id, domain_id, month, type_, n, people, amount, *words in ledger_rows(
        campaign, township.pk, wanted, campaign.year
    ):
        if kind == "measure":
            wording[type_] = tuple(words)
        elif kind == "ledger":
            ledger.by_unit[unit_id].append((type_, domain_id, int(n)))
        else:
            # plain SQL: SUM of a bigint comes back as a Decimal on PostgreSQL
            n, people, amount = int(n), int(people), int(amount)
            month = as_date(month)
            amounts[type_] += amount
            before = trend[month][type_]
            trend[month][type_] = (before[0] + n, before[1] + people)
            figures.records += n
            figures.participants += people
            domain_figures = by_domain.get(domain_id)
            if domain_figures is not None:
                domain_figures.records += n
                domain_figures.participants += people
    if ledger is not None and scoring.uses_positions(pending.auto_items):
        ledger._load_positions(campaign.year, wanted, set())
    last_month = min(max(today, campaign.start_date), campaign.end_date)
    figures.trend_months = month_starts(campaign.start_date, last_month)
    figures.trend = {m: dict(v) for m, v in trend.items()}
    used = {code for per_type in trend.values() for code in per_type}
    figures.trend_codes = [code for code in ActivityType.values if code in used]
    if amounts:
        table = measures.measures_for(None)
        for code, (verb, noun, unit) in wording.items():
            if code in table:
                table[code] = measures.Measure(
                    code, table[code].label, verb, noun, unit, customised=True
                )
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
                unit=columns(Organisation, "o", ("id", "name")).load((row["pk"], row["name"])),
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
            domain_figures = by_domain.get(row["domain_id"])
            if domain_figures is not None:
                domain_figures.tasks.add(counts)
    figures.units = sorted(
        units.values(),
        key=lambda u: (-u.total, -u.overdue_rectifications, -u.overdue_tasks, u.unit.name),
    )
    figures.domains = list(by_domain.values())

    # Sites: readiness against the district's criteria set (assessments.readiness).
    figures.sites = pending.result(ledger)
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
    # Each township's campaign with its current phase (subqueries on a handful of rows).
    current = Phase.objects.filter(
        campaign=OuterRef("pk"), start_date__lte=today, end_date__gte=today
    ).order_by("order", "pk")
    campaigns = {}
    for campaign in (
        Campaign.objects.filter(township__district=district)
        .annotate(
            phase_pk=Subquery(current.values("pk")[:1]),
            phase_name=Subquery(current.values("name")[:1]),
            phase_start=Subquery(current.values("start_date")[:1]),
            phase_end=Subquery(current.values("end_date")[:1]),
        )
        .order_by("year")
    ):
        # the campaign of this year wins, else the latest one
        chosen = campaigns.get(campaign.township_id)
        if chosen is None or chosen.year != today.year:
            campaigns[campaign.township_id] = campaign
    for township_id, campaign in campaigns.items():
        row = rows.get(township_id)
        if row is None:
            continue
        row.campaign = campaign
        if campaign.phase_pk is not None:
            start, end = as_date(campaign.phase_start), as_date(campaign.phase_end)
            row.phase = Phase(
                pk=campaign.phase_pk,
                campaign=campaign,
                name=campaign.phase_name,
                start_date=start,
                end_date=end,
            )
            row.days_left = (end - today).days
    campaign_township = {c.pk: c.township_id for c in campaigns.values() if c.township_id in rows}
    campaign_ids = list(campaign_township)

    # Tasks per campaign and domain (dashboard.metrics' statuses), from the stored task tally,
    # and approved records per campaign from the record tallies: one query.
    tasks_and_records = union_rows(
        (
            "tasks",
            TaskTally.objects.filter(campaign__in=campaign_ids)
            .values("campaign_id", "domain_id")
            .annotate(
                total=Coalesce(Sum("tasks"), 0),
                done=Coalesce(Sum("tasks", filter=tally_q(DONE, today)), 0),
                overdue=Coalesce(Sum("tasks", filter=tally_q(OVERDUE, today)), 0),
            )
            .order_by(),
        ),
        (
            "records",
            RecordTally.objects.filter(campaign__in=campaign_ids)
            .values("campaign_id")
            .annotate(n=Sum("records"))
            .order_by(),
        ),
    )
    for kind, campaign_id, *values in tasks_and_records:
        row = rows[campaign_township[campaign_id]]
        if kind == "records":
            row.records = int(values[0] or 0)
            continue
        domain_id, total, done, overdue = values
        if not total:
            continue
        counts = counts_from({"total": int(total), "done": int(done), "overdue": int(overdue)})
        row.by_domain[domain_id] = counts
        row.tasks.add(counts)
        figures.tasks.add(counts)

    # Sites by township, level and status, and open rectifications by township: one query.
    sites_and_rectifications = union_rows(
        (
            "sites",
            Site.objects.filter(district=district)
            .values("township_id", "level", "status")
            .annotate(n=Count("pk"))
            .order_by(),
        ),
        (
            "rectifications",
            Rectification.objects.open()
            .filter(campaign__in=campaign_ids)
            # the same column types as the sites' rows: township, two texts, counts
            .annotate(no_level=Value("", CharField()), no_status=Value("", CharField()))
            .values("township_id", "no_level", "no_status")
            .annotate(n=Count("pk"), late=Count("pk", filter=Q(deadline__lt=today)))
            .order_by(),
        ),
    )
    for kind, township_id, *values in sites_and_rectifications:
        row = rows.get(township_id)
        if kind == "rectifications":
            if row is not None:
                row.open_rectifications, row.overdue_rectifications = values[2], values[3]
            continue
        level, status, n, _padding = values
        if row is not None:
            row.sites.add(status, level, n)
            figures.sites.add(status, level, n)

    figures.rows = list(rows.values())
    return figures
