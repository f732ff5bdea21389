"""Site detail, profile edit, creation plan, lifecycle steps, photos and visitor counts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from sites.models import CreationPlan, Site, SiteEvent, Status, VisitorCount
from tests.assessments.factories import make_site


def pdf(name="方案.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")


def png(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 20, 20)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def candidate(world):
    return make_site(world.campaign_a, world.unit_a1, status=Status.CANDIDATE)


# ---- detail


def test_detail_for_office_liaison_and_leader(world, login, candidate):
    for user in (world.office_a, world.liaison_a1, world.leader_a, world.district_leader):
        response = login(user).get(reverse("sites:site_detail", args=[candidate.pk]))
        assert response.status_code == 200
    assert response.context["can_edit"] is False


@pytest.mark.parametrize("who", ["outsider", "liaison_a2", "office_b", "reviewer"])
def test_detail_refused_to_others(world, login, candidate, who):
    response = login(getattr(world, who)).get(reverse("sites:site_detail", args=[candidate.pk]))
    assert response.status_code == 404


def test_create_site(world, login):
    response = login(world.office_a).post(
        reverse("sites:site_create"),
        {
            "campaign": world.campaign_a.pk,
            "unit": world.unit_a1.pk,
            "domain": world.unit_a1.main_domain_id,
            "name": "甲一村廉政文化长廊",
        },
    )
    site = Site.objects.get()
    assert response.status_code == 302
    assert site.status == Status.CANDIDATE and site.township == world.township_a
    assert site.events.get().by == world.office_a


def test_create_site_refused_to_liaison_and_unit_of_other_township(world, login):
    assert login(world.liaison_a1).get(reverse("sites:site_create")).status_code == 403
    response = login(world.office_a).post(
        reverse("sites:site_create"),
        {"campaign": world.campaign_a.pk, "unit": world.unit_b1.pk, "domain": 1, "name": "x"},
    )
    assert response.status_code == 200 and not Site.objects.exists()


# ---- profile


def test_liaison_edits_profile_and_bad_input_is_refused(world, login, candidate):
    client = login(world.liaison_a1)
    url = reverse("sites:site_edit", args=[candidate.pk])
    response = client.post(url, {"name": "新名", "floor_area": "-5", "latitude": "91"})
    assert response.status_code == 200
    assert "纬度须在 -90 到 90 之间" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.name != "新名"
    response = client.post(
        url,
        {
            "name": "新名",
            "floor_area": "475",
            "latitude": "31.2",
            "longitude": "121.4",
            "exhibition_sections": "序厅\n清风廉韵",
        },
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.sections == ["序厅", "清风廉韵"]


@pytest.mark.parametrize("who,status", [("leader_a", 403), ("liaison_a2", 404), ("outsider", 404)])
def test_profile_edit_refused(world, login, candidate, who, status):
    response = login(getattr(world, who)).get(reverse("sites:site_edit", args=[candidate.pk]))
    assert response.status_code == status


# ---- plan


def test_plan_upload_and_review(world, login, candidate):
    response = login(world.liaison_a1).post(
        reverse("sites:plan_upload", args=[candidate.pk]), {"file": pdf()}
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    plan = CreationPlan.objects.get()
    assert candidate.status == Status.PLAN_SUBMITTED and plan.original_name == "方案.pdf"
    download = login(world.leader_a).get(reverse("sites:plan_file", args=[plan.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert (
        login(world.liaison_a2).get(reverse("sites:plan_file", args=[plan.pk])).status_code == 404
    )

    # returning needs a reason
    client = login(world.office_a)
    client.post(reverse("sites:plan_review", args=[plan.pk]), {"decision": "return"})
    plan.refresh_from_db()
    assert plan.status == CreationPlan.Status.SUBMITTED
    client.post(reverse("sites:plan_review", args=[plan.pk]), {"decision": "approve"})
    plan.refresh_from_db()
    candidate.refresh_from_db()
    assert plan.status == CreationPlan.Status.APPROVED
    assert candidate.status == Status.PLAN_APPROVED


def test_plan_must_be_pdf_or_docx(world, login, candidate):
    response = login(world.liaison_a1).post(
        reverse("sites:plan_upload", args=[candidate.pk]), {"file": png()}, follow=True
    )
    assert "PDF 或 DOCX" in response.content.decode()
    assert not CreationPlan.objects.exists()


def test_plan_review_refused_to_liaison_and_get(world, login, candidate):
    login(world.liaison_a1).post(reverse("sites:plan_upload", args=[candidate.pk]), {"file": pdf()})
    plan = CreationPlan.objects.get()
    url = reverse("sites:plan_review", args=[plan.pk])
    assert login(world.liaison_a1).post(url, {"decision": "approve"}).status_code == 403
    assert login(world.liaison_a2).post(url, {"decision": "approve"}).status_code == 404
    assert login(world.office_a).get(url).status_code == 405
    assert (
        login(world.liaison_a1).get(reverse("sites:plan_upload", args=[candidate.pk])).status_code
        == 405
    )


def test_plan_upload_refused(world, login, candidate):
    url = reverse("sites:plan_upload", args=[candidate.pk])
    assert login(world.leader_a).post(url, {"file": pdf()}).status_code == 403
    assert login(world.liaison_a2).post(url, {"file": pdf()}).status_code == 404


# ---- lifecycle steps


def test_illegal_transition_is_refused_with_a_reason(world, login, candidate):
    response = login(world.office_a).post(
        reverse("sites:site_step", args=[candidate.pk]), {"action": "start_creating"}, follow=True
    )
    assert "不能开始创建" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.status == Status.CANDIDATE
    assert not SiteEvent.objects.filter(action="start_creating").exists()


def test_naming_needs_level_number_and_date(world, login):
    site = make_site(world.campaign_a, world.unit_a1, status=Status.APPLIED)
    url = reverse("sites:site_step", args=[site.pk])
    login(world.reviewer).post(url, {"action": "name", "level": "district"})
    site.refresh_from_db()
    assert site.status == Status.APPLIED
    response = login(world.reviewer).post(
        url,
        {
            "action": "name",
            "level": "district",
            "doc_number": "通纪委〔2026〕12号",
            "named_on": "2026-07-30",
        },
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.status == Status.NAMED and site.next_review_due == dt.date(2028, 7, 30)
    assert site.events.get(action="name").by == world.reviewer


def test_rereview_and_delisting(world, login):
    site = make_site(world.campaign_a, world.unit_a1, status=Status.NAMED, level="district")
    client = login(world.office_a)
    url = reverse("sites:site_step", args=[site.pk])
    client.post(url, {"action": "review_due"})
    client.post(url, {"action": "delist"})  # needs a reason
    site.refresh_from_db()
    assert site.status == Status.REVIEW_DUE
    client.post(url, {"action": "delist", "note": "阵地已拆除"})
    site.refresh_from_db()
    assert site.status == Status.DELISTED and site.delisted_reason == "阵地已拆除"
    assert list(site.events.values_list("to_status", flat=True)) == [
        Status.REVIEW_DUE,
        Status.DELISTED,
    ]


def test_steps_refused(world, login, candidate):
    url = reverse("sites:site_step", args=[candidate.pk])
    assert login(world.liaison_a1).post(url, {"action": "approve_plan"}).status_code == 403
    assert login(world.leader_a).post(url, {"action": "start_creating"}).status_code == 403
    assert login(world.liaison_a2).post(url, {"action": "start_creating"}).status_code == 404
    assert login(world.office_a).get(url).status_code == 405


# ---- photos and visitors


def test_photo_upload_and_view(world, login, candidate):
    response = login(world.liaison_a1).post(
        reverse("sites:photo_upload", args=[candidate.pk]), {"image": png(), "caption": "序厅"}
    )
    assert response.status_code == 302
    photo = candidate.photos.get()
    assert (
        login(world.office_a).get(reverse("sites:photo_file", args=[photo.pk])).status_code == 200
    )
    assert (
        login(world.liaison_a2).get(reverse("sites:photo_file", args=[photo.pk])).status_code == 404
    )
    assert (
        login(world.leader_a)
        .post(reverse("sites:photo_upload", args=[candidate.pk]), {"image": png()})
        .status_code
        == 403
    )


def test_visitor_counts(world, login, candidate):
    client = login(world.liaison_a1)
    url = reverse("sites:visitors", args=[candidate.pk])
    client.post(url, {"month": "2026-05", "visitors": "320", "groups": "6"})
    client.post(url, {"month": "2026-05", "visitors": "350", "groups": "7"})
    client.post(url, {"month": "2026-06", "visitors": "-3", "groups": "0"})
    count = VisitorCount.objects.get()
    assert count.month == dt.date(2026, 5, 1) and count.visitors == 350
    assert (
        login(world.liaison_a2).post(url, {"month": "2026-05", "visitors": "1"}).status_code == 404
    )
    assert client.get(url).status_code == 405
