"""Home panels: rectification items to answer / re-check, applications to accept."""

from __future__ import annotations

from django.urls import reverse

from assessments.models import Application, Rectification
from tests.factories import TODAY


def test_home_panels(world, login):
    Rectification.objects.create(
        campaign=world.campaign_a,
        unit=world.unit_a1,
        title="补齐台账",
        requirement="x",
        deadline=TODAY,
    )
    Rectification.objects.create(
        campaign=world.campaign_a,
        unit=world.unit_a1,
        title="更新宣传栏",
        requirement="x",
        deadline=TODAY,
        status=Rectification.Status.ANSWERED,
    )
    Application.objects.create(
        campaign=world.campaign_a, title="甲镇验收申报", submitted_at="2026-06-01T10:00Z"
    )
    assert "补齐台账" in login(world.liaison_a1).get(reverse("home")).content.decode()
    assert "补齐台账" not in login(world.liaison_a2).get(reverse("home")).content.decode()
    assert "更新宣传栏" in login(world.office_a).get(reverse("home")).content.decode()
    assert "更新宣传栏" not in login(world.office_b).get(reverse("home")).content.decode()
    assert "甲镇验收申报" in login(world.reviewer).get(reverse("home")).content.decode()
    assert "甲镇验收申报" not in login(world.other_reviewer).get(reverse("home")).content.decode()
