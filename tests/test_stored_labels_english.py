"""Stored text that is really a fixed label is stored as codes and worded at display (issue 16):
task periods, site event notes, notification titles; the admin names every model in Chinese."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.models import Task, TaskPeriod
from campaigns.services import save_task
from notifications.models import Notification, Reminder
from sites import services as site_services
from sites.models import Level, SiteEvent, Status
from tests.assessments.factories import make_site
from tests.factories import TaskFactory


@pytest.fixture(autouse=True)
def _back_to_chinese():
    yield
    from django.conf import settings

    translation.activate(settings.LANGUAGE_CODE)


def english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def test_periods_are_codes_named_in_the_readers_language(world, login):
    task = TaskFactory(campaign=world.campaign_a, periods=False)
    save_task(task)
    task.recurrence = Task.Recurrence.QUARTERLY
    once = TaskFactory(campaign=world.campaign_a, periods=False)
    save_task(once)
    save_task(task)
    assert list(once.periods.values_list("code", flat=True)) == ["whole"]
    assert list(task.periods.values_list("code", flat=True)) == [
        "quarter:2026-1",
        "quarter:2026-2",
        "quarter:2026-3",
    ]
    assert [p.label for p in task.periods.all()] == [
        "2026年第1季度",
        "2026年第2季度",
        "2026年第3季度",
    ]
    client = login(world.office_a)
    url = reverse("campaigns:task_detail", args=[once.pk])
    assert "全程" in client.get(url).content.decode()
    body = english(client).get(url).content.decode()
    assert "Whole task" in body and "全程" not in body
    body = client.get(reverse("campaigns:task_detail", args=[task.pk])).content.decode()
    assert "Q2 2026" in body and "季度" not in body


def test_the_period_migration_converts_stored_labels():
    migration = importlib.import_module("campaigns.migrations.0007_period_codes")
    cases = {
        "全程": "whole",
        "2026年3月": "month:2026-03",
        "2026年第4季度": "quarter:2026-4",
        "2027年度": "year:2027",
        "2026年春季学期": "spring:2026",
        "2025年秋季学期": "autumn:2025",
        "第3期": "part:3",
        "Q2 2026": "quarter:2026-2",
        "Whole task": "whole",
        "全年": "全年",  # not a label the portal wrote: kept, shown as it is
    }
    assert {label: migration.code_for(label) for label in cases} == cases
    for label, code in cases.items():
        kind = code.partition(":")[0]
        if kind in migration.LABELS and not label.isascii():
            assert migration.LABELS[kind](code.partition(":")[2]) == label


@pytest.mark.django_db(transaction=True)  # SQLite: a schema editor outside any atomic block
def test_the_period_migration_rewrites_the_rows_and_back():
    """The data step runs on real rows (one UPDATE per 200 labels) and its reverse restores
    the Chinese labels."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    migration = importlib.import_module("campaigns.migrations.0007_period_codes")
    tasks = [TaskFactory(), TaskFactory()]  # the same labels on two tasks: counted once
    TaskPeriod.objects.filter(task__in=tasks).delete()
    labels = ["全程", "Q2 2026", "全年"] + [f"第{n}期" for n in range(1, 451)]
    day = dt.date(2026, 3, 1)
    TaskPeriod.objects.bulk_create(
        TaskPeriod(task=task, index=i, code=label, start_date=day, due_date=day)
        for task in tasks
        for i, label in enumerate(labels)
    )
    with CaptureQueriesContext(connection) as ctx, connection.schema_editor() as editor:
        migration.to_codes(apps, editor)
    updates = [q for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 3  # 452 labels change: one statement per 200 distinct labels
    codes = list(
        TaskPeriod.objects.filter(task=tasks[1]).order_by("index").values_list("code", flat=True)
    )
    assert codes == ["whole", "quarter:2026-2", "全年"] + [f"part:{n}" for n in range(1, 451)]
    with connection.schema_editor() as editor:
        migration.to_labels(apps, editor)
    back = list(
        TaskPeriod.objects.filter(task=tasks[1]).order_by("index").values_list("code", flat=True)
    )
    assert back == ["全程", "2026年第2季度", "全年"] + labels[3:]


def test_site_event_notes_are_worded_at_display(world, login):
    site = make_site(world.campaign_a, world.unit_a1, status=Status.APPLIED)
    site_services.transition(
        site,
        "name",
        world.reviewer,
        level=Level.DISTRICT,
        doc_number="通纪委〔2025〕3号",
        named_on=dt.date(2025, 6, 1),
    )
    site.refresh_from_db()
    site_services.transition(site, "recommend", world.reviewer)
    named, recommended = SiteEvent.objects.filter(site=site).order_by("id")
    assert (named.remark, named.params) == ("", {"level": "district", "doc": "通纪委〔2025〕3号"})
    assert (recommended.remark, recommended.params) == ("", {"level": "city"})
    assert named.note == "区级 通纪委〔2025〕3号" and recommended.note == "推荐市级命名"
    client = login(world.office_a)
    url = reverse("sites:site_detail", args=[site.pk])
    assert "推荐市级命名" in client.get(url).content.decode()
    body = english(client).get(url).content.decode()
    assert "Recommended for" in body and "推荐市级命名" not in body


def test_a_persons_note_is_kept_as_written(world):
    site = make_site(world.campaign_a, world.unit_a1, status=Status.APPLIED)
    site_services.transition(
        site,
        "name",
        world.reviewer,
        "按期命名",
        level=Level.DISTRICT,
        doc_number="3号",
        named_on=dt.date(2025, 6, 1),
    )
    event = SiteEvent.objects.get(site=site)
    assert event.remark == "按期命名" and event.note == "按期命名"


def test_the_site_event_migration_converts_stored_notes(world):
    migration = importlib.import_module("sites.migrations.0006_site_event_notes_as_codes")
    site = make_site(world.campaign_a, world.unit_a1, status=Status.NAMED)

    def event(action, text):
        return SiteEvent.objects.create(
            site=site, action=action, to_status=Status.NAMED, remark=text, at=timezone.now()
        )

    rows = [
        event("review_due", "已到回头看日期"),
        event("recommend", "推荐省级命名"),
        event("decline_higher", "市级未予命名：展陈面积不足"),
        event("name", "区级 通纪委〔2025〕3号"),
        event("name", "领导现场授牌"),
    ]
    migration.to_codes(apps, None)
    for row in rows:
        row.refresh_from_db()
    assert [(r.remark, r.params) for r in rows] == [
        ("", {}),
        ("", {"level": "province"}),
        ("展陈面积不足", {"level": "city"}),
        ("", {"level": "district", "doc": "通纪委〔2025〕3号"}),
        ("领导现场授牌", {}),
    ]
    assert [r.note for r in rows] == [
        "已到回头看日期",
        "推荐省级命名",
        "市级未予命名：展陈面积不足",
        "区级 通纪委〔2025〕3号",
        "领导现场授牌",
    ]
    migration.to_text(apps, None)
    assert [
        r.remark for r in SiteEvent.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk")
    ] == [
        "已到回头看日期",
        "推荐省级命名",
        "市级未予命名：展陈面积不足",
        "区级 通纪委〔2025〕3号",
        "领导现场授牌",
    ]


def test_notification_titles_read_english_on_english_pages(world, login):
    task = TaskFactory(campaign=world.campaign_a, periods=False, title="警示教育")
    period = TaskPeriod.objects.create(
        task=task, index=1, code="spring:2026", start_date=task.start_date, due_date=task.due_date
    )
    reminder = Reminder.objects.create(
        recipient=world.liaison_a1,
        kind="task_period",
        object_id=period.pk,
        deadline=dt.date(2026, 7, 10),
        offset=-7,
        campaign=world.campaign_a,
        township=world.township_a,
        title="警示教育（2026年春季学期）",
        send_after=timezone.now(),
    )
    Notification.objects.create(
        user=world.liaison_a1,
        reminder=reminder,
        kind="task_period",
        title="【提醒】警示教育（2026年春季学期）",
        body="截止日期 2026年7月10日，还有 7 天。",
    )
    client = login(world.liaison_a1)
    url = reverse("notifications:list")
    assert "【提醒】警示教育（2026年春季学期）" in client.get(url).content.decode()
    body = english(client).get(url).content.decode()
    assert "[Reminder] 警示教育（Spring semester 2026）" in body
    assert "春季学期" not in body and "截止日期" not in body


def test_every_admin_model_has_a_chinese_name():
    translation.activate("zh-hans")
    unnamed = [
        f"{model._meta.app_label}.{model.__name__}: {model._meta.verbose_name_plural}"
        for model in admin.site._registry
        if str(model._meta.verbose_name_plural).isascii()
    ]
    assert not unnamed
    from notifications.models import SweepRun

    assert str(SweepRun._meta.verbose_name_plural) == "提醒扫描记录"
