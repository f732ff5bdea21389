import datetime as dt

import pytest

from activities import recount
from activities.models import ActivityRecord
from activities.types import ActivityType
from campaigns import progress
from campaigns.models import Task, TaskPeriod
from campaigns.progress import Status
from campaigns.services import save_task
from tests.factories import TODAY, RecordFactory, TaskFactory, domain

D = dt.date


def semester_task(world, **kwargs):
    task = TaskFactory(
        campaign=world.campaign_a,
        lead_unit=world.unit_a1,
        recurrence=Task.Recurrence.SEMESTER,
        start_date=D(2026, 3, 1),
        due_date=D(2026, 12, 31),
        periods=False,
        **kwargs,
    )
    return save_task(task)


def record(world, task, **kwargs):
    rec = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, **kwargs)
    rec.tasks.add(task)
    recount.records_changed([rec.pk])
    return rec


def achieved(task):
    return list(task.periods.order_by("index").values_list("achieved", flat=True))


def test_only_approved_records_in_the_window_count(world):
    task = semester_task(world)
    record(world, task, date=D(2026, 4, 1))
    record(world, task, date=D(2026, 7, 15))  # last day of spring
    record(world, task, date=D(2026, 8, 1))  # summer holiday: in no period
    record(world, task, date=D(2026, 10, 1))
    record(world, task, date=D(2026, 5, 1), status=ActivityRecord.Status.SUBMITTED)
    assert achieved(task) == [2, 1]


def test_participants_and_percent_measures(world):
    people = semester_task(world, measure=Task.Measure.PARTICIPANTS, target_count=100)
    share = semester_task(
        world, measure=Task.Measure.PERCENT, target_count=100, target_base=80, title="覆盖"
    )
    for task in (people, share):
        record(world, task, date=D(2026, 4, 1), participants=30)
        record(world, task, date=D(2026, 5, 1), participants=45)
    assert achieved(people) == [75, 0]
    assert achieved(share) == [93, 0]  # 75 / 80 = 93.75 %, floored


def test_activity_types_restrict_what_counts(world):
    task = semester_task(world, activity_types=[ActivityType.FILM])
    record(world, task, date=D(2026, 4, 1), type=ActivityType.FILM)
    record(world, task, date=D(2026, 4, 2), type=ActivityType.LECTURE)
    assert achieved(task) == [1, 0]


def test_changing_the_target_measure_recomputes(world):
    task = semester_task(world)
    record(world, task, date=D(2026, 4, 1), participants=12)
    task.measure = Task.Measure.PARTICIPANTS
    save_task(task)
    assert achieved(task) == [12, 0]


def test_unapproving_and_unlinking_update_the_stored_figure(world):
    task = semester_task(world)
    rec = record(world, task, date=D(2026, 4, 1))
    other = record(world, task, date=D(2026, 4, 2))
    before = recount.footprints([rec.pk])
    ActivityRecord.objects.filter(pk=rec.pk).update(status=ActivityRecord.Status.RETURNED)
    recount.records_changed([rec.pk], before=before.values())
    assert achieved(task) == [1, 0]
    other.tasks.clear()
    progress.tasks_changed([task.pk])
    assert achieved(task) == [0, 0]


