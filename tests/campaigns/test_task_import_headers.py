"""Task import in the office's own table (issue 14 item 2): columns by header, a preview, once."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from campaigns.models import Task
from organisations.models import StagedImport


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


def sheet(*rows, title="Sheet1") -> SimpleUploadedFile:
    book = Workbook()
    ws = book.active
    ws.title = title
    for r in rows:
        ws.append(list(r))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("本镇任务安排表.xlsx", buffer.getvalue())


def upload(client, world, file):
    return client.post(reverse("campaigns:task_import", args=[world.campaign_a.pk]), {"file": file})


def seed_001_layout(world):
    """The county plan's own table: a title line, 序号 / 工作内容 / 主办单位 / 协办单位 / 完成时限,
    a heading row per domain, time limits written the way offices write them."""
    a1, a2 = world.unit_a1.name, world.unit_a2.name
    return sheet(
        ["2026年全镇廉政文化建设重点工作计划安排表"],
        ["序号", "工作内容", "主办单位", "协办单位", "完成时限"],
        ["一、廉政文化进农村"],
        [1, "主要路口刷写廉政标语", a1, a2, "6月底前"],
        [2, "村干部述职述廉", a2, "", "全年"],
        ["二、廉政文化进机关"],
        [3, "一把手讲廉政党课", a1, f"{a2}，", "每季度"],
        [4, "观看警示教育片", a2, a1, "2026年5月20日"],
    )


def test_a_sheet_in_seed_001_layout_imports(world, plan, login):
    client = login(world.office_a)
    response = upload(client, world, seed_001_layout(world))
    assert response.status_code == 302, response.context["errors"]
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert [r["title"] for r in preview.context["result"].preview] == [
        "主要路口刷写廉政标语",
        "村干部述职述廉",
        "一把手讲廉政党课",
        "观看警示教育片",
    ]
    assert not Task.objects.filter(title="村干部述职述廉").exists()  # nothing saved yet
    assert client.post(response["Location"]).status_code == 302
    slogans = Task.objects.get(title="主要路口刷写廉政标语")
    assert slogans.domain.name == "进农村"
    assert slogans.lead_unit == world.unit_a1
    assert list(slogans.co_units.all()) == [world.unit_a2]
    assert slogans.due_date == dt.date(2026, 6, 30)
    assert Task.objects.get(title="村干部述职述廉").due_date == world.campaign_a.end_date
    lecture = Task.objects.get(title="一把手讲廉政党课")
    assert lecture.domain.name == "进机关"
    assert lecture.recurrence == Task.Recurrence.QUARTERLY
    assert Task.objects.get(title="观看警示教育片").due_date == dt.date(2026, 5, 20)


def test_co_host_column_before_lead_keeps_lead_and_co_host_right(world, plan, login):
    file = sheet(
        ["领域", "任务", "协办单位", "主办单位", "时间要求"],
        ["机关", "廉政知识竞赛", world.unit_a2.name, world.unit_a1.name, "2026-06-30"],
        ["进机关", "廉政书法展", world.unit_a1.name, world.unit_a2.name, "6月30日前"],
    )
    client = login(world.office_a)
    response = upload(client, world, file)
    client.post(response["Location"])
    contest = Task.objects.get(title="廉政知识竞赛")
    assert contest.lead_unit == world.unit_a1
    assert list(contest.co_units.all()) == [world.unit_a2]
    show = Task.objects.get(title="廉政书法展")
    assert show.lead_unit == world.unit_a2 and show.domain == contest.domain


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            ["序号", "工作内容", "主办单位", "牵头单位", "完成时限"],
            "“主办单位”和“牵头单位”都表示“牵头单位”，无法确定用哪一列，请只保留一列。",
        ),
        (["序号", "工作内容", "协办单位", "完成时限"], "缺少“牵头单位”列"),
        (["甲", "乙", "丙"], "找不到表头"),
    ],
)
def test_missing_or_ambiguous_headers_are_refused(world, plan, login, header, message):
    file = sheet(header, [1, "任务一", world.unit_a1.name, world.unit_a2.name, "全年"])
    response = upload(login(world.office_a), world, file)
    assert response.status_code == 200
    assert message in "\n".join(response.context["errors"])
    assert not StagedImport.objects.exists()


def test_every_error_of_every_row_at_once(world, plan, login):
    file = sheet(
        ["序号", "领域", "工作内容", "主办单位", "协办单位", "完成时限", "目标数"],
        [1, "进月球", "任务一", "火星村", "木星村", "下辈子", 0],
        [2, "进机关", "", world.unit_a1.name, "", "全年", 1],
    )
    response = upload(login(world.office_a), world, file)
    errors = response.context["errors"]
    assert "第2行（序号1）：领域“进月球”不存在或不在本活动中。" in errors
    assert "第2行（序号1）：牵头单位“火星村”不是本镇的单位。" in errors
    assert "第2行（序号1）：协办单位“木星村”不是本镇的单位。" in errors
    assert any(e.startswith("第2行（序号1）：完成时限“下辈子”无法识别") for e in errors)
    assert "第2行（序号1）：目标数：目标数须大于0。" in errors
    assert any(e.startswith("第3行（序号2）：任务：") for e in errors)
    assert not StagedImport.objects.exists() and not Task.objects.filter(title="任务一").exists()


def test_confirm_twice_imports_once(world, plan, login):
    client = login(world.office_a)
    response = upload(client, world, seed_001_layout(world))
    url = response["Location"]
    assert client.post(url).status_code == 302
    again = client.post(url, follow=True)
    assert "这张表已经导入过" in again.content.decode()
    assert Task.objects.filter(title="一把手讲廉政党课").count() == 1
    assert client.get(url).status_code == 302  # the preview of a done import goes to the list


def test_commit_rechecks_rows_against_the_database_then(world, plan, login):
    client = login(world.office_a)
    response = upload(client, world, seed_001_layout(world))
    world.unit_a2.is_active = False
    world.unit_a2.save()
    result = client.post(response["Location"])
    assert result.status_code == 200
    assert any(f"“{world.unit_a2.name}”不是本镇的单位" in e for e in result.context["errors"])
    assert not Task.objects.filter(title="一把手讲廉政党课").exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("office_b", 404), ("leader_a", 403), ("liaison_a1", 403), ("outsider", 404)],
)
def test_preview_refused_to_others(world, plan, login, who, status):
    client = login(world.office_a)
    url = upload(client, world, seed_001_layout(world))["Location"]
    other = login(getattr(world, who))
    assert other.get(url).status_code == status
    assert other.post(url).status_code == status
    assert not Task.objects.filter(title="一把手讲廉政党课").exists()
