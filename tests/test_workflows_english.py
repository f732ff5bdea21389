"""The pages of issue 14 items 3, 4, 6 and 7 read in English when the user picks English."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaigns.models import CreatingUnit
from tests.factories import domain


@pytest.fixture(autouse=True)
def _back_to_chinese():
    """The language middleware activates English for the request's thread and leaves it; put
    the default back so later tests that translate outside a request read Chinese."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.mark.parametrize(
    "url_name,args,expected",
    [
        ("campaigns:unit_plans", "campaign", "Units' creation plans"),
        ("activities:publicity_list", None, "Publicity ledger"),
        ("activities:publicity_totals", None, "Publicity totals"),
        ("sites:position_list", None, "Register position"),
        ("sites:route_list", None, "All themes"),
    ],
)
def test_pages_in_english(world, login, url_name, args, expected):
    CreatingUnit.objects.create(campaign=world.campaign_a, unit=world.unit_a1, domain=domain())
    client = login(world.office_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    url = reverse(url_name, args=[world.campaign_a.pk] if args else None)
    body = client.get(url).content.decode()
    assert expected in body
    assert "Publicity" in body and "Positions" in body  # the menu
