"""The district dashboard: all townships side by side."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sites.models import Level, Status
from tests.dashboard.factories import site
from tests.factories import CampaignFactory, TownshipFactory

URL = reverse("dashboard:district")
# session, user, roles with the user menu's role list (3); district, domains, townships,
# campaigns with their current phase, tasks per domain and records per campaign (the stored
# tallies), sites with rectifications (6); unread notifications (1).
QUERIES = 10


def detail(district) -> str:
    return reverse("dashboard:district_detail", args=[district.pk])


@pytest.mark.parametrize("who", ["reviewer", "district_leader"])
def test_district_users_see_their_townships(known, world, login, who):
    response = login(getattr(world, who)).get(URL)
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.district == world.district
    assert {r.township for r in figures.rows} == {world.township_a, world.township_b}
    body = response.content.decode()
    table = body[body.index('id="qf-township-table"') :]
    assert reverse("dashboard:township_detail", args=[world.township_a.pk]) in table
    assert "实施创建阶段" in table and "40%" in table


def test_sites_and_rectifications_side_by_side(known, world, login):
    named = site(world.campaign_b, world.unit_b1, "乙一村廉政馆", status=Status.NAMED)
    named.level = Level.DISTRICT
    named.save()
    figures = login(world.reviewer).get(URL).context["figures"]
    rows = {r.township: r for r in figures.rows}
    a, b = rows[world.township_a], rows[world.township_b]
    assert (a.sites.in_progress, a.sites.named, a.sites.total) == (2, 0, 2)
    assert (b.sites.named, b.sites.by_level) == (1, {"district": 1})
    assert (a.open_rectifications, a.overdue_rectifications) == (2, 1)
    assert (b.open_rectifications, figures.overdue_rectifications) == (0, 1)
    assert figures.sites.level_cells(figures.levels) == [0, 1, 0, 0]


def test_path_and_query_variants(world, login):
    client = login(world.reviewer)
    assert client.get(detail(world.district)).status_code == 200
    assert client.get(URL, {"district": world.district.pk}).status_code == 200


@pytest.mark.parametrize(
    "who", ["outsider", "office_a", "leader_a", "liaison_a1", "liaison_b1", "other_reviewer"]
)
def test_others_get_404(world, login, who):
    client = login(getattr(world, who))
    assert client.get(detail(world.district)).status_code == 404


@pytest.mark.parametrize("who", ["outsider", "office_a", "liaison_a1"])
def test_no_district_of_ones_own_is_404(world, login, who):
    assert login(getattr(world, who)).get(URL).status_code == 404


def test_bad_parameters_are_404(world, login):
    client = login(world.reviewer)
    assert client.get(URL, {"district": "x"}).status_code == 404
    assert client.get(detail(world.township_a)).status_code == 404


def test_read_only_page_refuses_post(world, login):
    assert login(world.reviewer).post(URL).status_code == 405


def test_anonymous_redirected_to_login(world, client):
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize("extra", [0, 6])
def test_fixed_number_of_queries(
    known, big_township, world, login, django_assert_num_queries, extra
):
    big_township(8)
    for _ in range(extra):
        CampaignFactory(township=TownshipFactory(parent=world.district))
    client = login(world.reviewer)
    with django_assert_num_queries(QUERIES):
        response = client.get(URL)
    assert response.status_code == 200
    assert len(response.context["figures"].rows) == 2 + extra
