"""Task progress, derived from the approved activity records linked to each task.

A record counts toward a task period when it is approved, linked to the task (M2M
`ActivityRecord.tasks`, related_name `records`), its `date` falls in the period window
[start_date, due_date] and, if the task names activity types, its type is one of them.
Per `Task.measure` a period achieves: activities = the number of such records, participants =
the sum of their participants, percent = that sum / `target_base` * 100 (floored).
A period is done when it achieves the task's `target_count`.

For speed the figure is kept in `TaskPeriod.achieved`, and per task `Task.open_due` (the due
date of the earliest period not done; None when all are done) and `Task.has_progress`; the
functions below that write them are the only writers, and tests prove they equal what the
rows say (`compute_achieved`, `task_state`).

Public functions
----------------
tasks_changed(task_ids)
    Lock the task rows, then recount their periods. Called by `activities.recount
    .records_changed` (the one hook of every record change) with every task the changed
    records were or are linked to.
refresh_task_state(task_ids)
    Re-derive the task-level aggregates from the stored period figures (cheap).
recompute_tasks(task_ids) / recompute_campaign(campaign_id)
    Rebuild the stored figure (after a task's target, measure, types or dates change; after
    bulk loads such as scale data).
compute_achieved(task_ids) -> {period_id: achieved}
    The figure computed from the records, without writing anything.
period_status(achieved, target, due_date, today) -> Status value
    not_started (nothing achieved yet), in_progress (some), done (target reached),
    overdue (past its due date and not done).
annotate_progress(periods_qs, today=None)
    Adds `target`, `status` and `progress_pct` (0-100) to TaskPeriod rows, in the same query.
task_summary(task, today, periods=None) -> TaskSummary
    For a task whose `periods` are prefetched: status, periods done/total, next open period.
summarise(tasks, today)
    Sets `task.summary` on a page of tasks with one query (plain values, no model objects).
filter_tasks_by_status(tasks_qs, status, today) / overdue_tasks(tasks_qs, today)
    SQL filters on task status (a task is done when all its periods are; overdue when one
    period is past due and not done; otherwise in progress once anything is achieved).
    Ordering tasks by `open_due` (nulls last) puts the next due (or overdue) period first.
domain_counts(campaign, today) -> list[DomainCount]
    Per campaign domain: tasks total, done, overdue (two queries whatever the campaign size).

The task tally (`TaskTally`: tasks per campaign, lead unit, domain, `open_due`, `has_progress`)
is kept here too, by the same writers: every change of a task's state, lead unit, domain or
campaign moves it from one tally row to another (`_apply_tally`), read under the task's row lock
so that the moves add up whatever the order of concurrent changes. Task saves and deletes reach
it through `task_saving` / `task_saved` / `task_deleting` / `task_deleted` (campaigns.apps);
bulk loads call `rebuild_task_tallies`. `computed_task_tallies` / `stored_task_tallies` are
the definition and the stored figure, for tests and for checking a database.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.db.models import Case, Count, F, Q, Value, When
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import ALL_DONE, CampaignDomain, Task, TaskPeriod, TaskTally


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("进行中")
    DONE = "done", _("已完成")
    OVERDUE = "overdue", _("已逾期")


BADGES = {
    Status.NOT_STARTED: "text-bg-secondary",
    Status.IN_PROGRESS: "text-bg-primary",
    Status.DONE: "text-bg-success",
    Status.OVERDUE: "text-bg-danger",
}


def period_status(achieved: int, target: int, due_date: dt.date, today: dt.date) -> str:
    if achieved >= target:
        return Status.DONE
    if due_date < today:
        return Status.OVERDUE
    if achieved > 0:
        return Status.IN_PROGRESS
    return Status.NOT_STARTED


# --- the stored figure -------------------------------------------------------------------


def _record_links(task_ids: list[int]):
    """(task_id, date, type, participants) of every approved record linked to these tasks."""
    from activities.models import ActivityRecord

    through = ActivityRecord.tasks.through
    return through.objects.filter(
        task_id__in=task_ids, activityrecord__status=ActivityRecord.Status.APPROVED
    ).values_list(
        "task_id", "activityrecord__date", "activityrecord__type", "activityrecord__participants"
    )


def compute_achieved(task_ids: Iterable[int]) -> dict[int, int]:
    """{period_id: achieved} computed from the records (three queries per call)."""
    ids = sorted(set(task_ids))
    if not ids:
        return {}
    tasks = {
        t.pk: t
        for t in Task.objects.filter(pk__in=ids).only(
            "pk", "measure", "target_base", "activity_types"
        )
    }
    links = defaultdict(list)
    for task_id, date, type_, participants in _record_links(ids):
        links[task_id].append((date, type_, participants))
    result = {}
    for period in TaskPeriod.objects.filter(task_id__in=ids).only(
        "pk", "task_id", "start_date", "due_date"
    ):
        task = tasks[period.task_id]
        types = set(task.activity_types or [])
        hits = [
            (type_, participants)
            for date, type_, participants in links[period.task_id]
            if period.start_date <= date <= period.due_date and (not types or type_ in types)
        ]
        if task.measure == Task.Measure.ACTIVITIES:
            value = len(hits)
        else:
            total = sum(p for _t, p in hits)
            if task.measure == Task.Measure.PERCENT:
                value = total * 100 // task.target_base if task.target_base else 0
            else:
                value = total
        result[period.pk] = value
    return result


def recompute_tasks(task_ids: Iterable[int], batch: int = 500) -> int:
    """Rewrite `TaskPeriod.achieved` and the task-level `open_due` / `has_progress` for these
    tasks; returns how many periods changed."""
    ids = sorted(set(task_ids))
    changed = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        fresh = compute_achieved(chunk)
        periods = list(
            TaskPeriod.objects.filter(task_id__in=chunk).values_list(
                "pk", "task_id", "due_date", "achieved"
            )
        )
        stale = [
            TaskPeriod(pk=pk, achieved=fresh[pk])
            for pk, _task, _due, old in periods
            if fresh.get(pk, 0) != old
        ]
        if stale:
            TaskPeriod.objects.bulk_update(stale, ["achieved"], batch_size=1000)
            changed += len(stale)
        _store_task_state(chunk, [(pk, t, due, fresh.get(pk, 0)) for pk, t, due, _o in periods])
    return changed


def task_state(target: int, periods: Iterable[tuple[dt.date, int]]) -> tuple[dt.date | None, bool]:
    """(open_due, has_progress) of a task from its periods' (due_date, achieved)."""
    periods = list(periods)
    open_dues = [due for due, achieved in periods if achieved < target]
    return (min(open_dues) if open_dues else None, any(a > 0 for _d, a in periods))


