"""Criteria sets: Excel import (all or nothing), freezing and copying into a new version."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from assessments import services
from assessments.models import CriteriaItem, CriteriaSet

HEADER = ["类别", "编号", "评审内容", "分值", "佐证要求", "自动计分次数", "活动类型", "领域"]


def xlsx(rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("标准.xlsx", buffer.getvalue())


GOOD = [
    ["组织领导", "1.1", "成立创建领导小组", 10, "文件", None, None, None],
    ["活动开展", "4.1", "每年开展廉政党课", 10, "台账", 4, "党课/讲座", "进农村"],
    ["档案资料", "5.1", "档案资料完整", 5, "档案", None, None, None],
]


def form(file, **extra):
    data = {"name": "示范区域标准", "pass_line": "20", "file": file}
    data.update(extra)
    return data


def test_import_a_good_file(world, login):
    response = login(world.reviewer).post(
        reverse("assessments:criteria_import"), form(xlsx(GOOD), district=world.district.pk)
    )
    assert response.status_code == 302
    cs = CriteriaSet.objects.get()
    assert cs.items.count() == 3 and cs.groups.count() == 3
    auto = CriteriaItem.objects.get(code="4.1")
    assert auto.auto_target == 4 and auto.auto_type == "lecture"
    assert auto.auto_domain.code == "villages"
    assert cs.groups.get(name="档案资料").kind == "archives"


def test_import_items_scored_from_the_positions_register(world, login):
    rows = GOOD + [
        ["宣传阵地", "3.1", "设立廉政橱窗", 6, "照片", 1, "宣传阵地", None],
        ["宣传阵地", "3.3", "宣传栏定期更新", 5, "更新记录", 4, "阵地更新", None],
    ]
    login(world.reviewer).post(
        reverse("assessments:criteria_import"), form(xlsx(rows), district=world.district.pk)
    )
    assert dict(
        CriteriaItem.objects.filter(code__startswith="3.").values_list("code", "auto_source")
    ) == {"3.1": "positions", "3.3": "position_updates"}
    assert CriteriaItem.objects.get(code="4.1").auto_source == "ledger"
    bad = rows[:3] + [["宣传阵地", "3.3", "宣传栏定期更新", 5, "更新记录", None, "阵地更新", None]]
    response = login(world.reviewer).post(
        reverse("assessments:criteria_import"),
        form(xlsx(bad), name="另一标准", district=world.district.pk),
    )
    assert "按宣传阵地计分须填写自动计分次数" in response.content.decode()
    assert CriteriaSet.objects.count() == 1


def test_a_bad_row_refuses_the_whole_file(world, login):
    rows = GOOD + [["活动开展", "4.1", "重复编号", "abc", None, None, "跳舞", None]]
    response = login(world.office_a).post(
        reverse("assessments:criteria_import"), form(xlsx(rows), district=world.district.pk)
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "第 5 行" in text and "重复" in text and "跳舞" in text
    assert not CriteriaSet.objects.exists()


def test_import_refused(world, login):
    url = reverse("assessments:criteria_import")
    assert login(world.liaison_a1).get(url).status_code == 403
    assert login(world.leader_a).get(url).status_code == 403
    response = login(world.other_reviewer).post(url, form(xlsx(GOOD), district=world.district.pk))
    assert response.status_code == 200 and not CriteriaSet.objects.exists()


def test_frozen_set_is_copied_into_a_new_version(world, login, criteria, site_a1):
    services.start_assessment("self", criteria, world.liaison_a1, site=site_a1)
    criteria.refresh_from_db()
    assert criteria.frozen
    url = reverse("assessments:criteria_copy", args=[criteria.pk])
    assert login(world.liaison_a1).post(url).status_code == 403
    assert login(world.other_reviewer).post(url).status_code == 404
    assert login(world.reviewer).get(url).status_code == 405
    response = login(world.reviewer).post(url)
    copy = CriteriaSet.objects.exclude(pk=criteria.pk).get()
    assert response.status_code == 302
    assert copy.version == 2 and not copy.frozen and copy.items.count() == 6
    assert copy.items.filter(auto_target=4).count() == 1


def test_criteria_pages(world, login, criteria):
    assert login(world.liaison_a1).get(reverse("assessments:criteria_list")).status_code == 200
    detail = reverse("assessments:criteria_detail", args=[criteria.pk])
    assert login(world.liaison_b1).get(detail).status_code == 200  # same district
    assert login(world.other_reviewer).get(detail).status_code == 404
    assert login(world.outsider).get(detail).status_code == 404


def test_a_frozen_set_refuses_edits(world, criteria, site_a1):
    import pytest

    item = criteria.items.first()
    item.text = "改过的条目"
    services.save_item(criteria, item, world.reviewer)  # not used yet: allowed
    services.start_assessment("self", criteria, world.liaison_a1, site=site_a1)
    item.text = "再改"
    with pytest.raises(services.AssessmentError) as exc:
        services.save_item(criteria, item, world.reviewer)
    assert "复制为新版本" in exc.value.message
    item.refresh_from_db()
    assert item.text == "改过的条目"


def test_pass_score_column_sets_each_items_pass_line(world, login):
    header = HEADER[:4] + ["达标分"] + HEADER[4:]
    rows = [r[:4] + [p] + r[4:] for r, p in zip(GOOD, [8, None, 3], strict=True)]
    client = login(world.reviewer)
    url = reverse("assessments:criteria_import")
    bad = [GOOD[0][:4] + [12] + GOOD[0][4:]]
    response = client.post(url, form(xlsx(bad, header), district=world.district.pk))
    assert "达标分不能高于分值" in response.content.decode()
    assert not CriteriaSet.objects.exists()
    client.post(url, form(xlsx(rows, header), district=world.district.pk))
    lines = {i.code: i.pass_line for i in CriteriaItem.objects.all()}
    assert lines == {"1.1": 8, "4.1": 6, "5.1": 3}
