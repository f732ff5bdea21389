"""The township figures equal what the rows say."""

from __future__ import annotations

import datetime as dt

from assessments.models import Rectification
from campaigns import progress
from campaigns.models import TaskPeriod
from dashboard.figures import district_figures, month_starts, months_reports_due, township_figures
from tests.dashboard.factories import rectification
from tests.factories import TownshipFactory


def by_code(figures):
    return {d.domain.code: d for d in figures.domains}


def test_phase_and_days_left(known, world, today):
    figures = township_figures(world.township_a, today)
    assert figures.campaign == world.campaign_a
    assert figures.phase.name == "实施创建阶段"
    assert figures.days_left == 25
    assert [m.title for m in figures.milestones] == ["申报验收"]


def test_tasks_per_domain(known, world, today):
    figures = township_figures(world.township_a, today)
    domains = by_code(figures)
    assert list(domains) == ["villages", "schools", "families"]
    v, s, f = domains["villages"].tasks, domains["schools"].tasks, domains["families"].tasks
    assert (v.done, v.open, v.overdue) == (1, 0, 1)
    assert (s.done, s.open, s.overdue) == (0, 1, 0)
    # participants 110 >= 100 done; percent 30/50 = 60% < 80% and past due: overdue
    assert (f.done, f.open, f.overdue) == (1, 0, 1)
    assert (figures.tasks.done, figures.tasks.open, figures.tasks.overdue) == (2, 1, 2)
    assert figures.tasks.done_percent == 40


def test_task_counts_follow_campaigns_progress(known, world, today):
    """The SQL folding of tasks equals campaigns.progress.task_summary, task by task: done when
    every period is, overdue when one period is past due and not done."""
    from campaigns.models import Task

    expected = {}
    for task in Task.objects.filter(campaign=world.campaign_a).prefetch_related("periods"):
        status = progress.task_summary(task, today).status
        folded = {"done": "done", "overdue": "overdue"}.get(status, "open")
        key = (task.domain.code, folded)
        expected[key] = expected.get(key, 0) + 1
    figures = township_figures(world.township_a, today)
    found = {
        (d.domain.code, status): getattr(d.tasks, status)
        for d in figures.domains
        for status in ("done", "open", "overdue")
        if getattr(d.tasks, status)
    }
    assert found == expected
    # and the stored progress equals what the records say
    periods = TaskPeriod.objects.filter(task__campaign=world.campaign_a)
    assert dict(periods.values_list("pk", "achieved")) == progress.compute_achieved(
        periods.values_list("task_id", flat=True)
    )


def test_approved_records_and_participants(known, world, today):
    figures = township_figures(world.township_a, today)
    domains = by_code(figures)
    assert (domains["villages"].records, domains["villages"].participants) == (3, 65)
    assert (domains["families"].records, domains["families"].participants) == (3, 140)
    assert (domains["schools"].records, domains["schools"].participants) == (0, 0)
    assert (figures.records, figures.participants) == (6, 205)


def test_units_ranked_by_what_they_owe(known, world, today):
    figures = township_figures(world.township_a, today)
    # March is covered from the 20th only: not due
    assert [m.strftime("%m") for m in figures.months_due] == ["04", "05"]
    ranking = [
        (
            u.unit,
            u.overdue_tasks,
            u.missing_reports,
            u.open_rectifications,
            u.overdue_rectifications,
            u.total,
        )
        for u in figures.units
    ]
    # a1: 2 tasks with an overdue period, April and May reports not submitted (records are not
    # reports), 2 open rectifications (1 overdue); a2: April and May not submitted.
    assert ranking == [(world.unit_a1, 2, 2, 2, 1, 6), (world.unit_a2, 0, 2, 0, 0, 2)]
    assert figures.owing_units == figures.units
    assert (figures.open_rectifications, figures.overdue_rectifications) == (2, 1)


def test_site_readiness(known, world, today):
    figures = township_figures(world.township_a, today)
    a1, a2 = figures.sites
    assert a1.site.name == "甲一村廉政文化广场"
    # manual 50 + 2 approved lectures of 4 (20 of 40 points) = 70 >= 60, but rectifications open
    assert (a1.assessed_score, a1.auto_score, a1.projected_score) == (50, 20, 70)
    assert a1.pass_line == 60 and a1.status == "at_risk"
    assert (a1.open_rectifications, a1.overdue_rectifications) == (2, 1)
    assert a2.status == "not_assessed" and a2.projected_score == 10
    assert figures.sites_ready == 0


def test_rectifications_counted_as_the_querysets_open_and_overdue(known, world, today):
    """Due today is open, not yet overdue; answered is still open; closed is neither — the
    units' table and the sites' readiness count as `open()` and `overdue(today)` do."""
    rectification(world.campaign_a, world.unit_a1, today)
    rectification(
        world.campaign_a, world.unit_a1, dt.date(2026, 6, 2), status=Rectification.Status.ANSWERED
    )
    mine = Rectification.objects.filter(campaign=world.campaign_a, unit=world.unit_a1)
    expected = (mine.open().count(), mine.overdue(today).count())
    assert expected == (4, 2)
    figures = township_figures(world.township_a, today)
    [unit] = [u for u in figures.units if u.unit == world.unit_a1]
    assert (unit.open_rectifications, unit.overdue_rectifications) == expected
    site = next(r for r in figures.sites if r.site.unit_id == world.unit_a1.pk)
    assert (site.open_rectifications, site.overdue_rectifications) == expected


def test_trend_by_month_and_type(known, world, today):
    figures = township_figures(world.township_a, today)
    assert [m.month for m in figures.trend_months] == [3, 4, 5, 6]
    assert [code for code, _ in figures.trend_types] == ["lecture", "film", "forum"]
    rows = {r["month"].month: (r["cells"], r["total"]) for r in figures.trend_rows()}
    assert rows[3] == ([("lecture", 0), ("film", 0), ("forum", 0)], 0)
    assert rows[4] == ([("lecture", 1), ("film", 0), ("forum", 0)], 1)
    assert rows[5] == ([("lecture", 0), ("film", 2), ("forum", 1)], 3)
    assert rows[6] == ([("lecture", 2), ("film", 0), ("forum", 0)], 2)


def test_township_without_campaign(world, today):
    figures = township_figures(TownshipFactory(parent=world.district), today)
    assert figures.campaign is None
    assert figures.domains == []


def test_district_side_by_side(known, world, today):
    figures = district_figures(world.district, today)
    rows = {r.township: r for r in figures.rows}
    assert list(rows) == [world.township_a, world.township_b] or list(rows) == [
        world.township_b,
        world.township_a,
    ]
    a, b = rows[world.township_a], rows[world.township_b]
    assert (a.tasks.done, a.tasks.open, a.tasks.overdue) == (2, 1, 2)
    assert a.records == 6 and b.records == 1
    assert a.phase.name == "实施创建阶段" and a.days_left == 25
    assert (b.tasks.total, b.campaign) == (0, world.campaign_b)
    assert figures.tasks.overdue == 2


def test_months():
    assert month_starts(dt.date(2026, 11, 20), dt.date(2027, 2, 1)) == [
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 1),
        dt.date(2027, 1, 1),
        dt.date(2027, 2, 1),
    ]


def test_month_report_due_only_after_the_report_day(world):
    campaign = world.campaign_a  # report day 5, from 20 March: March is not due
    assert months_reports_due(campaign, dt.date(2026, 5, 5)) == []
    assert months_reports_due(campaign, dt.date(2026, 5, 6)) == [dt.date(2026, 4, 1)]