def test_stored_figure_equals_the_figure_computed_from_the_rows(world):
    tasks = [semester_task(world, title=f"任务{i}", target_count=i + 1) for i in range(4)]
    tasks.append(
        semester_task(world, title="人次", measure=Task.Measure.PARTICIPANTS, target_count=50)
    )
    for i in range(30):
        rec = RecordFactory(
            campaign=world.campaign_a,
            unit=world.unit_a1,
            date=D(2026, 3, 1) + dt.timedelta(days=9 * i),
            participants=i,
            status=ActivityRecord.Status.APPROVED if i % 3 else ActivityRecord.Status.SUBMITTED,
        )
        rec.tasks.set(tasks[i % 3 : i % 3 + 3])
        recount.records_changed([rec.pk])
    stored = dict(TaskPeriod.objects.values_list("pk", "achieved"))

    # the independent check: every period against every record, straight from the rows
    expected = {}
    for period in TaskPeriod.objects.select_related("task"):
        hits = [
            r
            for r in ActivityRecord.objects.filter(tasks=period.task, status="approved")
            if period.start_date <= r.date <= period.due_date
        ]
        if period.task.measure == Task.Measure.ACTIVITIES:
            expected[period.pk] = len(hits)
        else:
            expected[period.pk] = sum(r.participants for r in hits)
    assert stored == expected
    assert any(stored.values())
    # the task-level aggregates follow from the same rows
    for task in Task.objects.prefetch_related("periods"):
        undone = [p.due_date for p in task.periods.all() if expected[p.pk] < task.target_count]
        assert task.open_due == (min(undone) if undone else None)
        assert task.has_progress == any(expected[p.pk] for p in task.periods.all())
    assert Task.objects.filter(open_due__isnull=True).exists()  # some task is fully done
    assert progress.compute_achieved([t.pk for t in tasks]) == stored


@pytest.mark.parametrize(
    ("achieved", "due", "expected"),
    [
        (2, D(2026, 6, 1), Status.DONE),
        (1, D(2026, 6, 14), Status.OVERDUE),
        (1, D(2026, 6, 15), Status.IN_PROGRESS),
        (0, D(2026, 7, 1), Status.NOT_STARTED),
        (0, D(2026, 6, 1), Status.OVERDUE),
    ],
)
def test_period_status(achieved, due, expected):
    assert progress.period_status(achieved, 2, due, TODAY) == expected


def test_annotate_progress_matches_the_model_method(world):
    task = semester_task(world, target_count=2)
    record(world, task, date=D(2026, 4, 1))
    rows = progress.annotate_progress(TaskPeriod.objects.filter(task=task), today=TODAY)
    got = [(p.status, p.target, p.progress_pct) for p in rows]
    assert got == [(Status.IN_PROGRESS, 2, 50), (Status.NOT_STARTED, 2, 0)]
    spring = task.periods.get(index=1)
    assert spring.status(D(2026, 7, 16)) == Status.OVERDUE


def make_statuses(world):
    """One task in each status on TODAY (2026-06-15)."""
    done = TaskFactory(campaign=world.campaign_a, title="完成", target_count=1)
    overdue = TaskFactory(campaign=world.campaign_a, title="逾期", due_date=D(2026, 6, 1))
    going = TaskFactory(campaign=world.campaign_a, title="进行")
    idle = TaskFactory(campaign=world.campaign_a, title="未开始", domain=domain("schools"))
    for task in (done, going):
        record(world, task, date=D(2026, 5, 1))
    return {"done": done, "overdue": overdue, "in_progress": going, "not_started": idle}


def test_task_status_filters_and_summaries_agree(world):
    tasks = make_statuses(world)
    qs = Task.objects.filter(campaign=world.campaign_a).prefetch_related("periods")
    for status, task in tasks.items():
        assert list(progress.filter_tasks_by_status(qs, status, TODAY)) == [task]
        assert progress.task_summary(task, TODAY).status == status
    assert list(progress.overdue_tasks(qs, TODAY)) == [tasks["overdue"]]


def test_domain_counts_in_two_queries(world, django_assert_num_queries):
    from campaigns.models import CampaignDomain
    from organisations.models import Domain

    for d in Domain.objects.filter(is_default=True):
        CampaignDomain.objects.create(campaign=world.campaign_a, domain=d, order=d.order)
    make_statuses(world)
    for i in range(10):
        TaskFactory(campaign=world.campaign_a, title=f"更多{i}", domain=domain("families"))
    with django_assert_num_queries(2):
        counts = {c.domain.code: c for c in progress.domain_counts(world.campaign_a, TODAY)}
    assert len(counts) == 8
    villages = counts["villages"]
    assert (villages.total, villages.done, villages.overdue) == (3, 1, 1)
    assert (counts["schools"].total, counts["families"].total) == (1, 10)
    assert counts["organs"].total == 0
