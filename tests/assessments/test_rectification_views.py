"""Rectification items: opening from a failed item, answering, re-checking, the list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import services
from assessments.models import Rectification
from tests.assessments.test_services import failed_precheck
from tests.factories import TODAY, UnitFactory


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


@pytest.fixture
def failed(world, criteria, site_a1):
    _a, item = failed_precheck(world, criteria, site_a1)
    return item


@pytest.fixture
def rect(world, failed):
    return services.open_rectification(
        by=world.office_a, item_score=failed, requirement="补齐会议记录", deadline=TODAY
    )


def test_office_opens_a_rectification_from_a_failed_item(world, login, failed):
    url = reverse("assessments:rectification_open", args=[failed.assessment_id, failed.pk])
    client = login(world.office_a)
    client.post(url, {"requirement": "补齐", "deadline": "2026-06-01"})  # in the past
    assert not Rectification.objects.exists()
    response = client.post(url, {"requirement": "补齐记录", "deadline": "2026-06-30"})
    assert response.status_code == 302
    assert Rectification.objects.get().unit == world.unit_a1


def test_opening_refused(world, login, failed):
    url = reverse("assessments:rectification_open", args=[failed.assessment_id, failed.pk])
    data = {"requirement": "x", "deadline": "2026-06-30"}
    assert login(world.liaison_a1).post(url, data).status_code == 403
    assert login(world.liaison_a2).post(url, data).status_code == 404
    assert login(world.leader_a).post(url, data).status_code == 403
    assert login(world.office_a).get(url).status_code == 405


def test_liaison_answers_with_a_file_and_office_closes(world, login, rect, failed):
    client = login(world.liaison_a1)
    url = reverse("assessments:rectification_answer", args=[rect.pk])
    response = client.post(url, {"answer": "已整改"})
    assert response.status_code == 200 and "整改佐证" in response.content.decode()
    rect.refresh_from_db()
    assert rect.status == Rectification.Status.OPEN
    upload = SimpleUploadedFile("记录.pdf", b"%PDF-1.4\n%%EOF\n")
    response = client.post(url, {"answer": "已补齐", "file": upload})
    assert response.status_code == 302
    rect.refresh_from_db()
    assert rect.status == Rectification.Status.ANSWERED and rect.files.count() == 1
    f = rect.files.get()
    assert (
        login(world.leader_a)
        .get(reverse("assessments:rectification_file", args=[rect.pk, f.pk]))
        .status_code
        == 200
    )
    login(world.office_a).post(
        reverse("assessments:rectification_recheck", args=[rect.pk]),
        {"decision": "close", "score": "9", "note": "合格"},
    )
    rect.refresh_from_db()
    failed.refresh_from_db()
    assert rect.status == Rectification.Status.CLOSED and failed.score == Decimal(9)


def test_answer_and_recheck_refused(world, login, rect):
    answer = reverse("assessments:rectification_answer", args=[rect.pk])
    recheck = reverse("assessments:rectification_recheck", args=[rect.pk])
    assert login(world.liaison_a2).post(answer, {"answer": "x"}).status_code == 404
    assert login(world.liaison_b1).post(answer, {"answer": "x"}).status_code == 404
    assert login(world.outsider).post(answer, {"answer": "x"}).status_code == 404
    assert login(world.leader_a).post(answer, {"answer": "x"}).status_code == 403
    assert login(world.liaison_a1).post(recheck, {"decision": "close"}).status_code == 403
    assert login(world.liaison_a1).get(answer).status_code == 405
    assert login(world.office_a).get(recheck).status_code == 405


def test_detail_access(world, login, rect):
    url = reverse("assessments:rectification_detail", args=[rect.pk])
    assert login(world.liaison_a1).get(url).context["answer_form"] is not None
    assert login(world.leader_a).get(url).context["answer_form"] is None
    assert login(world.liaison_a2).get(url).status_code == 404
    assert login(world.reviewer).get(url).status_code == 404


def test_list_in_fixed_queries_and_scoped(world, login, django_assert_num_queries, failed):
    for n in range(15):
        Rectification.objects.create(
            campaign=world.campaign_a,
            unit=UnitFactory(parent=world.township_a),
            item_score=failed if n == 0 else None,
            title=f"整改{n}",
            requirement="x",
            deadline=TODAY + dt.timedelta(days=n - 5),
        )
    mine = Rectification.objects.create(
        campaign=world.campaign_a,
        unit=world.unit_a1,
        title="本单位",
        requirement="x",
        deadline=TODAY,
    )
    client = login(world.office_a)
    with django_assert_num_queries(7):
        response = client.get(reverse("assessments:rectification_list"))
    assert len(response.context["page"].object_list) == 16
    assert response.context["counts"]["overdue"] == 5
    response = login(world.liaison_a1).get(reverse("assessments:rectification_list"))
    assert [r.pk for r in response.context["page"]] == [mine.pk]
    client = login(world.office_a)
    response = client.get(reverse("assessments:rectification_list"), {"status": "overdue"})
    assert len(response.context["page"].object_list) == 5
    assert login(world.outsider).get(reverse("assessments:rectification_list")).status_code == 403


def test_list_filters_by_unit_for_the_dashboard_drill_down(world, login, failed):
    other = Rectification.objects.create(
        campaign=world.campaign_a,
        unit=world.unit_a2,
        title="别的单位",
        requirement="x",
        deadline=TODAY,
    )
    mine = Rectification.objects.create(
        campaign=world.campaign_a,
        unit=world.unit_a1,
        title="本单位",
        requirement="x",
        deadline=TODAY,
    )
    client = login(world.office_a)
    response = client.get(reverse("assessments:rectification_list"), {"unit": world.unit_a1.pk})
    assert [r.pk for r in response.context["page"]] == [mine.pk]
    assert world.unit_a1.name in response.content.decode()
    response = client.get(reverse("assessments:rectification_list"), {"unit": world.unit_a2.pk})
    assert [r.pk for r in response.context["page"]] == [other.pk]
    # a unit of another township shows nothing
    response = client.get(reverse("assessments:rectification_list"), {"unit": world.unit_b1.pk})
    assert list(response.context["page"]) == []
