"""Tasks in working days: "收到通知后 N 个工作日内", due dates rolled off holidays, urgent tasks."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from campaigns import services
from campaigns.forms import MilestoneForm, TaskForm
from campaigns.models import CampaignDomain, Task
from tests.factories import domain

D = dt.date


def task_data(world, **extra):
    villages = domain("villages")
    CampaignDomain.objects.get_or_create(campaign=world.campaign_a, domain=villages)
    data = {
        "domain": villages.pk,
        "title": "收到通知后报送材料",
        "lead_unit": world.unit_a1.pk,
        "measure": "activities",
        "target_count": "1",
        "target_unit": "次",
        "recurrence": "once",
        "start_date": "2026-09-28",
    }
    return data | extra


def test_five_working_days_from_the_notice_skip_national_day(world):
    world.campaign_a.end_date = D(2026, 12, 31)
    world.campaign_a.save()
    form = TaskForm(
        task_data(world, due_workdays="5"),
        campaign=world.campaign_a,
        instance=Task(campaign=world.campaign_a),
    )
    assert form.is_valid(), form.errors
    task = form.save(commit=False)
    services.save_task(task, [])
    # 29, 30 September, 8, 9 October, and Saturday 10 October (worked in lieu)
    assert task.due_date == D(2026, 10, 10)
    assert list(task.periods.values_list("due_date", flat=True)) == [D(2026, 10, 10)]


def test_neither_a_due_date_nor_working_days_is_refused(world):
    form = TaskForm(
        task_data(world), campaign=world.campaign_a, instance=Task(campaign=world.campaign_a)
    )
    assert not form.is_valid()
    assert "请填写截止日期，或按工作日填写期限。" in form.errors["due_date"]


def test_a_due_date_on_a_holiday_rolls_when_the_task_says_so(world):
    world.campaign_a.end_date = D(2026, 12, 31)
    world.campaign_a.save()
    data = task_data(world, due_date="2026-10-03", roll_to_workday="on", title="顺延")
    form = TaskForm(data, campaign=world.campaign_a, instance=Task(campaign=world.campaign_a))
    assert form.is_valid(), form.errors
    task = services.save_task(form.save(commit=False), [])
    assert task.due_date == D(2026, 10, 8)
    plain = TaskForm(
        task_data(world, due_date="2026-10-03", title="不顺延"),
        campaign=world.campaign_a,
        instance=Task(campaign=world.campaign_a),
    )
    assert plain.is_valid()
    assert services.save_task(plain.save(commit=False), []).due_date == D(2026, 10, 3)


def test_monthly_periods_roll_off_weekends_and_holidays(world):
    world.campaign_a.end_date = D(2026, 12, 31)
    world.campaign_a.save()
    data = task_data(
        world,
        start_date="2026-08-01",
        due_date="2026-10-31",
        recurrence="monthly",
        roll_to_workday="on",
    )
    form = TaskForm(data, campaign=world.campaign_a, instance=Task(campaign=world.campaign_a))
    assert form.is_valid(), form.errors
    task = services.save_task(form.save(commit=False), [])
    # 31 August is a Monday; 30 September a Wednesday; 31 October a Saturday → 2 November
    assert list(task.periods.values_list("due_date", flat=True)) == [
        D(2026, 8, 31),
        D(2026, 9, 30),
        D(2026, 11, 2),
    ]


def test_a_deadline_over_an_unknown_year_says_so_on_the_task_page(world, login):
    world.campaign_a.end_date = D(2027, 3, 31)
    world.campaign_a.save()
    data = task_data(world, start_date="2026-12-28", due_workdays="10", title="跨年任务")
    form = TaskForm(data, campaign=world.campaign_a, instance=Task(campaign=world.campaign_a))
    assert form.is_valid(), form.errors
    task = services.save_task(form.save(commit=False), [])
    assert task.calendar_note() == "2027年节假日安排未录入，按周末推算"
    page = login(world.office_a).get(reverse("campaigns:task_detail", args=[task.pk]))
    assert "2027年节假日安排未录入，按周末推算" in page.content.decode()
    assert "收到通知后10个工作日内" in page.content.decode()


def test_a_milestone_in_working_days(world):
    form = MilestoneForm(
        {
            "kind": "other",
            "title": "收到通知后5个工作日内报送",
            "notice_date": "2026-09-28",
            "due_workdays": "5",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["due_date"] == D(2026, 10, 10)
    missing = MilestoneForm({"kind": "other", "title": "x", "due_workdays": "5"})
    assert not missing.is_valid() and "notice_date" in missing.errors