def refresh_task_state(task_ids: Iterable[int]) -> None:
    """Re-derive `open_due` / `has_progress` from the periods as stored (no record reads).

    Runs on every single TaskPeriod save (see campaigns.apps), so a period made row by row
    (a test factory, the admin) leaves its task consistent too."""
    ids = list(set(task_ids))
    periods = TaskPeriod.objects.filter(task_id__in=ids).values_list(
        "pk", "task_id", "due_date", "achieved"
    )
    _store_task_state(ids, list(periods))


def _store_task_state(task_ids, periods) -> None:
    by_task = defaultdict(list)
    for _pk, task_id, due, achieved in periods:
        by_task[task_id].append((due, achieved))
    stale = []
    moves: dict[tuple, int] = defaultdict(int)
    # Under the task rows' lock (tasks_changed took it already; a period saved on its own takes
    # it here): the state read is the one every tally row counts the task in.
    tasks = _locked(Task.objects.filter(pk__in=task_ids)).only(
        "pk", "target_count", "open_due", "has_progress", "campaign_id", "lead_unit_id", "domain_id"
    )
    for task in tasks:
        open_due, has_progress = task_state(task.target_count, by_task[task.pk])
        if (task.open_due, task.has_progress) != (open_due, has_progress):
            moves[_tally_key(task)] -= 1
            task.open_due, task.has_progress = open_due, has_progress
            moves[_tally_key(task)] += 1
            stale.append(task)
    if stale:
        Task.objects.bulk_update(stale, ["open_due", "has_progress"], batch_size=1000)
        _apply_tally(moves)


# --- the task tally ----------------------------------------------------------------------

TALLY_KEY = ("campaign_id", "unit_id", "domain_id", "open_due", "has_progress")


def _locked(tasks):
    """The task rows locked (in id order) when inside a transaction; a plain read otherwise
    (autocommit: a single statement has nothing to interleave with)."""
    if connection.in_atomic_block and connection.features.has_select_for_update:
        return tasks.select_for_update(no_key=True).order_by("pk")
    return tasks


def _tally_key(task) -> tuple:
    return (
        task.campaign_id,
        task.lead_unit_id,
        task.domain_id,
        task.open_due or ALL_DONE,
        bool(task.has_progress),
    )


def _apply_tally(moves: dict[tuple, int]) -> None:
    """Add each delta to its tally row, in key order (two transactions moving tasks between
    the same rows lock them in the same order). A row gained is inserted or added to (one
    statement, safe against a concurrent insert of the same row); a row lost is only ever one
    the task was counted in, so it exists and is decremented in place."""
    table = connection.ops.quote_name(TaskTally._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in TALLY_KEY)
    for key in sorted(k for k, n in moves.items() if n):
        n = moves[key]
        if n > 0:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} ({columns}, tasks) VALUES (%s, %s, %s, %s, %s, %s) "  # noqa: S608
                    f"ON CONFLICT ({columns}) DO UPDATE SET tasks = {table}.tasks + EXCLUDED.tasks",
                    [*key, n],
                )
        else:
            TaskTally.objects.filter(**dict(zip(TALLY_KEY, key, strict=True))).update(
                tasks=F("tasks") + n
            )


