"""Per-site readiness for acceptance ("will this site pass?"), for the dashboard and reports.

`site_readiness(campaign, criteria_set=None)` returns one `SiteReadiness` per site of the
campaign, in a fixed number of queries (six) whatever the number of sites, items or records:

* `assessed_score` / `assessed_kind` / `assessed_on` / `assessed_passed` — the latest completed
  assessment of the site (any kind), its total score;
* `auto_score` / `auto_points` — the automatic items of the criteria set scored from the
  approved ledger *now* (what an assessment started today would pre-fill);
* `projected_score` — the latest assessment's manual items plus today's automatic scores (just
  the automatic part when the site has no completed assessment yet);
* `pass_line`, `total_points`, `open_rectifications`, `overdue_rectifications`;
* `status` — "ready" (projected ≥ pass line, nothing open), "at_risk" or "not_assessed".

`criteria_set` defaults to `current_criteria_set(district_id)`: the newest version of the
district's most recently created standard. `district_readiness(district_id)` does the same for
every site of a district (used by the district dashboard and the speed benchmark).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from assessments import scoring
from assessments.models import Assessment, CriteriaItem, CriteriaSet, Rectification
from sites.models import Site, Status


@dataclass
class SiteReadiness:
    site: Site
    pass_line: Decimal | None
    total_points: Decimal
    auto_score: Decimal
    auto_points: Decimal
    projected_score: Decimal
    assessed_score: Decimal | None = None
    assessed_kind: str = ""
    assessed_on: dt.date | None = None
    assessed_passed: bool | None = None
    open_rectifications: int = 0
    overdue_rectifications: int = 0

    @property
    def status(self) -> str:
        if self.assessed_score is None:
            return "not_assessed"
        if (
            self.pass_line is not None
            and self.projected_score >= self.pass_line
            and not self.open_rectifications
        ):
            return "ready"
        return "at_risk"

    @property
    def percent(self) -> int:
        if not self.total_points:
            return 0
        return min(100, round(100 * self.projected_score / self.total_points))

    @property
    def gap(self) -> Decimal:
        if self.pass_line is None:
            return Decimal(0)
        return max(Decimal(0), self.pass_line - self.projected_score)


def current_criteria_set(district_id: int) -> CriteriaSet | None:
    return (
        CriteriaSet.objects.filter(district_id=district_id)
        .order_by("-created_at", "-version", "-id")
        .first()
    )


ACTIVE = [s for s in Status.values if s not in (Status.DELISTED, Status.NOT_ACCEPTED)]


def site_readiness(campaign, criteria_set: CriteriaSet | None = None, today=None):
    sites = list(
        Site.objects.filter(campaign=campaign, status__in=ACTIVE)
        .select_related("unit", "domain")
        .order_by("name", "pk")
    )
    district_id = campaign.township.district_id
    return _readiness(sites, criteria_set, district_id, campaign.year, today)


def district_readiness(district_id: int, year: int, criteria_set=None, today=None):
    sites = list(
        Site.objects.filter(district_id=district_id, status__in=ACTIVE, campaign__year=year)
        .select_related("unit", "domain")
        .order_by("township_id", "name", "pk")
    )
    return _readiness(sites, criteria_set, district_id, year, today)


TENTH = Decimal("0.1")


def _points(value) -> Decimal:
    """Scores to one decimal, as the criteria print them (SQLite sums come back as long floats)."""
    return Decimal(str(value or 0)).quantize(TENTH)


def _readiness(sites, criteria_set, district_id, year, today) -> list[SiteReadiness]:
    today = today or timezone.localdate()
    criteria_set = criteria_set or current_criteria_set(district_id)
    items = (
        list(
            CriteriaItem.objects.filter(criteria_set=criteria_set).only(
                "pk", "points", "auto_target", "auto_type", "auto_source", "auto_domain_id"
            )
        )
        if criteria_set
        else []
    )
    auto_items = [i for i in items if i.is_automatic]
    total_points = sum((i.points for i in items), Decimal(0))
    auto_points = sum((i.points for i in auto_items), Decimal(0))
    site_ids = [s.pk for s in sites]
    unit_ids = {s.unit_id for s in sites}

    counts = (
        scoring.LedgerCounts.load(
            year=year, unit_ids=unit_ids, positions=scoring.uses_positions(auto_items)
        )
        if auto_items
        else None
    )

    latest: dict[int, dict] = {}
    if site_ids:
        rows = (
            Assessment.objects.filter(site_id__in=site_ids, status=Assessment.Status.COMPLETED)
            .order_by("site_id", "-completed_at", "-id")
            .values("pk", "site_id", "kind", "assessed_on", "passed")
            .annotate(
                total=Sum("scores__score"),
                manual=Sum("scores__score", filter=Q(scores__item__auto_target__isnull=True)),
            )
        )
        for row in rows:
            latest.setdefault(row["site_id"], row)

    rect = defaultdict(lambda: [0, 0])
    if unit_ids:
        for row in (
            Rectification.objects.open()
            .filter(unit_id__in=unit_ids)
            .order_by()
            .values("unit_id")
            .annotate(n=Count("pk"), late=Count("pk", filter=Q(deadline__lt=today)))
        ):
            rect[row["unit_id"]] = [row["n"], row["late"]]

    result = []
    for site in sites:
        auto = (
            sum((counts.score(i, unit_id=site.unit_id)[0] for i in auto_items), Decimal(0))
            if counts
            else Decimal(0)
        )
        last = latest.get(site.pk)
        manual = (last["manual"] or Decimal(0)) if last else Decimal(0)
        result.append(
            SiteReadiness(
                site=site,
                pass_line=criteria_set.pass_line if criteria_set else None,
                total_points=_points(total_points),
                auto_score=_points(auto),
                auto_points=_points(auto_points),
                projected_score=_points(manual) + _points(auto),
                assessed_score=_points(last["total"]) if last else None,
                assessed_kind=last["kind"] if last else "",
                assessed_on=last["assessed_on"] if last else None,
                assessed_passed=last["passed"] if last else None,
                open_rectifications=rect[site.unit_id][0],
                overdue_rectifications=rect[site.unit_id][1],
            )
        )
    return result
