"""Assessment list, starting assessments, applications and acceptance."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from assessments import services
from assessments.models import Application, Assessment
from sites.models import Status
from tests.assessments.factories import make_site
from tests.assessments.test_services import passed_application
from tests.factories import UnitFactory


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


def test_list_in_fixed_queries(world, login, criteria, django_assert_num_queries):
    for _n in range(12):
        site = make_site(world.campaign_a, UnitFactory(parent=world.township_a))
        services.start_assessment("self", criteria, world.office_a, site=site)
    client = login(world.office_a)
    with django_assert_num_queries(7):
        response = client.get(reverse("assessments:assessment_list"))
    assert len(response.context["page"].object_list) == 12


def test_list_scoping(world, login, criteria, site_a1):
    mine = services.start_assessment("self", criteria, world.liaison_a1, site=site_a1)
    services.start_assessment(
        "self", criteria, world.liaison_a2, site=make_site(world.campaign_a, world.unit_a2)
    )
    response = login(world.liaison_a1).get(reverse("assessments:assessment_list"))
    assert [a.pk for a in response.context["page"]] == [mine.pk]
    response = login(world.reviewer).get(reverse("assessments:assessment_list"))
    assert list(response.context["page"]) == []
    assert login(world.outsider).get(reverse("assessments:assessment_list")).status_code == 403
    response = login(world.office_a).get(
        reverse("assessments:assessment_list"), {"kind": "precheck"}, HTTP_HX_REQUEST="true"
    )
    assert response.templates[0].name == "assessments/_partials/assessment_rows.html"
    assert list(response.context["page"]) == []


def test_start_self_assessment(world, login, criteria, site_a1):
    url = reverse("assessments:assessment_start", args=[site_a1.pk, "self"])
    response = login(world.liaison_a1).post(url, {"criteria_set": criteria.pk})
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and assessment.assessor == world.liaison_a1
    assert assessment.scores.count() == 6


def test_start_refused(world, login, criteria, site_a1):
    self_url = reverse("assessments:assessment_start", args=[site_a1.pk, "self"])
    pre_url = reverse("assessments:assessment_start", args=[site_a1.pk, "precheck"])
    assert login(world.liaison_a1).post(pre_url, {"criteria_set": criteria.pk}).status_code == 403
    assert login(world.liaison_a2).post(self_url, {"criteria_set": criteria.pk}).status_code == 404
    assert login(world.leader_a).post(self_url, {"criteria_set": criteria.pk}).status_code == 403
    assert login(world.outsider).get(self_url).status_code == 404
    # a pre-check of a site still creating: refused with the reason, nothing created
    response = login(world.office_a).post(pre_url, {"criteria_set": criteria.pk})
    assert response.status_code == 200 and "不能开始" in response.content.decode()
    assert not Assessment.objects.exists()


def test_application_and_acceptance(world, login, criteria, site_a1):
    # office applies through the page
    site_a1.status = Status.SELF_ASSESSED
    site_a1.save()
    application = passed_application(world, criteria, make_site(world.campaign_a, world.unit_a2))
    assert application.sites.count() == 1
    url = reverse("assessments:application_detail", args=[application.pk])
    assert login(world.reviewer).get(url).context["can_accept"] is True
    assert login(world.other_reviewer).get(url).status_code == 404
    assert login(world.liaison_a1).get(url).status_code == 404
    accept = reverse("assessments:acceptance_start", args=[application.pk])
    assert login(world.office_a).post(accept, {"criteria_set": criteria.pk}).status_code == 403
    assert (
        login(world.other_reviewer).post(accept, {"criteria_set": criteria.pk}).status_code == 404
    )
    response = login(world.reviewer).post(accept, {"criteria_set": criteria.pk})
    assert response.status_code == 302
    response = login(world.reviewer).post(accept, {"criteria_set": criteria.pk})
    assert "不能重复验收" in response.content.decode()
    assert Assessment.objects.filter(kind="acceptance").count() == 1
    acceptance = Assessment.objects.get(kind="acceptance")
    detail = reverse("assessments:assessment_detail", args=[acceptance.pk])
    assert login(world.reviewer).get(detail).context["editable"] is True
    assert login(world.office_a).get(detail).context["editable"] is False
    assert login(world.other_reviewer).get(detail).status_code == 404


def test_application_page_refuses_an_unchecked_site(world, login, criteria, site_a1):
    url = reverse("assessments:application_create", args=[world.campaign_a.pk])
    assert login(world.liaison_a1).get(url).status_code == 403
    assert login(world.office_b).get(url).status_code == 404
    response = login(world.office_a).post(url, {"title": "申报", "sites": [site_a1.pk]})
    assert response.status_code == 200
    assert not Application.objects.exists()


def test_office_applies_through_the_page(world, login, criteria):
    from tests.assessments.test_services import full_rows

    site = make_site(world.campaign_a, world.unit_a1, status=Status.SELF_ASSESSED)
    precheck = services.start_assessment("precheck", criteria, world.office_a, site=site)
    services.save_scores(precheck, full_rows(precheck), world.office_a)
    services.complete_assessment(precheck, world.office_a)
    url = reverse("assessments:application_create", args=[world.campaign_a.pk])
    assert login(world.office_a).get(url).status_code == 200
    response = login(world.office_a).post(url, {"title": "甲镇申报", "sites": [site.pk]})
    application = Application.objects.get()
    assert response.status_code == 302
    assert list(application.sites.all()) == [site]
    site.refresh_from_db()
    assert site.status == Status.APPLIED
