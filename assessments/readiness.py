"""Per-site readiness for acceptance ("will this site pass?"), for the dashboard and reports.

`site_readiness(campaign, criteria_set=None)` returns one `SiteReadiness` per site of the
campaign, in a fixed number of queries (three: the sites with their latest assessment and
rectifications, the criteria set with its items, the ledger tallies) whatever the number of
sites, items or records:

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
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.utils import timezone

from assessments import scoring
from assessments.models import Assessment, CriteriaItem, CriteriaSet, ItemScore, Rectification
from sites.models import Level, Site, Status

_STATUS_LABELS = dict(Status.choices)
_LEVEL_LABELS = dict(Level.choices)


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
    def site_status_label(self) -> str:
        """The site's status and level in words (what get_status_display / get_level_display
        say, without rebuilding the choices on every call: a dashboard prints one per site)."""
        label = _STATUS_LABELS.get(self.site.status, self.site.status)
        if self.site.level:
            return f"{label} · {_LEVEL_LABELS.get(self.site.level, self.site.level)}"
        return str(label)

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
    return _newest_sets(district_id).first()


def _newest_sets(district_id: int):
    return CriteriaSet.objects.filter(district_id=district_id).order_by(
        "-created_at", "-version", "-id"
    )


ACTIVE = [s for s in Status.values if s not in (Status.DELISTED, Status.NOT_ACCEPTED)]
ITEM_FIELDS = ("pk", "points", "auto_target", "auto_type", "auto_source", "auto_domain_id")


def criteria(district_id: int, criteria_set: CriteriaSet | None = None):
    """(criteria set, its items) — the given set or the district's current one — read in one
    query (the set joined to its items); (None, []) when the district has none."""
    sets = (
        CriteriaSet.objects.filter(pk=criteria_set.pk)
        if criteria_set is not None
        else CriteriaSet.objects.filter(pk=Subquery(_newest_sets(district_id).values("pk")[:1]))
    )
    rows = list(
        sets.order_by("items__order", "items__pk").values_list(
            "pk", "pass_line", *(f"items__{f}" for f in ITEM_FIELDS)
        )
    )
    if not rows:
        return criteria_set, []
    if criteria_set is None:
        criteria_set = CriteriaSet(pk=rows[0][0], district_id=district_id, pass_line=rows[0][1])
    items = [
        CriteriaItem(
            criteria_set_id=criteria_set.pk, **dict(zip(ITEM_FIELDS, row[2:], strict=True))
        )
        for row in rows
        if row[2] is not None
    ]
    return criteria_set, items


def _sites(queryset, today, *order):
    """The sites with their latest completed assessment (kind, date, passed, total and manual
    score) and their unit's open / overdue rectifications, in one query."""
    latest = Assessment.objects.filter(
        site=OuterRef("pk"), status=Assessment.Status.COMPLETED
    ).order_by("-completed_at", "-id")
    scores = ItemScore.objects.filter(assessment=OuterRef("a_pk")).order_by().values("assessment")
    open_rects = Rectification.objects.open().filter(unit_id=OuterRef("unit_id"))

    def counted(queryset):
        return Subquery(
            queryset.order_by().values("unit_id").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        )

    return list(
        queryset.select_related("unit", "domain")
        .annotate(
            a_pk=Subquery(latest.values("pk")[:1]),
            a_kind=Subquery(latest.values("kind")[:1]),
            a_on=Subquery(latest.values("assessed_on")[:1]),
            a_passed=Subquery(latest.values("passed")[:1]),
            a_total=Subquery(scores.annotate(s=Sum("score")).values("s")),
            a_manual=Subquery(
                scores.filter(item__auto_target__isnull=True).annotate(s=Sum("score")).values("s")
            ),
            rect_open=counted(open_rects),
            rect_late=counted(open_rects.filter(deadline__lt=today)),
        )
        .order_by(*order)
    )


@dataclass
class Pending:
    """The sites and criteria read; the ledger counts still to come (the dashboard reads them
    together with its own tallies, `dashboard.figures`)."""

    sites: list
    criteria_set: CriteriaSet | None
    items: list
    year: int
    today: dt.date

    @property
    def auto_items(self) -> list:
        return [i for i in self.items if i.is_automatic]

    @property
    def unit_ids(self) -> set[int]:
        return {s.unit_id for s in self.sites}

    def load_counts(self):
        if not self.auto_items or not self.sites:
            return None
        return scoring.LedgerCounts.load(
            year=self.year,
            unit_ids=self.unit_ids,
            positions=scoring.uses_positions(self.auto_items),
        )

    def result(self, counts) -> list[SiteReadiness]:
        return _assemble(self, counts)


def pending_for_campaign(campaign, criteria_set=None, today=None) -> Pending:
    today = today or timezone.localdate()
    sites = _sites(Site.objects.filter(campaign=campaign, status__in=ACTIVE), today, "name", "pk")
    criteria_set, items = criteria(campaign.township.district_id, criteria_set)
    return Pending(sites, criteria_set, items, campaign.year, today)


def site_readiness(campaign, criteria_set: CriteriaSet | None = None, today=None):
    pending = pending_for_campaign(campaign, criteria_set, today)
    return pending.result(pending.load_counts())


def district_readiness(district_id: int, year: int, criteria_set=None, today=None):
    today = today or timezone.localdate()
    sites = _sites(
        Site.objects.filter(district_id=district_id, status__in=ACTIVE, campaign__year=year),
        today,
        "township_id",
        "name",
        "pk",
    )
    criteria_set, items = criteria(district_id, criteria_set)
    pending = Pending(sites, criteria_set, items, year, today)
    return pending.result(pending.load_counts())


TENTH = Decimal("0.1")


def _points(value) -> Decimal:
    """Scores to one decimal, as the criteria print them (SQLite sums come back as long floats)."""
    return Decimal(str(value or 0)).quantize(TENTH)


def _assemble(pending: Pending, counts) -> list[SiteReadiness]:
    criteria_set, auto_items = pending.criteria_set, pending.auto_items
    total_points = sum((i.points for i in pending.items), Decimal(0))
    auto_points = sum((i.points for i in auto_items), Decimal(0))
    result = []
    for site in pending.sites:
        auto = (
            sum((counts.score(i, unit_id=site.unit_id)[0] for i in auto_items), Decimal(0))
            if counts
            else Decimal(0)
        )
        assessed = site.a_pk is not None
        manual = (site.a_manual or Decimal(0)) if assessed else Decimal(0)
        result.append(
            SiteReadiness(
                site=site,
                pass_line=criteria_set.pass_line if criteria_set else None,
                total_points=_points(total_points),
                auto_score=_points(auto),
                auto_points=_points(auto_points),
                projected_score=_points(manual) + _points(auto),
                assessed_score=_points(site.a_total) if assessed else None,
                assessed_kind=site.a_kind if assessed else "",
                assessed_on=site.a_on if assessed else None,
                assessed_passed=site.a_passed if assessed else None,
                open_rectifications=site.rect_open or 0,
                overdue_rectifications=site.rect_late or 0,
            )
        )
    return result
