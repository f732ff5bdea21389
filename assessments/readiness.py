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

from django.db import connection
from django.utils import timezone

from assessments import scoring
from assessments.models import (
    Assessment,
    CriteriaItem,
    CriteriaSet,
    ItemScore,
    open_per_unit_sql,
)
from campaigns.models import Campaign
from config.sqlrows import as_date, columns
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
ACTIVE_SQL = ", ".join(["%s"] * len(ACTIVE))
# The columns read of the criteria set and its items, and of each site with its unit and domain.
SET_FIELDS = ("id", "district_id", "pass_line")
ITEM_FIELDS = ("id", "criteria_set_id", "points", "auto_target", "auto_type", "auto_source")
ITEM_FIELDS += ("auto_domain_id",)
SITE_FIELDS = ("id", "campaign_id", "unit_id", "township_id", "district_id", "domain_id", "name")
SITE_FIELDS += ("status", "level")
UNIT_FIELDS = ("id", "name", "short_name", "level", "township_id", "district_id")
DOMAIN_FIELDS = ("id", "code", "name", "order")


def criteria(district_id: int, criteria_set: CriteriaSet | None = None):
    """(criteria set, its items) — the given set or the district's current one — read in one
    query (the set joined to its items, plain SQL: it runs on every cold dashboard); (None, [])
    when the district has none."""
    sets, items = CriteriaSet._meta.db_table, CriteriaItem._meta.db_table
    if criteria_set is not None:
        chosen, params = "%s", [criteria_set.pk]
    else:
        chosen = (  # the newest set, in the order of _newest_sets
            f"(SELECT id FROM {sets} WHERE district_id = %s "  # noqa: S608
            f"ORDER BY created_at DESC, version DESC, id DESC LIMIT 1)"
        )
        params = [district_id]
    the_set, item = columns(CriteriaSet, "s", SET_FIELDS), columns(CriteriaItem, "i", ITEM_FIELDS)
    sql = (
        f"SELECT {the_set.sql}, {item.sql} FROM {sets} s "  # noqa: S608
        f"LEFT JOIN {items} i ON i.criteria_set_id = s.id WHERE s.id = {chosen} "
        f"ORDER BY i.{connection.ops.quote_name('order')}, i.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return criteria_set, []
    if criteria_set is None:
        criteria_set = the_set.load(rows[0][: len(the_set)])
    n = len(the_set)
    # a set without items joins one row of NULLs
    found = [item.load(row[n:]) for row in rows if row[n] is not None]
    return criteria_set, found


def _sites(where: str, params: list, today, order: str) -> list[Site]:
    """The sites matching `where` (SQL on the site table, aliased s) with their latest completed
    assessment (a_pk, a_kind, a_on, a_passed, a_total and a_manual: the total and the manual
    items' score) and their unit's open / overdue rectifications (rect_open, rect_late), in one
    query, plain SQL: the dashboard reads it on every cold load, and the ORM spent longer
    building the eight correlated subqueries than PostgreSQL spent running them.

    Each site comes with its unit and domain (only the columns above loaded; the rest is read
    on access, as `only()` would)."""
    from organisations.models import Domain, Organisation

    site, unit, domain = Site._meta.db_table, Organisation._meta.db_table, Domain._meta.db_table
    assessment, score = Assessment._meta.db_table, ItemScore._meta.db_table
    item = CriteriaItem._meta.db_table
    read_site = columns(Site, "s", SITE_FIELDS)
    read_unit = columns(Organisation, "u", UNIT_FIELDS)
    read_domain = columns(Domain, "d", DOMAIN_FIELDS)
    rects, rect_params = open_per_unit_sql("unit_id IN (SELECT unit_id FROM chosen)", [], today)
    sql = f"""
        WITH chosen AS (SELECT s.id, s.unit_id FROM {site} s WHERE {where}),
        latest AS (
            SELECT site_id, id, kind, assessed_on, passed FROM (
                SELECT a.site_id, a.id, a.kind, a.assessed_on, a.passed, ROW_NUMBER() OVER (
                    PARTITION BY a.site_id ORDER BY a.completed_at DESC, a.id DESC) AS nth
                FROM {assessment} a WHERE a.status = %s
                AND a.site_id IN (SELECT id FROM chosen)) ranked
            WHERE nth = 1),
        scores AS (
            SELECT x.assessment_id, SUM(x.score) AS total,
                SUM(CASE WHEN i.auto_target IS NULL THEN x.score END) AS manual
            FROM {score} x JOIN {item} i ON i.id = x.item_id
            WHERE x.assessment_id IN (SELECT id FROM latest) GROUP BY x.assessment_id),
        rects AS ({rects})
        SELECT {read_site.sql}, {read_unit.sql}, {read_domain.sql},
            l.id, l.kind, l.assessed_on, l.passed, sc.total, sc.manual, r.n, r.late
        FROM {site} s JOIN chosen c ON c.id = s.id
        JOIN {unit} u ON u.id = s.unit_id JOIN {domain} d ON d.id = s.domain_id
        LEFT JOIN latest l ON l.site_id = s.id LEFT JOIN scores sc ON sc.assessment_id = l.id
        LEFT JOIN rects r ON r.unit_id = s.unit_id
        ORDER BY {order}
    """  # noqa: S608 (table and column names from the models; values are parameters)
    params = [*params, Assessment.Status.COMPLETED, *rect_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    n_site, n_unit, n_domain = len(read_site), len(read_unit), len(read_domain)
    sites = []
    for row in rows:
        found = read_site.load(row[:n_site])
        found._state.fields_cache["unit"] = read_unit.load(row[n_site : n_site + n_unit])
        found._state.fields_cache["domain"] = read_domain.load(
            row[n_site + n_unit : n_site + n_unit + n_domain]
        )
        (
            found.a_pk,
            found.a_kind,
            found.a_on,
            found.a_passed,
            found.a_total,
            found.a_manual,
            found.rect_open,
            found.rect_late,
        ) = row[n_site + n_unit + n_domain :]
        if found.a_on is not None:
            found.a_on = as_date(found.a_on)
        if found.a_passed is not None:
            found.a_passed = bool(found.a_passed)
        sites.append(found)
    return sites


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
    sites = _sites(
        f"s.campaign_id = %s AND s.status IN ({ACTIVE_SQL})",
        [campaign.pk, *ACTIVE],
        today,
        "s.name, s.id",
    )
    criteria_set, items = criteria(campaign.township.district_id, criteria_set)
    return Pending(sites, criteria_set, items, campaign.year, today)


def site_readiness(campaign, criteria_set: CriteriaSet | None = None, today=None):
    pending = pending_for_campaign(campaign, criteria_set, today)
    return pending.result(pending.load_counts())


def district_readiness(district_id: int, year: int, criteria_set=None, today=None):
    today = today or timezone.localdate()
    campaigns = Campaign._meta.db_table
    sites = _sites(
        f"s.district_id = %s AND s.status IN ({ACTIVE_SQL}) AND s.campaign_id IN "  # noqa: S608
        f"(SELECT id FROM {campaigns} WHERE year = %s)",
        [district_id, *ACTIVE, year],
        today,
        "s.township_id, s.name, s.id",
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
    total_points = _points(sum((i.points for i in pending.items), Decimal(0)))
    auto_points = _points(sum((i.points for i in auto_items), Decimal(0)))
    pass_line = criteria_set.pass_line if criteria_set else None
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
                pass_line=pass_line,
                total_points=total_points,
                auto_score=_points(auto),
                auto_points=auto_points,
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
