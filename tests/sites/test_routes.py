"""Visiting routes: ordered stops, district-wide reading, office editing."""

from __future__ import annotations

from django.urls import reverse

from sites.models import Status, VisitRoute
from tests.assessments.factories import make_site


def test_office_creates_a_route_in_order(world, login):
    first = make_site(world.campaign_a, world.unit_a1, status=Status.NAMED)
    second = make_site(world.campaign_b, world.unit_b1, status=Status.NAMED)
    response = login(world.office_a).post(
        reverse("sites:route_create"),
        {"name": "清风线路", "stop_1": second.pk, "stop_2": first.pk},
    )
    assert response.status_code == 302
    route = VisitRoute.objects.get()
    assert list(route.stops.values_list("site_id", flat=True)) == [second.pk, first.pk]
    # read by the district's reviewer and by a liaison of the township
    for user in (world.reviewer, world.liaison_a1):
        assert login(user).get(reverse("sites:route_detail", args=[route.pk])).status_code == 200
    assert (
        login(world.outsider).get(reverse("sites:route_detail", args=[route.pk])).status_code == 404
    )
    assert (
        login(world.other_reviewer).get(reverse("sites:route_detail", args=[route.pk])).status_code
        == 404
    )


def test_route_refuses_a_site_twice_and_non_office(world, login):
    site = make_site(world.campaign_a, world.unit_a1, status=Status.NAMED)
    response = login(world.office_a).post(
        reverse("sites:route_create"), {"name": "x", "stop_1": site.pk, "stop_2": site.pk}
    )
    assert response.status_code == 200 and not VisitRoute.objects.exists()
    assert "两次" in response.content.decode()
    assert login(world.liaison_a1).get(reverse("sites:route_create")).status_code == 403


def test_route_edit_refused_to_readers(world, login):
    site = make_site(world.campaign_a, world.unit_a1, status=Status.NAMED)
    login(world.office_a).post(reverse("sites:route_create"), {"name": "线路", "stop_1": site.pk})
    route = VisitRoute.objects.get()
    url = reverse("sites:route_edit", args=[route.pk])
    assert login(world.leader_a).get(url).status_code == 403
    assert login(world.office_b).get(url).status_code == 404
    assert login(world.office_a).get(url).status_code == 200


def test_route_list_in_fixed_queries(world, login, django_assert_num_queries):
    sites = [make_site(world.campaign_a, world.unit_a1, status=Status.NAMED)]
    client = login(world.office_a)
    for n in range(5):
        client.post(reverse("sites:route_create"), {"name": f"线路{n}", "stop_1": sites[0].pk})
    with django_assert_num_queries(7):
        response = client.get(reverse("sites:route_list"))
    assert len(response.context["routes"]) == 5
