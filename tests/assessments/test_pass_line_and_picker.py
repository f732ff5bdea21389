"""Issue 14 item 8: 达标 follows from the score and the item's pass line unless the reviewer
writes why; ledger records are picked by searching title, unit and date (htmx and plain)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from assessments import services
from assessments.models import ItemScore, LinkedRecord
from sites.models import Status
from tests.assessments.factories import make_site
from tests.factories import RecordFactory


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


@pytest.fixture
def precheck(world, criteria):
    site = make_site(world.campaign_a, world.unit_a1, status=Status.SELF_ASSESSED)
    return services.start_assessment("precheck", criteria, world.office_a, site=site)


def manual(assessment):
    return assessment.scores.filter(item__auto_target__isnull=True).select_related("item")


def post(client, assessment, data, **extra):
    url = reverse("assessments:assessment_save", args=[assessment.pk])
    return client.post(url, data, **extra)


def test_pass_follows_the_score_and_the_pass_line(world, login, precheck):
    low, high = manual(precheck)[:2]
    assert low.item.pass_line == Decimal("6.0")  # 60% of 10 points when none is set
    high.item.pass_score = Decimal(9)
    high.item.save()
    client = login(world.office_a)
    data = {f"score-{low.item_id}": "5", f"score-{high.item_id}": "8.5"}
    assert post(client, precheck, data).status_code == 302
    low.refresh_from_db()
    high.refresh_from_db()
    assert low.passed is False and high.passed is False
    assert post(client, precheck, {f"score-{low.item_id}": "6"}).status_code == 302
    low.refresh_from_db()
    assert low.passed is True and low.pass_reason == ""


def test_a_decision_against_the_score_needs_a_reason(world, login, precheck):
    item = manual(precheck).first()
    client = login(world.office_a)
    data = {f"score-{item.item_id}": "4", f"passed-{item.item_id}": "1"}
    response = post(client, precheck, data)
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r["score"].item_id == item.item_id)
    assert row["error"] == "得分 4 分（达标线 6.0 分）应判定为“不达标”；改判须写明理由。"
    item.refresh_from_db()
    assert item.score is None and item.passed is None  # nothing saved
    data[f"passreason-{item.item_id}"] = "整改已当场完成，复核认可"
    assert post(client, precheck, data).status_code == 302
    item.refresh_from_db()
    assert item.passed is True and item.pass_reason == "整改已当场完成，复核认可"
    page = client.get(reverse("assessments:assessment_detail", args=[precheck.pk]))
    assert "整改已当场完成，复核认可" in page.content.decode()


def test_search_finds_records_by_title_unit_and_date_with_htmx(world, login, precheck):
    lecture = RecordFactory(
        campaign=world.campaign_a,
        unit=world.unit_a1,
        title="村干部廉政党课",
        date=dt.date(2026, 5, 20),
    )
    RecordFactory(
        campaign=world.campaign_a,
        unit=world.unit_a1,
        title="廉政电影放映",
        date=dt.date(2026, 4, 2),
    )
    RecordFactory(
        campaign=world.campaign_a, unit=world.unit_a2, title="村干部廉政党课"
    )  # other unit
    score = manual(precheck).first()
    url = reverse("assessments:record_pick", args=[precheck.pk, score.pk])
    client = login(world.office_a)
    for query in ("党课", "甲一村 2026-05", "2026年5月"):
        response = client.get(url, {"q": query}, HTTP_HX_REQUEST="true")
        assert [r.pk for r in response.context["found"]] == [lecture.pk], query
        assert f'name="records-{score.item_id}" value="{lecture.pk}"' in response.content.decode()
    data = {f"score-{score.item_id}": "8", f"records-{score.item_id}": str(lecture.pk)}
    assert post(client, precheck, data).status_code == 302
    assert LinkedRecord.objects.filter(item_score=score, record=lecture).exists()
    again = client.get(url, {"q": "党课"}, HTTP_HX_REQUEST="true")
    assert again.context["found"] == []  # already linked


def test_picker_page_works_without_javascript(world, login, precheck):
    lecture = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, title="廉政党课")
    score = manual(precheck).first()
    url = reverse("assessments:record_pick", args=[precheck.pk, score.pk])
    client = login(world.office_a)
    page = client.get(url, {"q": "党课"})
    assert page.status_code == 200 and "<form" in page.content.decode()
    assert client.post(url, {"records": [lecture.pk]}).status_code == 302
    assert LinkedRecord.objects.filter(item_score=score, record=lecture).exists()
    other = RecordFactory(campaign=world.campaign_a, unit=world.unit_a2, title="乙")
    response = client.post(url, {"records": [other.pk]}, follow=True)
    assert "只能关联被评单位本年度已审核通过的活动记录" in response.content.decode()
    assert not LinkedRecord.objects.filter(record=other).exists()
    response = client.post(url, {"records": ["x"]}, follow=True)
    assert "请勾选要关联的活动记录" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"), [("office_b", 404), ("outsider", 404), ("liaison_b1", 404)]
)
def test_picker_refused_to_others(world, login, precheck, who, status):
    score = manual(precheck).first()
    record = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1)
    url = reverse("assessments:record_pick", args=[precheck.pk, score.pk])
    client = login(getattr(world, who))
    assert client.get(url, {"q": "党课"}).status_code == status
    assert client.post(url, {"records": [record.pk]}).status_code == status
    assert not LinkedRecord.objects.exists()
    assert ItemScore.objects.filter(pk=score.pk, score__isnull=True).exists()
