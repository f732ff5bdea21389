"""The township dashboard page."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

URL = reverse("dashboard:township")
# session, user, roles with the user menu's role list (3); the township's campaigns with the
# township (1); the campaign's phases, milestones and domains (1); the sites with their latest
# assessment and rectifications (1); the criteria set with its items (1); the record tallies of the
# campaign and of the sites' units with the township's measure wording (1); units with their
# task tallies and what they owe (1); unread notifications (1).
QUERIES = 10


def detail(township) -> str:
    return reverse("dashboard:township_detail", args=[township.pk])


def units_page(township) -> str:
    return reverse("dashboard:township_units", args=[township.pk])


def trend_page(township) -> str:
    return reverse("dashboard:township_trend", args=[township.pk])


def test_office_sees_own_township(known, world, login):
    response = login(world.office_a).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "甲镇创建工作推进情况" in body
    assert "实施创建阶段" in body
    assert "剩余 25 天" in body
    assert "2026年7月20日" in body  # the next milestone, the Chinese way
    assert 'id="qf-domain-table"' in body and 'id="qf-trend-table"' in body
    assert response.context["figures"].township == world.township_a


def test_leader_sees_own_township(known, world, login):
    response = login(world.leader_a).get(URL)
    assert response.status_code == 200
    assert response.context["figures"].tasks.overdue == 2


def test_chart_data_passed_with_json_script(known, world, login):
    body = login(world.office_a).get(URL).content.decode()
    start = body.index('<script id="qf-dashboard-data" type="application/json">')
    payload = body[start:].split(">", 1)[1].split("</script>", 1)[0]
    charts = json.loads(payload)
    assert charts["domains"]["categories"] == ["进农村", "进学校", "进家庭"]
    assert charts["domains"]["series"][2]["data"] == [1, 0, 1]  # overdue
    assert charts["trend"]["categories"][0] == "2026年3月"
    # every figure of every series is a number (sums read with plain SQL are not strings)
    for chart in charts.values():
        for series in chart["series"]:
            assert all(isinstance(v, int | float) for v in series["data"]), series
    assert "<script>" not in body  # no inline script (CSP)


def test_site_readiness_on_page(known, world, login):
    body = login(world.leader_a).get(URL).content.decode()
    table = body[body.index('id="qf-site-table"') :]
    assert "甲一村廉政文化广场" in table and "有风险：整改未完成" in table
    assert reverse("sites:site_detail", args=[known.site_a1.pk]) in table
    assert "未评审" in table


def test_units_ranked_on_page(known, world, login):
    body = login(world.office_a).get(URL).content.decode()
    table = body[body.index('id="qf-unit-table"') :]
    assert table.index("甲一村") < table.index("甲二村")


def test_district_reviewer_drills_into_township(known, world, login):
    response = login(world.reviewer).get(detail(world.township_a))
    assert response.status_code == 200
    assert response.context["can_see_district"] is True
    assert reverse("dashboard:district_detail", args=[world.district.pk]) in (
        response.content.decode()
    )


def test_query_parameter_variant(known, world, login):
    response = login(world.district_leader).get(URL, {"township": world.township_b.pk})
    assert response.status_code == 200
    assert response.context["figures"].township == world.township_b


def test_district_user_without_township_goes_to_district(world, login):
    response = login(world.reviewer).get(URL)
    assert response.status_code == 302
    assert response.url == reverse("dashboard:district")


@pytest.mark.parametrize("who", ["outsider", "other_reviewer", "office_b", "liaison_a1"])
def test_outsiders_get_404(known, world, login, who):
    client = login(getattr(world, who))
    for url in (
        detail(world.township_a),
        units_page(world.township_a),
        trend_page(world.township_a),
    ):
        assert client.get(url).status_code == 404, url


def test_outsider_without_township_gets_404(world, login):
    assert login(world.outsider).get(URL).status_code == 404


def test_liaisons_get_no_dashboard(known, world, login):
    client = login(world.liaison_a1)
    assert client.get(URL).status_code == 404
    assert client.get(detail(world.township_a)).status_code == 404


def test_liaison_of_another_unit_refused(known, world, login):
    assert login(world.liaison_b1).get(detail(world.township_a)).status_code == 404


def test_bad_township_parameter_is_404(world, login):
    client = login(world.district_leader)
    assert client.get(URL, {"township": "x"}).status_code == 404
    assert client.get(detail(world.unit_a1)).status_code == 404  # a unit is no township


def test_anonymous_redirected_to_login(world, client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_read_only_page_refuses_post(known, world, login):
    # The dashboard changes nothing: a POST is not allowed.
    assert login(world.office_a).post(URL).status_code == 405


def test_township_without_campaign(world, login):
    world.campaign_a.phases.all().delete()
    response = login(world.office_b).get(URL)
    assert response.status_code == 200


@pytest.mark.parametrize("size", [4, 24])
def test_fixed_number_of_queries(big_township, world, login, django_assert_num_queries, size):
    big_township(size)
    client = login(world.office_a)
    with django_assert_num_queries(QUERIES):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.context["figures"].tasks.total == size


def test_numbers_drill_down_to_filtered_lists(known, world, login):
    body = login(world.office_a).get(URL).content.decode()
    c, villages = world.campaign_a, known.overdue_task.domain
    tasks = reverse("campaigns:task_list")
    records = reverse("activities:record_list")
    # the domain's tasks with an overdue period
    assert f'href="{tasks}?campaign={c.pk}&amp;domain={villages.pk}&amp;status=overdue"' in body
    # the tasks a unit leads with an overdue period
    assert (
        f'href="{tasks}?campaign={c.pk}&amp;lead_unit={world.unit_a1.pk}&amp;status=overdue"'
        in (body)
    )
    # approved records of a domain in the campaign
    assert f'href="{records}?campaign={c.pk}&amp;domain={villages.pk}&amp;status=approved"' in body
    rect = reverse("assessments:rectification_list")
    assert f'href="{rect}?campaign={c.pk}&amp;unit={world.unit_a1.pk}&amp;status=overdue"' in body
    monthly = reverse("monthly:report_list")
    assert f'href="{monthly}?campaign={c.pk}&amp;unit={world.unit_a1.pk}&amp;state=missing"' in body


def test_verdict_at_the_top(known, world, login):
    body = login(world.office_a).get(URL).content.decode()
    verdict = body[body.index('id="qf-verdict"') :]
    verdict = verdict[: verdict.index("</div>")]
    # two sites: a1 projected 70, a2 10 (not assessed) -> 40.0 against the pass line 60
    assert "按目前进度，验收预计得分 40.0 分（及格线 60.0 分），差 20.0 分" in verdict
    assert "最拖后腿的 2 个单位：" in verdict
    assert verdict.index("甲一村") < verdict.index("甲二村")
    assert f'href="#owes-{world.unit_a1.pk}"' in verdict


def test_part_pages_refuse_anonymous_and_post(known, world, login, client):
    urls = (units_page(world.township_a), trend_page(world.township_a))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response.url
    office = login(world.office_a)
    for url in urls:
        assert office.get(url).status_code == 200
        assert office.post(url).status_code == 405


def test_part_pages_of_a_township_without_campaign_lead_back(world, login):
    world.campaign_b.delete()
    client = login(world.office_b)
    for url in (units_page(world.township_b), trend_page(world.township_b)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == detail(world.township_b)


def test_dashboard_lists_ten_lagging_units_and_links_the_rest(big_township, world, login):
    big_township(24)
    client = login(world.office_a)
    body = client.get(URL).content.decode()
    figures = client.get(URL).context["figures"]
    owing = figures.owing_units
    assert len(owing) > 10
    table = body[
        body.index('id="qf-unit-table"') : body.index("</table>", body.index('id="qf-unit-table"'))
    ]
    assert table.count('<tr id="owes-') == 10
    assert f"查看全部 {len(owing)} 个工作滞后的单位" in body
    assert units_page(world.township_a) in body
    full = client.get(units_page(world.township_a)).content.decode()
    assert full.count('<tr id="owes-') == len(owing)
    # worst first, in the same order as on the dashboard
    ids = [f'id="owes-{u.unit.pk}"' for u in owing]
    assert [full.index(i) for i in ids] == sorted(full.index(i) for i in ids)
    assert f"工作滞后单位（{len(owing)} 个）" in full


def test_trend_page_shows_each_type_and_month(big_township, world, login):
    big_township(4)
    client = login(world.office_a)
    body = client.get(URL).content.decode()
    assert trend_page(world.township_a) in body
    figures = client.get(URL).context["figures"]
    page = client.get(trend_page(world.township_a)).content.decode()
    table = page[page.index('id="qf-trend-types-table"') : page.index("</table>")]
    for _code, label in figures.trend_types:
        assert f">{label}</th>" in table
    assert table.count("<tr>") == len(figures.trend_months) + 1  # the header and one per month
    # each month's row: one cell per type, then the month's total (合计), figure by figure
    rows = re.findall(r"<tbody>(.*)</tbody>", table, re.S)[0].split("</tr>")[:-1]
    assert len(rows) == len(figures.trend_rows())
    for html, row in zip(rows, figures.trend_rows(), strict=True):
        cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", html)]
        assert cells == [str(n) for _code, n in row["cells"]] + [str(row["total"])]
    assert sum(row["total"] for row in figures.trend_rows()) > 0


@pytest.mark.parametrize("page", [units_page, trend_page])
def test_part_pages_fixed_number_of_queries(
    big_township, world, login, django_assert_num_queries, page
):
    big_township(24)
    client = login(world.office_a)
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    # the dashboard's queries (QUERIES): session, user, roles, the township's campaigns, the
    # figures' 5, unread notifications
    with django_assert_num_queries(QUERIES):
        assert client.get(page(world.township_a)).status_code == 200
