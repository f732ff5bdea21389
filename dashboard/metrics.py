"""Every figure the portal shows, defined once: its Chinese label, what it counts, the rows
behind it and the list that shows exactly those rows.

Pages and reports do not count on their own: the home panels, the campaign overview, the
township and district dashboards, the office digest, the notice draft, the work report and the
dossier read their numbers from here (directly, or through `dashboard.figures`, which computes
the dashboard's many figures at once with the same definitions).

Units of count (one word, one meaning):

* 任务 — a task of the plan. A task is *done* when every one of its periods reached its
  target, *overdue* when one of its periods is past its due date and not done (任务有逾期期次),
  *open* otherwise. Task periods (任务期次) are not counted as tasks anywhere.
* 条记录 — approved activity records of the campaign; 人次 — their participants.
* 项整改事项 — rectification items: *open* = not closed (整改中 or 待复核), *overdue* = open and past
  the deadline.
* 份月报 — monthly reports (one unit, one month): on time, late, missing (`monthly.completeness`).
* 个单位, 个示范点.

`link(key, **filters)` is the URL of the list behind a figure; `rows(key, campaign, today,
**filters)` the rows themselves (tests compare the two). A role that may not open a list gets
the number without a link (`can_drill`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from organisations.navigation import page_url

# --- the definitions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    key: str
    label: str  # what the page prints beside the number
    noun: str  # the unit of count: "项任务", "条记录", "人次", …
    list_name: str = ""  # the URL name of the list behind it ("" = not a link)
    fixed: tuple = ()  # (parameter, value) pairs the list always gets for this figure


FIGURES = {
    f.key: f
    for f in (
        Figure("tasks", _("任务"), _("项任务"), "campaigns:task_list"),
        Figure(
            "tasks_done", _("已完成任务"), _("项任务"), "campaigns:task_list", (("status", "done"),)
        ),
        Figure(
            "tasks_open", _("待完成任务"), _("项任务"), "campaigns:task_list", (("status", "open"),)
        ),
        Figure(
            "tasks_overdue",
            _("有逾期期次的任务"),
            _("项任务"),
            "campaigns:task_list",
            (("status", "overdue"),),
        ),
        Figure(
            "records",
            _("已通过活动记录"),
            _("条记录"),
            "activities:record_list",
            (("status", "approved"),),
        ),
        Figure("participants", _("参与人次"), _("人次")),
        Figure(
            "rectifications_open",
            _("未完成整改事项"),
            _("项整改事项"),
            "assessments:rectification_list",
            (("status", "unclosed"),),
        ),
        Figure(
            "rectifications_overdue",
            _("逾期整改事项"),
            _("项整改事项"),
            "assessments:rectification_list",
            (("status", "overdue"),),
        ),
        Figure(
            "reports_missing",
            _("未报送月报"),
            _("份月报"),
            "monthly:report_list",
            (("state", "missing"),),
        ),
        Figure(
            "reports_late",
            _("逾期报送月报"),
            _("份月报"),
            "monthly:report_list",
            (("state", "late"),),
        ),
        Figure("units_owing", _("工作滞后的单位"), _("个单位")),
        Figure("sites", _("示范点"), _("个示范点")),
    )
}


def label(key: str) -> str:
    return str(FIGURES[key].label)


def noun(key: str) -> str:
    return str(FIGURES[key].noun)


def link(key: str, **filters) -> str:
    """The list that shows exactly the rows of figure `key` under these filters."""
    try:
        return _cached_link(key, tuple(filters.items()))
    except TypeError:  # a filter value that cannot be a cache key: build the link as it is
        return _link(key, filters)


@lru_cache(maxsize=8192)
def _cached_link(key: str, items: tuple) -> str:
    # A dashboard prints a few hundred links (every cell of the trend and of the units' table);
    # the same ones come back on every render. URLs do not depend on the language.
    return _link(key, dict(items))


def _link(key: str, filters: dict) -> str:
    figure = FIGURES[key]
    if not figure.list_name:
        return ""
    base = page_url(figure.list_name)
    if not base:
        return ""
    params = {k: v for k, v in filters.items() if v not in (None, "")}
    params.update(dict(figure.fixed))
    params = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in params.items()}
    return f"{base}?{urlencode(params)}" if params else base


def can_drill(scope, township) -> bool:
    """Whether the lists behind a township's figures open for this user. They are scoped to what
    the user may read: a district reviewer (who scores applications, not ledgers) would get
    404s and empty lists, so the numbers are shown without links."""
    return scope.reads_township(township.pk, township.district_id)


# --- tasks ---------------------------------------------------------------------------------------

DONE, OPEN, OVERDUE = "done", "open", "overdue"


def task_q(status: str, today: dt.date, prefix: str = "") -> Q:
    """The task status as a filter on `Task.open_due` (the due date of the earliest period not
    done, kept by campaigns.progress): done = none open; overdue = it is past; open = the rest."""
    field_name = f"{prefix}open_due"
    if status == DONE:
        return Q(**{f"{field_name}__isnull": True})
    if status == OVERDUE:
        return Q(**{f"{field_name}__lt": today})
    if status == OPEN:
        return Q(**{f"{field_name}__gte": today})
    return Q()


@dataclass
class TaskCounts:
    """Tasks by status (not task periods)."""

    done: int = 0
    open: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.done + self.open + self.overdue

    @property
    def done_percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def add(self, other: TaskCounts) -> None:
        self.done += other.done
        self.open += other.open
        self.overdue += other.overdue

    def sentence(self) -> str:
        """ "22 项任务，已完成 6 项，其中 3 项有逾期期次" — tasks, never periods."""
        return str(
            _("%(total)s 项任务，已完成 %(done)s 项，其中 %(overdue)s 项有逾期期次")
            % {"total": self.total, "done": self.done, "overdue": self.overdue}
        )


def task_count_kwargs(today: dt.date, prefix: str = "") -> dict:
    """Aggregates giving total / done / overdue tasks (open = total − done − overdue)."""
    pk = f"{prefix}pk" if prefix else "pk"
    return {
        "total": Count(pk, distinct=bool(prefix)),
        "done": Count(pk, filter=task_q(DONE, today, prefix), distinct=bool(prefix)),
        "overdue": Count(pk, filter=task_q(OVERDUE, today, prefix), distinct=bool(prefix)),
    }


def counts_from(row: dict) -> TaskCounts:
    return TaskCounts(
        done=row["done"], overdue=row["overdue"], open=row["total"] - row["done"] - row["overdue"]
    )


@dataclass
class DomainTasks:
    campaign_domain: object  # campaigns.models.CampaignDomain
    tasks: TaskCounts = field(default_factory=TaskCounts)

    @property
    def domain(self):
        return self.campaign_domain.domain

    # the names the reports' templates read
    @property
    def total(self) -> int:
        return self.tasks.total

    @property
    def done(self) -> int:
        return self.tasks.done

    @property
    def overdue(self) -> int:
        return self.tasks.overdue

    @property
    def percent(self) -> int:
        return self.tasks.done_percent


@dataclass
class CampaignTasks:
    campaign: object
    domains: list[DomainTasks]
    tasks: TaskCounts

    @property
    def by_domain(self) -> dict[int, DomainTasks]:
        return {d.campaign_domain.domain_id: d for d in self.domains}


def campaign_tasks(campaign, today: dt.date) -> CampaignTasks:
    """The campaign's tasks by domain and status: two queries. Tasks of a domain the campaign
    does not list still count in the total."""
    from campaigns.models import CampaignDomain, Task

    grouped = {
        row["domain_id"]: counts_from(row)
        for row in Task.objects.filter(campaign=campaign)
        .order_by()
        .values("domain_id")
        .annotate(**task_count_kwargs(today))
    }
    domains = [
        DomainTasks(cd, grouped.get(cd.domain_id, TaskCounts()))
        for cd in CampaignDomain.objects.filter(campaign=campaign)
        .select_related("domain", "lead_unit")
        .order_by("order", "domain__order", "pk")
    ]
    total = TaskCounts()
    for counts in grouped.values():
        total.add(counts)
    return CampaignTasks(campaign, domains, total)


# --- the rows behind a figure --------------------------------------------------------------------


def rows(key: str, campaign, today: dt.date, *, domain=None, unit=None, month=None):
    """The rows a figure counts (a queryset, or a list for monthly reports)."""
    from activities.models import ActivityRecord
    from assessments.models import Rectification
    from campaigns.models import Task

    if key.startswith("tasks"):
        qs = Task.objects.filter(campaign=campaign)
        if domain is not None:
            qs = qs.filter(domain_id=domain)
        if unit is not None:
            qs = qs.filter(lead_unit_id=unit)
        status = dict(FIGURES[key].fixed).get("status", "")
        return qs.filter(task_q(status, today))
    if key in ("records", "participants"):
        qs = ActivityRecord.objects.counted().filter(campaign=campaign)
        if domain is not None:
            qs = qs.filter(domain_id=domain)
        if unit is not None:
            qs = qs.filter(unit_id=unit)
        if month is not None:
            from monthly.due import month_end

            qs = qs.filter(date__range=(month, month_end(month)))
        return qs
    if key == "rectifications_open":
        qs = Rectification.objects.open().filter(campaign=campaign)
        return qs.filter(unit_id=unit) if unit is not None else qs
    if key == "rectifications_overdue":
        qs = Rectification.objects.overdue(today).filter(campaign=campaign)
        return qs.filter(unit_id=unit) if unit is not None else qs
    if key in ("reports_missing", "reports_late"):
        from monthly import completeness

        units = completeness.township_units(campaign)
        if unit is not None:
            units = units.filter(pk=unit)
        state = dict(FIGURES[key].fixed)["state"]
        return completeness.filter_slots(completeness.slots(campaign, today, units=units), state)
    raise KeyError(key)


# --- the verdict ---------------------------------------------------------------------------------

LAGGARDS = 5


@dataclass
class Verdict:
    """ "按目前进度，验收预计得分 X 分（及格线 Y 分），差 Z 分；最拖后腿的 5 个单位：…"

    The projected acceptance score is the mean of the campaign's sites' projected scores
    (assessments.readiness: the latest assessment's manual items plus today's automatic ones),
    against the district standard's pass line. None when no site has a criteria set yet."""

    score: Decimal | None
    pass_line: Decimal | None
    sites: int
    laggards: list  # dashboard.figures.UnitOwes, worst first

    @property
    def gap(self) -> Decimal:
        if self.score is None or self.pass_line is None:
            return Decimal(0)
        return max(self.pass_line - self.score, Decimal(0))

    @property
    def passes(self) -> bool:
        return self.score is not None and self.pass_line is not None and self.gap == 0


