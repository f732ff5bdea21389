"""The site list, the registry of named sites and who sees which site."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from sites.models import Level, Status
from tests.assessments.factories import make_site
from tests.factories import UnitFactory


def many_sites(world, n=12):
    for i in range(n):
        unit = UnitFactory(parent=world.township_a)
        make_site(
            world.campaign_a,
            unit,
            status=Status.NAMED if i % 2 else Status.CREATING,
            level=Level.DISTRICT if i % 2 else "",
        )
    make_site(world.campaign_b, world.unit_b1)


def test_office_sees_every_site_of_the_township_in_fixed_queries(
    world, login, django_assert_num_queries
):
    many_sites(world)
    client = login(world.office_a)
    with django_assert_num_queries(6):  # session, user, roles (nav too), unread, count, page
        response = client.get(reverse("sites:site_list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 12


def test_liaison_sees_only_their_units_sites(world, login, site_a1):
    make_site(world.campaign_a, world.unit_a2)
    response = login(world.liaison_a1).get(reverse("sites:site_list"))
    assert [s.pk for s in response.context["page"]] == [site_a1.pk]


def test_reviewer_sees_only_sites_put_forward_in_their_district(world, login):
    make_site(world.campaign_a, world.unit_a1, status=Status.CREATING)
    applied = make_site(world.campaign_a, world.unit_a2, status=Status.APPLIED)
    response = login(world.reviewer).get(reverse("sites:site_list"))
    assert [s.pk for s in response.context["page"]] == [applied.pk]
    response = login(world.other_reviewer).get(reverse("sites:site_list"))
    assert list(response.context["page"]) == []


def test_outsider_is_refused(world, login):
    assert login(world.outsider).get(reverse("sites:site_list")).status_code == 403


def test_htmx_filter_returns_the_rows_only(world, login, site_a1):
    make_site(world.campaign_a, world.unit_a2, status=Status.NAMED)
    response = login(world.office_a).get(
        reverse("sites:site_list"), {"status": "named"}, HTTP_HX_REQUEST="true"
    )
    assert response.templates[0].name == "sites/_partials/site_rows.html"
    assert [s.unit for s in response.context["page"]] == [world.unit_a2]


def test_registry_lists_named_sites_with_their_review_date(world, login, django_assert_num_queries):
    many_sites(world)
    client = login(world.district_leader)
    with django_assert_num_queries(6):
        response = client.get(reverse("sites:site_registry"))
    page = response.context["page"]
    assert len(page.object_list) == 6
    assert all(s.status == Status.NAMED for s in page)
    assert response.status_code == 200


def test_registry_post_is_not_allowed(world, login):
    assert login(world.office_a).post(reverse("sites:site_registry")).status_code == 405


def test_review_overdue(world, site_a1):
    site_a1.status = Status.NAMED
    site_a1.next_review_due = dt.date(2026, 1, 1)
    assert site_a1.review_overdue(dt.date(2026, 6, 15))
