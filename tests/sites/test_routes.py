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
        {"name": "清风线路", "theme": "integrity", "stop_1": second.pk, "stop_2": first.pk},
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
        reverse("sites:route_create"),
        {"name": "x", "theme": "integrity", "stop_1": site.pk, "stop_2": site.pk},
    )
    assert response.status_code == 200 and not VisitRoute.objects.exists()
    assert "两次" in response.content.decode()
    assert login(world.liaison_a1).get(reverse("sites:route_create")).status_code == 403


def test_route_edit_refused_to_readers(world, login):
    site = make_site(world.campaign_a, world.unit_a1, status=Status.NAMED)
    login(world.office_a).post(
        reverse("sites:route_create"), {"name": "线路", "theme": "red", "stop_1": site.pk}
    )
    route = VisitRoute.objects.get()
    url = reverse("sites:route_edit", args=[route.pk])
    assert login(world.leader_a).get(url).status_code == 403
    assert login(world.office_b).get(url).status_code == 404
    assert login(world.office_a).get(url).status_code == 200


def test_route_list_in_fixed_queries(world, login, django_assert_num_queries):
    sites = [make_site(world.campaign_a, world.unit_a1, status=Status.NAMED)]
    client = login(world.office_a)
    for n in range(5):
        client.post(
            reverse("sites:route_create"),
            {"name": f"线路{n}", "theme": "red", "stop_1": sites[0].pk},
        )
    with django_assert_num_queries(6):
        response = client.get(reverse("sites:route_list"))
    assert len(response.context["routes"]) == 5


def test_theme_is_required_and_filters_the_list(world, login):
    site = make_site(world.campaign_a, world.unit_a1, status=Status.NAMED)
    client = login(world.office_a)
    response = client.post(reverse("sites:route_create"), {"name": "无主题", "stop_1": site.pk})
    assert response.status_code == 200 and "请选择线路主题" in response.content.decode()
    assert not VisitRoute.objects.exists()
    client.post(
        reverse("sites:route_create"), {"name": "警示线", "theme": "warning", "stop_1": site.pk}
    )
    client.post(
        reverse("sites:route_create"), {"name": "红色线", "theme": "red", "stop_1": site.pk}
    )
    listed = client.get(reverse("sites:route_list") + "?theme=red")
    assert [r.name for r in listed.context["routes"]] == ["红色线"]


def test_district_reviewer_makes_a_district_wide_route_across_townships(world, login):
    a = make_site(world.campaign_a, world.unit_a1, status=Status.NAMED)
    b = make_site(world.campaign_b, world.unit_b1, status=Status.NAMED)
    response = login(world.reviewer).post(
        reverse("sites:route_create"),
        {"name": "全区红色文化线路", "theme": "red", "stop_1": a.pk, "stop_2": b.pk},
    )
    assert response.status_code == 302
    route = VisitRoute.objects.get()
    assert route.township is None and route.district == world.district
    assert route.is_district_wide
    # everyone with a role in the district reads it; office staff of a township may not edit it
    for user in (world.office_a, world.liaison_b1, world.leader_a, world.district_leader):
        assert login(user).get(reverse("sites:route_detail", args=[route.pk])).status_code == 200
    edit = reverse("sites:route_edit", args=[route.pk])
    assert login(world.office_a).get(edit).status_code == 403
    assert login(world.district_leader).get(edit).status_code == 200
    for user in (world.outsider, world.other_reviewer):
        assert login(user).get(reverse("sites:route_detail", args=[route.pk])).status_code == 404
        assert login(user).post(edit, {"name": "x"}).status_code == 404
    # the same name twice in the district is refused in Chinese
    again = login(world.district_leader).post(
        reverse("sites:route_create"), {"name": "全区红色文化线路", "theme": "red", "stop_1": a.pk}
    )
    assert "全区已有同名线路" in again.content.decode()
    assert VisitRoute.objects.count() == 1
