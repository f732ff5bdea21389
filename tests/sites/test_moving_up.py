"""Sites move up: a 区级 site is recommended to 市级, then 省级, with its namings kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sites import services
from sites.lifecycle import IllegalTransition
from sites.models import Level, SiteEvent, SiteNaming, Status
from tests.assessments.factories import make_site


@pytest.fixture
def named(world):
    site = make_site(world.campaign_a, world.unit_a1, status=Status.APPLIED)
    services.transition(
        site,
        "name",
        world.reviewer,
        level=Level.DISTRICT,
        doc_number="通纪委〔2025〕3号",
        named_on=dt.date(2025, 6, 1),
    )
    site.refresh_from_db()
    return site


def step(client, site, action, **data):
    return client.post(reverse("sites:site_step", args=[site.pk]), {"action": action, **data})


def test_district_site_recommended_then_named_at_city_then_province(world, login, named):
    client = login(world.reviewer)
    assert step(client, named, "recommend").status_code == 302
    named.refresh_from_db()
    assert named.status == Status.RECOMMENDED and named.recommended_level == Level.CITY
    assert named.is_named  # still a named 区级 site while the city decides

    step(client, named, "name_higher", doc_number="市纪委〔2026〕7号", named_on="2026-05-01")
    named.refresh_from_db()
    assert named.status == Status.NAMED and named.level == Level.CITY
    assert named.named_doc_number == "市纪委〔2026〕7号" and named.recommended_level == ""
    assert named.next_review_due == dt.date(2028, 5, 1)

    step(client, named, "recommend")
    step(client, named, "name_higher", doc_number="省纪委〔2026〕1号", named_on="2026-09-01")
    named.refresh_from_db()
    assert named.level == Level.PROVINCE
    assert list(named.namings.values_list("level", "doc_number")) == [
        (Level.DISTRICT, "通纪委〔2025〕3号"),
        (Level.CITY, "市纪委〔2026〕7号"),
        (Level.PROVINCE, "省纪委〔2026〕1号"),
    ]
    actions = list(named.events.values_list("action", flat=True))
    assert actions[-4:] == ["recommend", "name_higher", "recommend", "name_higher"]
    # the top level cannot be recommended further, and says why
    response = step(
        client,
        named,
        "recommend",
    )
    response = client.get(reverse("sites:site_detail", args=[named.pk]))
    assert "不能再向上推荐" in response.content.decode()
    assert "recommend" not in [e["step"].action for e in response.context["steps"]]


def test_not_accepted_by_the_city_stays_named_at_district_level(world, login, named):
    client = login(world.office_a)
    step(client, named, "recommend")
    response = step(client, named, "decline_higher", note="")
    named.refresh_from_db()
    assert named.status == Status.RECOMMENDED  # a reason is needed
    step(client, named, "decline_higher", note="展陈面积不足")
    named.refresh_from_db()
    assert named.status == Status.NAMED and named.level == Level.DISTRICT
    assert named.recommended_level == ""
    assert "展陈面积不足" in SiteEvent.objects.filter(site=named).last().note
    assert response.status_code == 302


def test_naming_higher_needs_document_and_date(world, login, named):
    client = login(world.reviewer)
    step(client, named, "recommend")
    response = step(client, named, "name_higher", doc_number="", named_on="")
    named.refresh_from_db()
    assert named.status == Status.RECOMMENDED and named.level == Level.DISTRICT
    assert "命名文号" in client.get(response.url).content.decode()
    with pytest.raises(IllegalTransition):
        services.transition(
            named, "name_higher", world.reviewer, doc_number="x", named_on=dt.date(2020, 1, 1)
        )
    assert SiteNaming.objects.filter(site=named).count() == 1


def test_double_recommend_changes_nothing(world, named):
    services.transition(named, "recommend", world.reviewer)
    with pytest.raises(IllegalTransition):
        services.transition(named, "recommend", world.reviewer)
    assert named.events.filter(action="recommend").count() == 1


@pytest.mark.parametrize("who", ["liaison_a1", "leader_a"])
def test_only_deciders_recommend(world, login, named, who):
    assert step(login(getattr(world, who)), named, "recommend").status_code == 403
    named.refresh_from_db()
    assert named.status == Status.NAMED


@pytest.mark.parametrize("who", ["outsider", "office_b", "other_reviewer"])
def test_others_refused(world, login, named, who):
    assert step(login(getattr(world, who)), named, "recommend").status_code == 404


def test_registry_lists_recommended_sites(world, login, named):
    services.transition(named, "recommend", world.reviewer)
    response = login(world.reviewer).get(reverse("sites:site_registry"))
    assert named in list(response.context["page"])