def verdict(sites: list, owing_units: list, limit: int = LAGGARDS) -> Verdict:
    scored = [s for s in sites if s.pass_line is not None]
    if scored:
        score = (sum((s.projected_score for s in scored), Decimal(0)) / len(scored)).quantize(
            Decimal("0.1")
        )
        pass_line = max(s.pass_line for s in scored)
    else:
        score = pass_line = None
    return Verdict(score, pass_line, len(scored), owing_units[:limit])


# --- what a township owes, in one sentence ---------------------------------------------------------


@dataclass
class Owed:
    tasks_overdue: int = 0  # tasks with an overdue period (not periods)
    reports_missing: int = 0
    rectifications_overdue: int = 0

    def sentence(self) -> str:
        return str(
            _("有逾期期次的任务 %(tasks)s 项，未报送月报 %(reports)s 份，逾期整改事项 %(rects)s 项")
            % {
                "tasks": self.tasks_overdue,
                "reports": self.reports_missing,
                "rects": self.rectifications_overdue,
            }
        )


def owed(campaign, today: dt.date) -> Owed:
    """The campaign's overdue tasks, missing monthly reports and overdue rectifications, with
    the definitions above (four queries); what the office digest and the notice speak of."""
    from assessments.models import Rectification
    from campaigns.models import Task
    from monthly import completeness
    from monthly.models import MISSING

    slots = completeness.slots(campaign, today, include_not_due=False)
    return Owed(
        tasks_overdue=Task.objects.filter(campaign=campaign).filter(task_q(OVERDUE, today)).count(),
        reports_missing=sum(1 for s in slots if s.state == MISSING),
        rectifications_overdue=Rectification.objects.overdue(today)
        .filter(campaign=campaign)
        .count(),
    )
