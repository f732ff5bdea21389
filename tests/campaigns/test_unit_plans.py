"""Units' creation plans: who owes one, upload, review, the board, and who is chased."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaigns import plans
from campaigns.models import CampaignDomain, CreatingUnit, UnitPlan
from sites.models import CreationPlan, Site
from tests.factories import UnitFactory, domain

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf(name="创建方案.pdf"):
    return SimpleUploadedFile(name, PDF)


@pytest.fixture
def owed(world):
    """unit_a1 is a creating unit, unit_a2 the lead unit of a domain (no site, no creating)."""
    CreatingUnit.objects.create(campaign=world.campaign_a, unit=world.unit_a1, domain=domain())
    CampaignDomain.objects.create(
        campaign=world.campaign_a, domain=domain("schools"), lead_unit=world.unit_a2
    )
    return world


def upload(client, world, unit, file=None, note=""):
    return client.post(
        reverse("campaigns:unit_plan_upload", args=[world.campaign_a.pk]),
        {"unit": unit.pk, "file": file or pdf(), "note": note},
    )


def test_owed_units_are_creating_and_lead_units(owed):
    result = plans.owed_units(owed.campaign_a)
    assert set(result) == {owed.unit_a1.pk, owed.unit_a2.pk}
    assert "牵头单位" in result[owed.unit_a2.pk][0]


def test_lead_unit_liaison_uploads_and_office_approves(owed, login):
    response = upload(login(owed.liaison_a2), owed, owed.unit_a2, note="初稿")
    assert response.status_code == 302
    plan = UnitPlan.objects.get()
    assert plan.unit == owed.unit_a2 and plan.status == UnitPlan.Status.SUBMITTED
    assert plan.township == owed.township_a and plan.note == "初稿"
    assert plan.submitted_by == owed.liaison_a2

    response = login(owed.office_a).post(
        reverse("campaigns:unit_plan_review", args=[plan.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == UnitPlan.Status.APPROVED and plan.reviewed_by == owed.office_a
    # a second approval (stale tab) changes nothing and says why
    response = login(owed.office_a).post(
        reverse("campaigns:unit_plan_review", args=[plan.pk]),
        {"decision": "return", "reason": "再看看"},
        follow=True,
    )
    assert "不能重复审核" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == UnitPlan.Status.APPROVED and plan.return_reason == ""
    assert plan.history.count() == 2


def test_return_needs_reason_then_resubmit_keeps_history(owed, login):
    upload(login(owed.liaison_a1), owed, owed.unit_a1)
    plan = UnitPlan.objects.get()
    response = login(owed.office_a).post(
        reverse("campaigns:unit_plan_review", args=[plan.pk]),
        {"decision": "return", "reason": " "},
        follow=True,
    )
    assert "退回须写明原因" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == UnitPlan.Status.SUBMITTED
    login(owed.office_a).post(
        reverse("campaigns:unit_plan_review", args=[plan.pk]),
        {"decision": "return", "reason": "缺少创建目标"},
    )
    plan.refresh_from_db()
    assert plan.status == UnitPlan.Status.RETURNED and plan.return_reason == "缺少创建目标"
    upload(login(owed.liaison_a1), owed, owed.unit_a1, pdf("第二稿.pdf"))
    assert list(
        UnitPlan.objects.order_by("submitted_at", "id").values_list("status", flat=True)
    ) == [UnitPlan.Status.RETURNED, UnitPlan.Status.SUBMITTED]


def test_double_submit_refused_with_reason(owed, login):
    client = login(owed.liaison_a1)
    upload(client, owed, owed.unit_a1)
    response = upload(client, owed, owed.unit_a1, pdf("again.pdf"))
    response = client.get(response.url)
    assert "已有一份创建方案待审核" in response.content.decode()
    assert UnitPlan.objects.count() == 1


@pytest.mark.parametrize(
    "file,message",
    [
        (SimpleUploadedFile("plan.pdf", b"not a pdf at all"), "文件"),
        (SimpleUploadedFile("plan.txt", b"plain text"), ""),
    ],
)
def test_bad_file_answered_in_chinese_nothing_saved(owed, login, file, message):
    client = login(owed.liaison_a1)
    response = client.get(upload(client, owed, owed.unit_a1, file).url)
    body = response.content.decode()
    assert "alert-danger" in body and message in body
    assert UnitPlan.objects.count() == 0


def test_unit_that_owes_nothing_cannot_submit(world, login):
    response = upload(login(world.liaison_a1), world, world.unit_a1)
    assert response.status_code == 403
    assert UnitPlan.objects.count() == 0


def test_liaison_cannot_submit_for_another_unit(owed, login):
    client = login(owed.liaison_a1)
    response = client.get(upload(client, owed, owed.unit_a2).url)
    assert "无须报送或不由您报送" in response.content.decode()
    assert UnitPlan.objects.count() == 0


@pytest.mark.parametrize("who", ["liaison_a1", "leader_a"])
def test_only_office_reviews(owed, login, who):
    upload(login(owed.liaison_a1), owed, owed.unit_a1)
    plan = UnitPlan.objects.get()
    response = login(getattr(owed, who)).post(
        reverse("campaigns:unit_plan_review", args=[plan.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == UnitPlan.Status.SUBMITTED


@pytest.mark.parametrize("who", ["outsider", "office_b", "liaison_b1"])
def test_others_refused(owed, login, who):
    upload(login(owed.liaison_a1), owed, owed.unit_a1)
    plan = UnitPlan.objects.get()
    client = login(getattr(owed, who))
    assert client.get(reverse("campaigns:unit_plans", args=[owed.campaign_a.pk])).status_code == 404
    assert client.get(reverse("campaigns:unit_plan_file", args=[plan.pk])).status_code == 404
    assert (
        client.post(reverse("campaigns:unit_plan_review", args=[plan.pk]), {"decision": "approve"})
    ).status_code == 404
    assert upload(client, owed, owed.unit_a1).status_code == 404


def test_other_unit_liaison_cannot_read_the_file(owed, login):
    upload(login(owed.liaison_a1), owed, owed.unit_a1)
    plan = UnitPlan.objects.get()
    client = login(owed.liaison_a2)
    assert client.get(reverse("campaigns:unit_plan_file", args=[plan.pk])).status_code == 404
    assert (
        login(owed.liaison_a1).get(reverse("campaigns:unit_plan_file", args=[plan.pk])).status_code
        == 200
    )


def test_get_on_post_only_views(owed, login):
    client = login(owed.office_a)
    assert (
        client.get(reverse("campaigns:unit_plan_upload", args=[owed.campaign_a.pk])).status_code
        == 405
    )
    assert client.get(reverse("campaigns:unit_plan_review", args=[1])).status_code == 405


def test_board_lists_who_has_and_has_not_submitted(owed, login, django_assert_num_queries):
    for n in range(6):
        unit = UnitFactory(parent=owed.township_a, name=f"创建单位{n}")
        CreatingUnit.objects.create(campaign=owed.campaign_a, unit=unit, domain=domain())
        plans.submit_plan(owed.campaign_a, unit, _prepared(), owed.office_a)
    upload(login(owed.liaison_a1), owed, owed.unit_a1)
    client = login(owed.office_a)
    url = reverse("campaigns:unit_plans", args=[owed.campaign_a.pk])
    client.get(url)  # warm the session and scope
    with django_assert_num_queries(12):
        response = client.get(url)
    rows = {row.unit.pk: row.state for row in response.context["rows"]}
    assert rows[owed.unit_a1.pk] == "submitted" and rows[owed.unit_a2.pk] == "missing"
    assert response.context["answered"] == 7 and len(rows) == 8
    # leaders read it; a liaison sees only their own unit
    assert login(owed.leader_a).get(url).status_code == 200
    mine = login(owed.liaison_a2).get(url)
    assert [r.unit for r in mine.context["rows"]] == [owed.unit_a2]


def test_a_site_plan_answers_the_unit_obligation(owed):
    site = Site.objects.create(
        campaign=owed.campaign_a, unit=owed.unit_a1, domain=domain(), name="示范点"
    )
    CreationPlan.objects.create(
        site=site, file="p.pdf", original_name="p.pdf", submitted_at=timezone.now()
    )
    rows = {row.unit.pk: row for row in plans.board(owed.campaign_a)}
    assert rows[owed.unit_a1.pk].answered and not rows[owed.unit_a2.pk].answered


def _prepared():
    from sites.demo import DemoFile

    return DemoFile("方案.pdf")