def computed_task_tallies(q: Q | None = None) -> dict[tuple, int]:
    """{(campaign, unit, domain, open_due, has_progress): tasks} counted from the tasks (the
    definition of the stored figure)."""
    tasks = Task.objects.all() if q is None else Task.objects.filter(q)
    rows = (
        tasks.annotate(due=Coalesce("open_due", Value(ALL_DONE)))
        .values_list("campaign_id", "lead_unit_id", "domain_id", "due", "has_progress")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(c, u, d, due, bool(p)): n for c, u, d, due, p, n in rows}


def stored_task_tallies(q: Q | None = None) -> dict[tuple, int]:
    rows = TaskTally.objects.all() if q is None else TaskTally.objects.filter(q)
    return {
        tuple(row[:5]): row[5] for row in rows.exclude(tasks=0).values_list(*TALLY_KEY, "tasks")
    }


@transaction.atomic
def rebuild_task_tallies(campaign_ids: Iterable[int] | None = None) -> int:
    """Rewrite the task tally (of these campaigns; all when None) from the tasks, after bulk
    loads that bypass the model (scale data). Returns the number of rows."""
    q = None if campaign_ids is None else Q(campaign_id__in=list(campaign_ids))
    (TaskTally.objects.all() if q is None else TaskTally.objects.filter(q)).delete()
    figures = computed_task_tallies(q)
    TaskTally.objects.bulk_create(
        [
            TaskTally(**dict(zip(TALLY_KEY, key, strict=True)), tasks=n)
            for key, n in figures.items()
        ],
        batch_size=5000,
    )
    return len(figures)


def _state_in_db(pk) -> tuple | None:
    row = (
        _locked(Task.objects.filter(pk=pk))
        .values_list("campaign_id", "lead_unit_id", "domain_id", "open_due", "has_progress")
        .first()
    )
    return None if row is None else (*row[:3], row[3] or ALL_DONE, bool(row[4]))


def task_saving(sender, instance, raw=False, **kwargs) -> None:
    """pre_save of a task: where the tally counts it now (its row locked until commit)."""
    if not raw:
        instance._tally_before = _state_in_db(instance.pk) if instance.pk else None


def task_saved(sender, instance, raw=False, **kwargs) -> None:
    """post_save of a task: move it to the tally row of what the database now says (a save
    with update_fields keeps the stored state, whatever the instance holds)."""
    if raw:
        return
    before = getattr(instance, "_tally_before", None)
    instance._tally_before = None
    after = _state_in_db(instance.pk)
    moves: dict[tuple, int] = defaultdict(int)
    if before is not None:
        moves[before] -= 1
    if after is not None:
        moves[after] += 1
    _apply_tally(moves)


def task_deleting(sender, instance, origin=None, **kwargs) -> None:
    # A campaign deleted takes its tally rows with it: nothing to count down.
    if isinstance(origin, Task):
        instance._tally_before = _state_in_db(instance.pk)


def task_deleted(sender, instance, origin=None, **kwargs) -> None:
    before = getattr(instance, "_tally_before", None)
    if before is not None:
        instance._tally_before = None
        _apply_tally({before: -1})


def units_merged(sender, survivor, merged, **kwargs) -> None:
    """organisations.services.merge_units moved the merged unit's tasks to the survivor by
    UPDATE: recount both units' tally rows from their tasks (locked first), inside the merge."""
    units = [survivor.pk, merged.pk]
    list(_locked(Task.objects.filter(lead_unit__in=units)).values_list("pk", flat=True))
    q = Q(unit_id__in=units)
    TaskTally.objects.filter(q).delete()
    figures = computed_task_tallies(Q(lead_unit__in=units))
    TaskTally.objects.bulk_create(
        [TaskTally(**dict(zip(TALLY_KEY, key, strict=True)), tasks=n) for key, n in figures.items()]
    )


def recompute_campaign(campaign_id: int) -> int:
    return recompute_tasks(
        Task.objects.filter(campaign_id=campaign_id).values_list("pk", flat=True)
    )


