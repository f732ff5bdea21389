import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from activities.models import ActivityRecord
from campaigns.models import Campaign, Task
from organisations.access import get_unit_for, scope_for
from organisations.models import Organisation
from tests.factories import RecordFactory, TaskFactory


def test_scope_reads_roles_once(world, django_assert_num_queries):
    user = world.liaison_a1
    with django_assert_num_queries(1):
        scope = scope_for(user)
        scope_for(user)
    assert scope.liaison_units == {world.unit_a1.pk}
    assert scope.liaison_townships == {world.township_a.pk}
    assert not scope.is_office


def test_scope_of_each_role(world):
    assert scope_for(world.office_a).office_townships == {world.township_a.pk}
    assert scope_for(world.leader_a).leader_townships == {world.township_a.pk}
    assert scope_for(world.reviewer).reviewer_districts == {world.district.pk}
    assert scope_for(world.district_leader).leader_districts == {world.district.pk}
    outsider = scope_for(world.outsider)
    assert (
        outsider.is_authenticated and not outsider.readable_townships and not outsider.liaison_units
    )


def test_denormalised_ancestors(world):
    assert world.unit_a1.township_id == world.township_a.pk
    assert world.unit_a1.district_id == world.district.pk
    assert Organisation.objects.get(pk=world.township_a.pk).township_id == world.township_a.pk
    assert Organisation.objects.get(pk=world.district.pk).district_id == world.district.pk


def test_records_visible_per_role(world):
    mine = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1)
    neighbour = RecordFactory(campaign=world.campaign_a, unit=world.unit_a2)
    other_town = RecordFactory(campaign=world.campaign_b, unit=world.unit_b1)

    def visible(user):
        return set(ActivityRecord.objects.visible_to(user).values_list("pk", flat=True))

    assert visible(world.liaison_a1) == {mine.pk}
    assert visible(world.office_a) == {mine.pk, neighbour.pk}
    assert visible(world.leader_a) == {mine.pk, neighbour.pk}
    assert visible(world.district_leader) == {mine.pk, neighbour.pk, other_town.pk}
    assert visible(world.office_b) == {other_town.pk}
    assert visible(world.outsider) == set()
    assert visible(world.reviewer) == set()


def test_campaign_visible_to_liaisons_of_the_township(world):
    assert set(Campaign.objects.visible_to(world.liaison_a1)) == {world.campaign_a}
    assert set(Campaign.objects.visible_to(world.outsider)) == set()


def test_tasks_visible_to_lead_and_cohost_units_only(world):
    led = TaskFactory(campaign=world.campaign_a, lead_unit=world.unit_a1)
    cohosted = TaskFactory(campaign=world.campaign_a, lead_unit=world.unit_a2)
    cohosted.co_units.add(world.unit_a1)
    other = TaskFactory(campaign=world.campaign_a, lead_unit=world.unit_a2)
    assert set(Task.objects.visible_to(world.liaison_a1)) == {led, cohosted}
    assert set(Task.objects.visible_to(world.office_a)) == {led, cohosted, other}
    assert set(Task.objects.visible_to(world.office_b)) == set()


def test_getter_gives_404_to_outsiders_and_403_to_readers(world):
    assert get_unit_for(world.office_a, world.unit_a1.pk, write=True) == world.unit_a1
    assert get_unit_for(world.leader_a, world.unit_a1.pk) == world.unit_a1
    with pytest.raises(PermissionDenied):
        get_unit_for(world.leader_a, world.unit_a1.pk, write=True)
    with pytest.raises(Http404):
        get_unit_for(world.office_b, world.unit_a1.pk)
    with pytest.raises(Http404):
        get_unit_for(world.liaison_a1, world.unit_a2.pk)
    with pytest.raises(Http404):
        get_unit_for(world.outsider, world.unit_a1.pk)
    with pytest.raises(Http404):
        get_unit_for(world.office_a, "not-a-number")


def test_scoped_rows_copy_township_and_district_from_their_source(world):
    from assessments.models import Application
    from sites.models import Site

    record = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1)
    assert record.township_id == world.township_a.pk
    site = Site.objects.create(
        unit=world.unit_b1, domain=world.unit_b1.main_domain, name="乙一村示范点"
    )
    assert (site.township_id, site.district_id) == (world.township_b.pk, world.district.pk)
    application = Application.objects.create(
        campaign=world.campaign_a, title="申报", submitted_at=timezone.now()
    )
    assert (application.township_id, application.district_id) == (
        world.township_a.pk,
        world.district.pk,
    )
