import pytest
from django.urls import reverse

from organisations.models import Role
from tests.factories import UnitFactory, UserFactory, give_role

pytestmark = pytest.mark.django_db


def test_office_lists_units_of_their_township(world, login):
    body = login(world.office_a).get(reverse("organisations:unit_list")).content.decode()
    assert "甲一村" in body and "甲二村" in body
    assert "乙一村" not in body


def test_unit_list_query_count_does_not_grow(world, login, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.office_a)
    client.get(reverse("organisations:unit_list"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("organisations:unit_list"))
    for _ in range(30):
        unit = UnitFactory(parent=world.township_a)
        give_role(UserFactory(), unit, Role.Kind.LIAISON)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("organisations:unit_list"))
    assert response.status_code == 200
    assert response.content.decode().count("/org/units/") >= 30
    assert len(few.captured_queries) <= 9


@pytest.mark.parametrize("who", ["liaison_a1", "outsider", "reviewer"])
def test_unit_list_refused_to_others(world, login, who):
    assert login(getattr(world, who)).get(reverse("organisations:unit_list")).status_code == 404


def test_unit_detail_for_office_leader_and_own_liaison(world, login):
    url = reverse("organisations:unit_detail", args=[world.unit_a1.pk])
    for user in (world.office_a, world.leader_a, world.liaison_a1, world.district_leader):
        assert login(user).get(url).status_code == 200


@pytest.mark.parametrize("who", ["liaison_a2", "liaison_b1", "office_b", "outsider"])
def test_unit_detail_refused_to_outsiders(world, login, who):
    url = reverse("organisations:unit_detail", args=[world.unit_a1.pk])
    assert login(getattr(world, who)).get(url).status_code == 404


def test_history_shows_who_changed_what(world, login):
    world.unit_a1.address = "清溪路1号"
    world.unit_a1._history_user = world.office_a
    world.unit_a1.save()
    url = reverse("organisations:history", args=["organisations.organisation", world.unit_a1.pk])
    body = login(world.office_a).get(url).content.decode()
    assert "清溪路1号" in body
    assert world.office_a.display_name in body


def test_history_is_for_office_staff_only(world, login):
    url = reverse("organisations:history", args=["organisations.organisation", world.unit_a1.pk])
    assert login(world.leader_a).get(url).status_code == 403
    assert login(world.liaison_a1).get(url).status_code == 403
    assert login(world.office_b).get(url).status_code == 404
    assert login(world.outsider).get(url).status_code == 404
    bad = reverse("organisations:history", args=["nothing.here", world.unit_a1.pk])
    assert login(world.office_a).get(bad).status_code == 404
