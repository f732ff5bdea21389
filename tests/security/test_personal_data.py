"""Phone numbers are shown in full only to those who manage the person (the person, office
staff of a township the person works in, a superuser); everyone else sees 138****5678."""

from __future__ import annotations

import pytest
from django.urls import reverse

from organisations.display import mask_phone, phone_for

pytestmark = pytest.mark.django_db
PHONE = "13812345678"


@pytest.fixture
def liaison(world):
    world.liaison_a1.phone = PHONE
    world.liaison_a1.save()
    return world.liaison_a1


def test_mask_keeps_only_the_ends():
    assert mask_phone(PHONE) == "138****5678"
    assert mask_phone("0571-8888") == "*******88"
    assert mask_phone("") == ""


def test_who_sees_the_full_number(world, liaison):
    assert phone_for(world.office_a, liaison) == PHONE
    assert phone_for(liaison, liaison) == PHONE
    for other in (world.office_b, world.leader_a, world.liaison_a2, world.reviewer):
        assert phone_for(other, liaison) == "138****5678"


def test_unit_page_masks_the_liaisons_phone_for_a_leader(world, login, liaison):
    url = reverse("organisations:unit_detail", args=[world.unit_a1.pk])
    leader_page = login(world.leader_a).get(url).text
    assert "138****5678" in leader_page and PHONE not in leader_page
    office_page = login(world.office_a).get(url).text
    assert PHONE in office_page
