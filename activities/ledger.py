"""Ledger queries (台账): what the approved records add up to.

Every figure here counts approved records only (`ActivityRecord.objects.counted()`), so a
record being edited after approval counts as approved until the edit is approved. The
dashboard, reports and reminders call these; each runs a fixed number of queries, whatever
the number of records:

* `counted_records(campaign, unit=None, domain=None)` — the queryset behind every figure
  (for drill-down lists).
* `summary(records)` → `Summary`: records, participants, `by_type` and `by_month` rows
  (1 query: one scan grouped four ways, see `_breakdowns`).
* `unit_ledger(campaign, unit)` → `Summary` of one unit (1 query).
* `domain_ledger(campaign, domain)` → `Summary` of one domain plus its `by_unit` rows
  (2 queries).
* `township_ledger(campaign)` → `Summary` of the whole campaign with `by_domain` and
  `by_unit` rows (3 queries).
* `totals_by_unit(campaign)` → {unit id: Totals} and `totals_by_domain(campaign)` →
  {domain id: Totals} (1 query each).
* `monthly_report(campaign, until=None)` → `MonthlyReport`, the 廉政信息月报: each unit's
  approved records per month from the campaign's first month to `until` (default: today),
  empty months flagged, and the township's completeness % per month (2 queries).
* `months_between(start, end)` → the first days of the months from start to end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from activities import measures
from activities.models import ActivityRecord
from activities.types import ActivityType
from config.sqlrows import as_date
from organisations.models import Domain, Organisation

TYPE_LABELS = dict(ActivityType.choices)


@dataclass
class Totals:
    records: int = 0
    participants: int = 0


@dataclass
class Summary:
    records: int = 0
    participants: int = 0
    # type, label, records, participants, quantity, measure (activities.measures.Measure)
    by_type: list[dict] = field(default_factory=list)
    by_month: list[dict] = field(default_factory=list)  # month (date), records, participants
    by_domain: list[dict] = field(default_factory=list)  # domain (Domain), records, participants
    by_unit: list[dict] = field(default_factory=list)  # unit (Organisation), records, participants


def counted_records(campaign, *, unit=None, domain=None) -> QuerySet[ActivityRecord]:
    records = ActivityRecord.objects.counted().filter(campaign=campaign)
    if unit is not None:
        records = records.filter(unit=unit)
    if domain is not None:
        records = records.filter(domain=domain)
    return records


def _sums(records, *group):
    return (
        records.order_by()
        .values(*group)
        .annotate(
            n=Count("*"),
            people=Coalesce(Sum("participants"), 0),
            amount=Coalesce(Sum("quantity"), 0),
        )
        .order_by(*group)
    )


KEYS = ("unit", "domain", "type", "month")


def _breakdowns(records) -> dict[str, dict]:
    """One scan of the records, summed four ways: {"unit"|"domain"|"type"|"month":
    {value: (records, participants, quantity)}}.

    On PostgreSQL one GROUPING SETS query returns the four groupings (a few dozen rows, with
    an index-only scan of `record_ledger_cover`); elsewhere a grouped query per
    (unit, domain, type, month) is summed in Python.
    """
    if connection.vendor == "postgresql":
        inner = records.order_by().values(
            "unit_id", "domain_id", "type", "date", "participants", "quantity"
        )
        sql, params = inner.query.sql_with_params()
        query = (
            "SELECT unit_id, domain_id, type, month, COUNT(*), COALESCE(SUM(participants), 0), "  # noqa: S608 - the inner SQL is Django's, with parameters
            "COALESCE(SUM(quantity), 0) "
            "FROM (SELECT unit_id, domain_id, type, participants, quantity, "
            f"date_trunc('month', date)::date AS month FROM ({sql}) AS r) AS s "
            "GROUP BY GROUPING SETS ((unit_id), (domain_id), (type), (month))"
        )
        result: dict[str, dict] = {key: {} for key in KEYS}
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            for unit, domain, kind, month, n, people, amount in cursor.fetchall():
                # Exactly one grouping column is set per row (none of them is ever NULL).
                for key, value in zip(KEYS, (unit, domain, kind, month), strict=True):
                    if value is not None:
                        result[key][value] = (n, people, amount)
        return result
    cube = list(
        _sums(records.annotate(month=TruncMonth("date")), "unit", "domain", "type", "month")
    )
    return {key: _rollup(cube, key) for key in KEYS}


def _rollup(cube: list[dict], key: str) -> dict:
    totals: dict = {}
    for row in cube:
        value = as_date(row[key]) if key == "month" else row[key]
        n, people, amount = totals.get(value, (0, 0, 0))
        totals[value] = (n + row["n"], people + row["people"], amount + row["amount"])
    return totals


def _summary_from(sums: dict[str, dict], township_id: int | None = None) -> Summary:
    result = Summary()
    table = measures.measures_for(township_id)
    for kind, (n, people, amount) in sums["type"].items():
        measure = table.get(kind) or measures.default(kind)
        result.by_type.append(
            {
                "type": kind,
                "label": TYPE_LABELS.get(kind, kind),
                "records": n,
                "participants": people,
                "quantity": amount,
                "measure": measure,
            }
        )
        result.records += n
        result.participants += people
    result.by_type.sort(key=lambda r: (-r["records"], r["type"]))
    result.by_month = [
        {"month": month, "records": n, "participants": people}
        for month, (n, people, _amount) in sorted(sums["month"].items())
    ]
    return result


def summary(records: QuerySet[ActivityRecord], township_id: int | None = None) -> Summary:
    """The figures of these records; quantities are worded in the township's measures."""
    return _summary_from(_breakdowns(records), township_id)


