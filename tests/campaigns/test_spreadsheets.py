import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from campaigns.models import Task
from organisations.models import Organisation

HEADER = [
    "领域",
    "任务名称",
    "内容要求",
    "牵头单位",
    "协办单位",
    "计量方式",
    "目标数",
    "计量单位",
    "覆盖基数",
    "频次",
    "开始日期",
    "截止日期",
    "计入的活动类型",
]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


def row(world, **over):
    data = {
        "领域": "进学校",
        "任务名称": "主题班会",
        "内容要求": "开展一次反腐倡廉主题班会",
        "牵头单位": world.unit_a1.name,
        "协办单位": world.unit_a2.name,
        "计量方式": "活动次数",
        "目标数": 1,
        "计量单位": "次",
        "覆盖基数": None,
        "频次": "每学期",
        "开始日期": dt.datetime(2026, 3, 20),
        "截止日期": "2026-07-10",
        "计入的活动类型": "座谈会、其他",
    }
    data.update(over)
    return [data[h] for h in HEADER]


def workbook(rows, units=None) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.title = "任务"
    sheet.append(HEADER)
    for r in rows:
        sheet.append(r)
    if units is not None:
        unit_sheet = book.create_sheet("单位")
        unit_sheet.append(["单位名称", "单位类型", "主要领域"])
        for u in units:
            unit_sheet.append(u)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("tasks.xlsx", buffer.getvalue())


def post(client, world, upload):
    """Upload, and when the preview opens, confirm it (what an office does)."""
    url = reverse("campaigns:task_import", args=[world.campaign_a.pk])
    response = client.post(url, {"file": upload})
    if response.status_code == 302 and "/import/" in response["Location"]:
        return client.post(response["Location"])
    return response


def test_template_downloads_and_imports_back(world, plan, login):
    client = login(world.office_a)
    response = client.get(reverse("campaigns:task_import_template", args=[world.campaign_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["任务", "单位"]
    assert book["任务"]["A1"].value == "领域"
    upload = SimpleUploadedFile("t.xlsx", response.content)
    result = post(client, world, upload)
    assert result.status_code == 302, result.context["errors"]
    assert Task.objects.filter(campaign=world.campaign_a, title="每学期一堂反腐倡廉教育课").exists()


def test_import_units_and_tasks(world, plan, login):
    upload = workbook(
        [
            row(world),
            row(world, 任务名称="读书角", 牵头单位="甲镇中学", 协办单位="", 频次="一次性"),
        ],
        units=[["甲镇中学", "学校", "进学校"]],
    )
    response = post(login(world.office_a), world, upload)
    assert response.status_code == 302
    school = Organisation.objects.get(name="甲镇中学")
    assert school.township_id == world.township_a.pk and school.unit_type == "school"
    task = Task.objects.get(title="主题班会")
    assert list(task.co_units.all()) == [world.unit_a2]
    assert task.activity_types == ["forum", "other"]
    assert task.periods.get().label == "2026年春季学期"
    assert Task.objects.get(title="读书角").lead_unit == school


def test_one_bad_row_imports_nothing_and_errors_name_the_row(world, plan, login):
    upload = workbook(
        [
            row(world),
            row(world, 任务名称="坏目标", 目标数=0),
            row(world, 任务名称="坏领域", 领域="进月球"),
            row(world, 任务名称="外镇", 牵头单位=world.unit_b1.name),
            row(world, 任务名称="倒日期", 截止日期="2026-01-01"),
            row(world),  # same title as row 2
            row(world, 任务名称="村干部廉政法规讲座", 领域="进农村"),  # exists already
        ],
        units=[["新单位", "飞船", ""]],
    )
    response = post(login(world.office_a), world, upload)
    assert response.status_code == 200
    errors = response.context["errors"]
    text = "\n".join(errors)
    assert "第3行：目标数：目标数须大于0。" in errors
    assert "第4行：领域“进月球”不存在或不在本活动中。" in errors
    assert f"第5行：牵头单位“{world.unit_b1.name}”不是本镇的单位。" in errors
    assert "第6行：截止日期：截止日期不能早于开始日期。" in errors
    assert "第7行：与表中前面的行任务名称重复（同一领域）。" in errors
    assert "第8行：任务：本领域已有同名任务。" in errors
    assert "“单位”表第2行：单位类型“飞船”无效。" in text
    assert not Task.objects.filter(title="主题班会").exists()
    assert not Organisation.objects.filter(name="新单位").exists()
    assert "未导入任何数据" in response.content.decode()


def test_not_a_workbook(world, login):
    upload = SimpleUploadedFile("tasks.xlsx", b"not a zip")
    response = post(login(world.office_a), world, upload)
    assert response.context["errors"] == [
        "无法读取该文件，请上传 .xlsx 格式的Excel表（可先下载模板）。"
    ]


def test_wrong_extension_at_the_field(world, login):
    response = post(login(world.office_a), world, SimpleUploadedFile("t.csv", b"a,b"))
    assert response.context["form"].errors["file"] == ["请上传 .xlsx 格式的Excel文件。"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("leader_a", 403), ("liaison_a1", 403), ("liaison_b1", 404), ("outsider", 404)],
)
def test_import_refused(world, plan, login, who, status):
    client = login(getattr(world, who))
    assert post(client, world, workbook([row(world)])).status_code == status
    url = reverse("campaigns:task_import_template", args=[world.campaign_a.pk])
    assert client.get(url).status_code == status
    assert not Task.objects.filter(title="主题班会").exists()


def test_export_follows_the_filters_and_the_viewer(world, plan, login):
    url = reverse("campaigns:task_export")
    response = login(world.office_a).get(url, {"overdue": "1"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["任务"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == ["廉政文化下村活动"]
    assert rows[0][-2] == "已逾期"
    response = login(world.liaison_a1).get(url)
    titles = {
        r[1]
        for r in load_workbook(io.BytesIO(response.content))["任务"].iter_rows(
            min_row=2, values_only=True
        )
    }
    assert titles == {"村干部廉政法规讲座", "廉政文化下村活动"}
    response = login(world.outsider).get(url)
    assert len(list(load_workbook(io.BytesIO(response.content))["任务"].iter_rows(min_row=2))) == 0


def test_list_links_to_the_export_with_its_filters(world, plan, login):
    response = login(world.office_a).get(reverse("campaigns:task_list"), {"overdue": "1"})
    assert response.context["export_url"] == reverse("campaigns:task_export") + "?overdue=1"