@transaction.atomic
def tasks_changed(task_ids: Iterable[int]) -> None:
    """Recount these tasks after records linked to them changed (called by
    `activities.recount.records_changed`, the one hook of every record change, and by the
    task services after a task's target or dates change), inside the change's transaction.

    The task rows are locked first, in id order (two changes that share a task wait for each
    other; the same order everywhere, so no deadlock; a task edit locks its row by saving it),
    and only then recounted: the recount is a new statement, so under READ COMMITTED it sees
    every approval committed by an earlier holder of the lock. Without the lock two approvals
    landing together each wrote a count that missed the other's record."""
    ids = sorted(set(task_ids))
    if not ids:
        return
    list(
        Task.objects.select_for_update(no_key=True)
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    recompute_tasks(ids)


# --- reading it --------------------------------------------------------------------------


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def annotate_progress(periods_qs, today: dt.date | None = None):
    today = _today(today)
    target = F("task__target_count")
    return periods_qs.annotate(
        target=target,
        status=Case(
            When(achieved__gte=target, then=Value(Status.DONE.value)),
            When(due_date__lt=today, then=Value(Status.OVERDUE.value)),
            When(achieved__gt=0, then=Value(Status.IN_PROGRESS.value)),
            default=Value(Status.NOT_STARTED.value),
            output_field=models.CharField(),
        ),
        progress_pct=Least(F("achieved") * 100 / target, Value(100)),
    )


def overdue_tasks(tasks_qs, today: dt.date | None = None):
    """Tasks with a period past its due date and not done."""
    return tasks_qs.filter(open_due__lt=_today(today))


def filter_tasks_by_status(tasks_qs, status: str, today: dt.date | None = None):
    today = _today(today)
    if status == Status.DONE:
        return tasks_qs.filter(open_due__isnull=True)
    if status == Status.OVERDUE:
        return tasks_qs.filter(open_due__lt=today)
    if status == Status.IN_PROGRESS:
        return tasks_qs.filter(open_due__gte=today, has_progress=True)
    if status == Status.NOT_STARTED:
        return tasks_qs.filter(open_due__gte=today, has_progress=False)
    return tasks_qs


@dataclass
class TaskSummary:
    status: str
    done: int
    total: int
    next_period: TaskPeriod | None

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def badge(self) -> str:
        return BADGES[self.status]


def task_summary(task: Task, today: dt.date | None = None, periods=None) -> TaskSummary:
    """Summary of one task from its periods: the prefetched `task.periods` (no query), or
    `periods` given as any objects with index, label, start_date, due_date and achieved."""
    today = _today(today)
    rows = periods if periods is not None else task.periods.all()
    rows = sorted(rows, key=lambda p: p.index)
    statuses = [period_status(p.achieved, task.target_count, p.due_date, today) for p in rows]
    done = statuses.count(Status.DONE)
    if done == len(rows):
        status = Status.DONE
    elif Status.OVERDUE in statuses:
        status = Status.OVERDUE
    elif any(p.achieved > 0 for p in rows):
        status = Status.IN_PROGRESS
    else:
        status = Status.NOT_STARTED
    upcoming = [
        p for p, s in zip(rows, statuses, strict=True) if s != Status.DONE and p.due_date >= today
    ]
    return TaskSummary(status, done, len(rows), upcoming[0] if upcoming else None)


@dataclass(frozen=True)
class PeriodRow:
    """A period read as plain values (cheaper than a model instance on long lists)."""

    id: int
    task_id: int
    index: int
    code: str
    start_date: dt.date
    due_date: dt.date
    achieved: int

    @property
    def label(self) -> str:
        from campaigns.periods import period_label

        return period_label(self.code)


def summarise(tasks, today: dt.date | None = None) -> None:
    """Set `task.summary` on each task of a page with one query for all their periods."""
    tasks = list(tasks)
    by_task = defaultdict(list)
    fields = ("id", "task_id", "index", "code", "start_date", "due_date", "achieved")
    for values in TaskPeriod.objects.filter(task__in=[t.pk for t in tasks]).values_list(*fields):
        row = PeriodRow(*values)
        by_task[row.task_id].append(row)
    for task in tasks:
        task.summary = task_summary(task, today, by_task[task.pk])


@dataclass
class DomainCount:
    campaign_domain: CampaignDomain
    total: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def domain(self):
        return self.campaign_domain.domain

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def domain_counts(campaign, today: dt.date | None = None) -> list[DomainCount]:
    """Tasks per campaign domain: total, done (every period done), overdue. Two queries."""
    today = _today(today)
    rows = {
        row["domain_id"]: row
        for row in Task.objects.filter(campaign=campaign)
        .order_by()
        .values("domain_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(open_due__isnull=True)),
            overdue=Count("pk", filter=Q(open_due__lt=today)),
        )
    }
    result = []
    for cd in CampaignDomain.objects.filter(campaign=campaign).select_related(
        "domain", "lead_unit"
    ):
        row = rows.get(cd.domain_id, {})
        result.append(
            DomainCount(cd, row.get("total", 0), row.get("done", 0), row.get("overdue", 0))
        )
    return result