def unit_ledger(campaign, unit) -> Summary:
    return summary(counted_records(campaign, unit=unit), campaign.township_id)


def domain_ledger(campaign, domain) -> Summary:
    sums = _breakdowns(counted_records(campaign, domain=domain))
    result = _summary_from(sums, campaign.township_id)
    result.by_unit = _by_unit(sums["unit"])
    return result


def township_ledger(campaign) -> Summary:
    sums = _breakdowns(counted_records(campaign))
    result = _summary_from(sums, campaign.township_id)
    by_domain = sums["domain"]
    # The campaign's domains (even without records) and any domain that has records.
    domains = (
        Domain.objects.filter(Q(campaigns=campaign) | Q(pk__in=list(by_domain)))
        .distinct()
        .order_by("order", "id")
    )
    result.by_domain = [
        {
            "domain": d,
            "records": by_domain.get(d.pk, (0, 0, 0))[0],
            "participants": by_domain.get(d.pk, (0, 0, 0))[1],
        }
        for d in domains
    ]
    result.by_unit = _by_unit(sums["unit"])
    return result


def _by_unit(sums: dict) -> list[dict]:
    units = Organisation.objects.filter(pk__in=list(sums)).order_by("name")
    return [{"unit": u, "records": sums[u.pk][0], "participants": sums[u.pk][1]} for u in units]


def totals_by_unit(campaign) -> dict[int, Totals]:
    return {
        row["unit"]: Totals(row["n"], row["people"])
        for row in _sums(counted_records(campaign), "unit")
    }


def totals_by_domain(campaign) -> dict[int, Totals]:
    return {
        row["domain"]: Totals(row["n"], row["people"])
        for row in _sums(counted_records(campaign), "domain")
    }


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    months = []
    current = start.replace(day=1)
    while current <= end:
        months.append(current)
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return months


@dataclass
class MonthlyRow:
    unit: Organisation
    counts: list[int]  # one per month
    total: int

    @property
    def cells(self) -> list[dict]:
        return [{"records": n, "empty": n == 0} for n in self.counts]

    @property
    def empty_months(self) -> int:
        return sum(1 for n in self.counts if n == 0)


@dataclass
class MonthlyReport:
    months: list[dt.date]
    rows: list[MonthlyRow]
    reporting: list[int]  # units with at least one record, per month
    records: list[int]  # records per month
    completeness: list[int]  # % of units reporting, per month

    @property
    def columns(self) -> list[dict]:
        return [
            {"month": m, "reporting": r, "records": n, "completeness": c}
            for m, r, n, c in zip(
                self.months, self.reporting, self.records, self.completeness, strict=True
            )
        ]


def monthly_report(campaign, until: dt.date | None = None) -> MonthlyReport:
    """Each unit's approved records per month (廉政信息月报) with the township's completeness."""
    until = min(until or timezone.localdate(), campaign.end_date)
    months = months_between(campaign.start_date, max(until, campaign.start_date))
    index = {m: i for i, m in enumerate(months)}
    units = list(
        Organisation.objects.units()
        .filter(township_id=campaign.township_id, is_active=True)
        .order_by("unit_type", "name")
    )
    counts = {u.pk: [0] * len(months) for u in units}
    rows = (
        counted_records(campaign)
        .filter(date__lte=until)
        .annotate(month=TruncMonth("date"))
        .order_by()
        .values("unit", "month")
        .annotate(n=Count("*"))
    )
    for row in rows:
        position = index.get(as_date(row["month"]))
        if position is not None and row["unit"] in counts:
            counts[row["unit"]][position] += row["n"]
    report_rows = [MonthlyRow(u, counts[u.pk], sum(counts[u.pk])) for u in units]
    reporting = [sum(1 for r in report_rows if r.counts[i]) for i in range(len(months))]
    per_month = [sum(r.counts[i] for r in report_rows) for i in range(len(months))]
    total = len(units)
    completeness = [round(100 * n / total) if total else 0 for n in reporting]
    return MonthlyReport(months, report_rows, reporting, per_month, completeness)
