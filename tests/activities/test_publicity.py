"""The publicity ledger: filing on a phone, review, totals with drill-down, year-end points."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activities import publicity
from activities.models import Channel, PublicityItem
from assessments import yearend
from assessments.models import YearEndScore
from tests.activities.factories import pdf_bytes
from tests.factories import TODAY

pytestmark = pytest.mark.usefixtures("_today")


@pytest.fixture
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


def form(**extra):
    data = {
        "unit": "",
        "title": "甲一村开展廉政党课",
        "channel": Channel.DISTRICT_SITE,
        "outlet": "区纪委网站",
        "published_on": "2026-05-10",
        "link": "https://jw.example.gov.cn/a/1",
    }
    data.update(extra)
    return data


def make(world, unit=None, status="approved", **fields):
    unit = unit or world.unit_a1
    data = {
        "title": fields.pop("title", "报道"),
        "channel": fields.pop("channel", Channel.INTERNET),
        "outlet": "区政府网",
        "published_on": fields.pop("published_on", dt.date(2026, 5, 1)),
        "link": "https://example.gov.cn/x",
        "domain": None,
    }
    item = publicity.file_item(unit, data, None, world.liaison_a1)
    if status != "submitted":
        publicity.review_item(
            item, approve=status == "approved", by=world.office_a, reason="不符合"
        )
    return item


def test_liaison_files_with_link_office_approves(world, login):
    client = login(world.liaison_a1)
    assert client.get(reverse("activities:publicity_create")).status_code == 200
    response = client.post(reverse("activities:publicity_create"), form(unit=world.unit_a1.pk))
    item = PublicityItem.objects.get()
    assert response.status_code == 302
    assert item.status == PublicityItem.Status.SUBMITTED and item.campaign == world.campaign_a
    assert item.township == world.township_a and item.filed_by == world.liaison_a1

    response = login(world.office_a).post(
        reverse("activities:publicity_review", args=[item.pk]), {"decision": "approve"}
    )
    item.refresh_from_db()
    assert item.status == PublicityItem.Status.APPROVED and item.reviewed_by == world.office_a
    # a stale second review changes nothing and says why
    response = login(world.office_a).post(
        reverse("activities:publicity_review", args=[item.pk]),
        {"decision": "return", "reason": "重复"},
        follow=True,
    )
    assert "不能重复审核" in response.content.decode()
    item.refresh_from_db()
    assert item.status == PublicityItem.Status.APPROVED
    detail = login(world.leader_a).get(reverse("activities:publicity_detail", args=[item.pk]))
    assert detail.status_code == 200 and len(detail.context["history"]) == 2


def test_clipping_instead_of_link(world, login):
    client = login(world.liaison_a1)
    clip = SimpleUploadedFile("剪报.pdf", pdf_bytes())
    client.post(
        reverse("activities:publicity_create"),
        form(unit=world.unit_a1.pk, link="", channel=Channel.PRESS, clipping_file=clip),
    )
    item = PublicityItem.objects.get()
    assert item.clipping and item.clipping_name == "剪报.pdf"
    response = client.get(reverse("activities:publicity_clipping", args=[item.pk]))
    assert response.status_code == 200
    assert (
        login(world.liaison_a2)
        .get(reverse("activities:publicity_clipping", args=[item.pk]))
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    "extra,message",
    [
        ({"link": ""}, "请填写链接或上传剪报"),
        ({"link": "not a url"}, "请填写以 http"),
        ({"published_on": "2026-07-01"}, "不能晚于今天"),
        ({"published_on": "2025-07-01"}, "2025年本镇没有创建工作"),
        ({"channel": "radio"}, "选择一个有效的选项"),
        ({"title": ""}, "这个字段是必填项"),
        ({"clipping_file": SimpleUploadedFile("a.pdf", b"nonsense"), "link": ""}, ""),
    ],
)
def test_bad_input_in_chinese_nothing_saved(world, login, extra, message):
    response = login(world.liaison_a1).post(
        reverse("activities:publicity_create"), form(unit=world.unit_a1.pk, **extra)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and ("invalid-feedback" in body or "alert" in body)
    assert PublicityItem.objects.count() == 0


def test_liaison_files_only_for_own_unit(world, login):
    response = login(world.liaison_a1).post(
        reverse("activities:publicity_create"), form(unit=world.unit_a2.pk)
    )
    assert "只能为本单位报送" in response.content.decode()
    assert PublicityItem.objects.count() == 0


def test_returned_item_edited_and_resubmitted(world, login):
    item = make(world, status="returned")
    client = login(world.liaison_a1)
    response = client.post(
        reverse("activities:publicity_edit", args=[item.pk]),
        form(title="修改后的标题", published_on="2026-04-02"),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "修改后的标题" and item.status == PublicityItem.Status.SUBMITTED
    assert item.history.count() == 3
    # approved items are no longer the unit's to change
    publicity.review_item(item, approve=True, by=world.office_a)
    assert client.get(reverse("activities:publicity_edit", args=[item.pk])).status_code == 403


@pytest.mark.parametrize("who", ["outsider", "liaison_a2", "office_b", "liaison_b1"])
def test_others_refused(world, login, who):
    item = make(world, status="submitted")
    client = login(getattr(world, who))
    assert client.get(reverse("activities:publicity_detail", args=[item.pk])).status_code == 404
    assert client.get(reverse("activities:publicity_edit", args=[item.pk])).status_code == 404
    assert (
        client.post(reverse("activities:publicity_review", args=[item.pk]), {"decision": "approve"})
    ).status_code == 404
    item.refresh_from_db()
    assert item.status == PublicityItem.Status.SUBMITTED


def test_roles_that_may_not_act(world, login):
    item = make(world, status="submitted")
    for who in ("leader_a", "liaison_a1"):
        response = login(getattr(world, who)).post(
            reverse("activities:publicity_review", args=[item.pk]), {"decision": "approve"}
        )
        assert response.status_code == 403
    assert login(world.office_a).get(reverse("activities:publicity_create")).status_code == 403
    assert login(world.outsider).get(reverse("activities:publicity_list")).status_code == 403
    assert login(world.outsider).get(reverse("activities:publicity_totals")).status_code == 403
    assert (
        login(world.office_a)
        .get(reverse("activities:publicity_review", args=[item.pk]))
        .status_code
        == 405
    )


def test_list_shows_own_unit_to_liaison_and_counts_queries(world, login, django_assert_num_queries):
    for n in range(30):
        make(world, unit=world.unit_a1 if n % 2 else world.unit_a2, title=f"报道{n}")
    make(world, unit=world.unit_b1)  # another township
    client = login(world.office_a)
    url = reverse("activities:publicity_list")
    client.get(url)
    with django_assert_num_queries(8):
        response = client.get(url + "?status=approved")
    assert response.context["page"].paginator.count == 30
    mine = login(world.liaison_a1).get(url)
    assert {i.unit_id for i in mine.context["page"]} == {world.unit_a1.pk}


def test_totals_per_channel_unit_quarter_match_the_drill_down_lists(
    world, login, django_assert_num_queries
):
    make(world, channel=Channel.PROVINCE_SITE, published_on=dt.date(2026, 2, 1))
    make(world, channel=Channel.PROVINCE_SITE, published_on=dt.date(2026, 5, 1))
    make(world, unit=world.unit_a2, channel=Channel.PRESS, published_on=dt.date(2026, 5, 2))
    for _n in range(3):
        make(world, channel=Channel.UNIT_INTRANET, published_on=dt.date(2026, 4, 9))
    make(world, channel=Channel.TV, status="returned")  # not counted
    make(world, channel=Channel.TV, status="submitted")  # not counted
    client = login(world.office_a)
    url = reverse("activities:publicity_totals")
    client.get(url)
    with django_assert_num_queries(7):
        response = client.get(url)
    totals = response.context["totals"]
    assert totals.total == 6
    rows = {row["code"]: row for row in totals.channel_rows()}
    assert [c["n"] for c in rows[Channel.PROVINCE_SITE]["cells"]] == [1, 1, 0, 0]
    assert Channel.TV not in rows
    # every figure's link lists exactly that many items
    figures = [c for row in totals.channel_rows() for c in row["cells"]]
    figures += [row for row in totals.unit_rows()] + totals.quarter_totals()
    for figure in figures:
        listed = client.get(reverse("activities:publicity_list") + "?" + figure["url"])
        n = figure.get("n", figure.get("total"))
        assert listed.context["page"].paginator.count == n, figure["url"]
    assert publicity.channel_totals(world.campaign_a) == [
        ("unit_intranet", "单位内网", 3),
        ("province_site", "省纪委网站", 2),
        ("press", "报刊", 1),
    ]


def test_year_end_publicity_computed_with_an_override_needing_a_reason(world, login):
    make(world, channel=Channel.PROVINCE_SITE)  # 3
    make(world, channel=Channel.DISTRICT_SITE)  # 1.5
    make(world, channel=Channel.UNIT_INTRANET)  # 0.5
    make(world, channel=Channel.TV, status="returned")  # not counted
    yearend.compute_year_end(world.campaign_a)
    score = YearEndScore.objects.get(unit=world.unit_a1)
    assert score.publicity_auto == Decimal("5.0") and score.publicity == Decimal("5.0")
    assert YearEndScore.objects.get(unit=world.unit_a2).publicity == Decimal(0)

    url = reverse("assessments:year_end_edit", args=[world.campaign_a.pk, score.pk])
    client = login(world.office_a)
    response = client.post(url, {"publicity": "9"}, follow=True)
    assert "须写明理由" in response.content.decode()
    score.refresh_from_db()
    assert score.publicity == Decimal("5.0")
    client.post(url, {"publicity": "9", "publicity_reason": "省级媒体专题报道一篇（未上网）"})
    score.refresh_from_db()
    assert score.publicity == Decimal(9) and score.publicity_reason
    make(world, channel=Channel.CITY_SITE)
    yearend.compute_year_end(world.campaign_a)  # the override survives a recompute
    score.refresh_from_db()
    assert score.publicity == Decimal(9) and score.publicity_auto == Decimal("7.0")
    client.post(url, {"publicity": ""})  # blank: back to the computed figure
    score.refresh_from_db()
    assert score.publicity == Decimal("7.0") and score.publicity_reason == ""


def test_year_end_points_are_capped():
    assert publicity.year_end_points({Channel.PROVINCE_SITE: 9}) == Decimal(15)
    assert TODAY.year == 2026
