"""Every campaigns page on the demo campaign, for each role, and form round trips."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from campaigns.models import Campaign
from organisations.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())
    campaign = Campaign.objects.get(township__code="qingxi-town")
    office = User.objects.get(username="office")
    return campaign, office


def pages(campaign):
    task = campaign.tasks.order_by("pk").first()
    return [
        reverse("campaigns:campaign_list"),
        reverse("campaigns:campaign_create"),
        reverse("campaigns:campaign_detail", args=[campaign.pk]),
        reverse("campaigns:campaign_edit", args=[campaign.pk]),
        reverse("campaigns:campaign_phases", args=[campaign.pk]),
        *[
            reverse("campaigns:campaign_section", args=[campaign.pk, s])
            for s in ("documents", "leadership", "responsibility", "creating")
        ],
        reverse("campaigns:task_list"),
        reverse("campaigns:task_detail", args=[task.pk]),
        reverse("campaigns:task_edit", args=[task.pk]),
        reverse("campaigns:task_create", args=[campaign.pk]),
        reverse("campaigns:task_import", args=[campaign.pk]),
        reverse("campaigns:task_import_template", args=[campaign.pk]),
        reverse("campaigns:task_export"),
        reverse("home"),
    ]


def test_every_page_opens_for_the_office(demo, client):
    campaign, office = demo
    client.force_login(office)
    for url in pages(campaign):
        assert client.get(url).status_code == 200, url


def test_liaison_and_leader_read_and_are_refused_writes(demo, client):
    campaign, _office = demo
    for login in ("liaison", "leader"):
        client.force_login(User.objects.get(username=login))
        assert (
            client.get(reverse("campaigns:campaign_detail", args=[campaign.pk])).status_code == 200
        )
        assert client.get(reverse("campaigns:task_list")).status_code == 200
        assert client.get(reverse("campaigns:campaign_edit", args=[campaign.pk])).status_code == 403


def form_fields(html: str) -> dict:
    """The form's current values as a browser would post them back (inputs, selects, textareas)."""
    data: dict = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if kind and kind.group(1) in ("checkbox", "radio") and "checked" not in tag:
            continue
        if kind and kind.group(1) == "file":
            continue
        data.setdefault(name.group(1), []).append(value.group(1) if value else "")
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.findall(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen or [""]
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = [body.strip()]
    return data


@pytest.mark.parametrize(
    "name", ["campaign_edit", "campaign_phases", "responsibility", "leadership", "creating"]
)
def test_forms_round_trip_unchanged(demo, client, name):
    campaign, office = demo
    client.force_login(office)
    if name in ("campaign_edit", "campaign_phases"):
        url = reverse(f"campaigns:{name}", args=[campaign.pk])
    else:
        url = reverse("campaigns:campaign_section", args=[campaign.pk, name])
    data = form_fields(client.get(url).content.decode())
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context
        and [f.errors for fs in response.context.get("formsets", []) for f in fs]
        or response.context["form"].errors
    )


def test_task_edit_round_trip_keeps_the_task(demo, client):
    campaign, office = demo
    client.force_login(office)
    task = campaign.tasks.get(title="每学期一堂反腐倡廉教育课或电教片")
    url = reverse("campaigns:task_edit", args=[task.pk])
    before = (list(task.co_units.all()), task.activity_types, task.periods.count())
    response = client.post(url, form_fields(client.get(url).content.decode()))
    assert response.status_code == 302, response.context["form"].errors
    task.refresh_from_db()
    assert (list(task.co_units.all()), task.activity_types, task.periods.count()) == before
