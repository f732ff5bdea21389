"""Automatic item scores counted from the approved ledger, and score totals.

An automatic item (`CriteriaItem.auto_target` set) counts the approved activity records of the
assessed unit — or of the whole township for a township-level acceptance — dated in the
assessment's year, of the item's type (any when blank) and domain (any when null). The target
count gives full points; fewer give a proportional share (`CriteriaItem.auto_score_for`).

An item whose `auto_source` is "positions" or "position_updates" counts the unit's (or the
township's) publicity positions (宣传阵地) in use, or the updates they had in the year — the
register in `sites` — so "宣传栏内容定期更新" is scored from the dates it was updated.

`LedgerCounts.load(unit_ids, township_ids, year)` reads every count it needs in ONE grouped
query (two when position items are scored), whatever the number of sites and items, so
scoring a whole district stays fast. It reads the record tallies (`dashboard.models.RecordTally`:
approved records per unit, domain, month and type, kept equal to the records by
`activities.recount`), not the records: the cost does not grow with the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum


@dataclass
class LedgerCounts:
    # (unit id, type, domain id) -> approved records; and the same per township
    by_unit: dict[int, list[tuple[str, int, int]]] = field(default_factory=dict)
    by_township: dict[int, list[tuple[str, int, int]]] = field(default_factory=dict)
    # unit / township id -> [positions in use, their updates in the year]
    positions_by_unit: dict[int, list[int]] = field(default_factory=dict)
    positions_by_township: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def load(
        cls, *, year: int, unit_ids=(), township_ids=(), positions: bool = False
    ) -> LedgerCounts:
        unit_ids, township_ids = set(unit_ids), set(township_ids)
        counts = cls(defaultdict(list), defaultdict(list))
        if not unit_ids and not township_ids:
            return counts
        if positions:
            counts._load_positions(year, unit_ids, township_ids)
        from dashboard.models import RecordTally

        rows = (
            RecordTally.objects.filter(
                month__gte=dt.date(year, 1, 1), month__lte=dt.date(year, 12, 31)
            )
            .filter(Q(unit_id__in=unit_ids) | Q(township_id__in=township_ids))
            .order_by()
            .values_list("township_id", "unit_id", "type", "domain_id")
            .annotate(n=Sum("records"))
        )
        counts.add_rows(rows, unit_ids, township_ids)
        return counts

    def add_rows(self, rows, unit_ids=(), township_ids=()) -> None:
        """Count (township id, unit id, type, domain id, approved records) rows in."""
        for township_id, unit_id, type_, domain_id, n in rows:
            if unit_id in unit_ids:
                self.by_unit[unit_id].append((type_, domain_id, n))
            if township_id in township_ids:
                self.by_township[township_id].append((type_, domain_id, n))

    def _load_positions(self, year: int, unit_ids: set, township_ids: set) -> None:
        from sites.models import Position

        rows = (
            Position.objects.filter(is_active=True)
            .filter(Q(unit_id__in=unit_ids) | Q(township_id__in=township_ids))
            .values_list("unit_id", "township_id")
            .annotate(n=Count("updates", filter=Q(updates__updated_on__year=year)))
        )
        self.positions_by_unit = defaultdict(lambda: [0, 0])
        self.positions_by_township = defaultdict(lambda: [0, 0])
        for unit_id, township_id, n in rows:
            for table, key, wanted in (
                (self.positions_by_unit, unit_id, unit_ids),
                (self.positions_by_township, township_id, township_ids),
            ):
                if key in wanted:
                    table[key][0] += 1
                    table[key][1] += n

    def count(self, item, *, unit_id: int | None = None, township_id: int | None = None) -> int:
        source = getattr(item, "auto_source", "ledger")
        if source in ("positions", "position_updates"):
            table = self.positions_by_unit if unit_id else self.positions_by_township
            in_use, updates = table.get(unit_id or township_id, (0, 0))
            return in_use if source == "positions" else updates
        rows = self.by_unit.get(unit_id, []) if unit_id else self.by_township.get(township_id, [])
        return sum(
            n
            for type_, domain_id, n in rows
            if (not item.auto_type or type_ == item.auto_type)
            and (item.auto_domain_id is None or domain_id == item.auto_domain_id)
        )

    def score(self, item, **target) -> tuple[Decimal, int]:
        n = self.count(item, **target)
        return item.auto_score_for(n), n


def target_of(assessment) -> dict:
    """The ledger an assessment is scored from: its unit's, or the township's."""
    if assessment.unit_id:
        return {"unit_id": assessment.unit_id}
    return {"township_id": assessment.township_id}


def uses_positions(items) -> bool:
    return any(getattr(i, "auto_source", "ledger") != "ledger" for i in items if i.is_automatic)


def counts_for(assessment, *, positions: bool = False) -> LedgerCounts:
    target = target_of(assessment)
    return LedgerCounts.load(
        year=assessment.assessed_on.year,
        positions=positions,
        unit_ids=[target["unit_id"]] if "unit_id" in target else [],
        township_ids=[target["township_id"]] if "township_id" in target else [],
    )


@dataclass
class GroupTotal:
    group: object
    points: Decimal = Decimal(0)
    score: Decimal = Decimal(0)
    items: int = 0
    failed: int = 0


def totals(scores) -> tuple[list[GroupTotal], Decimal, Decimal]:
    """Per-group totals and the overall score and points, from ItemScores whose `item` and
    `item.group` are loaded (no query)."""
    groups: dict[int, GroupTotal] = {}
    for s in scores:
        group = groups.setdefault(s.item.group_id, GroupTotal(s.item.group))
        group.points += s.item.points
        group.score += s.score or Decimal(0)
        group.items += 1
        group.failed += 1 if s.passed is False else 0
    ordered = sorted(groups.values(), key=lambda g: (g.group.order, g.group.pk))
    return (
        ordered,
        sum((g.score for g in ordered), Decimal(0)),
        sum((g.points for g in ordered), Decimal(0)),
    )
