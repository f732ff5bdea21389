"""The deadline kinds that come from the sites and assessments apps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from assessments.models import Application, Rectification
from campaigns.models import CreatingUnit, Milestone
from sites.models import CreationPlan, Site, Status
from tests.factories import TODAY, domain
from tests.notifications.factories import milestone_due
from tests.notifications.test_sweep import sent

pytestmark = pytest.mark.usefixtures("no_digests")


def site_for(world, unit, **extra):
    return Site.objects.create(
        campaign=world.campaign_a, unit=unit, domain=domain(), name=f"{unit.name}示范点", **extra
    )


def test_a_submitted_creation_plan_stops_the_reminders(world, sweep_at):
    CreatingUnit.objects.create(campaign=world.campaign_a, unit=world.unit_a1, domain=domain())
    CreatingUnit.objects.create(campaign=world.campaign_a, unit=world.unit_a2, domain=domain())
    milestone_due(world.campaign_a, TODAY + dt.timedelta(days=1), kind=Milestone.Kind.PLAN_DUE)
    site = site_for(world, world.unit_a1)
    CreationPlan.objects.create(
        site=site, file="plan.pdf", original_name="plan.pdf", submitted_at=timezone.now()
    )
    returned = site_for(world, world.unit_a2)
    CreationPlan.objects.create(
        site=returned,
        file="p.pdf",
        original_name="p.pdf",
        submitted_at=timezone.now(),
        status=CreationPlan.Status.RETURNED,
    )
    sweep_at(TODAY)
    assert sent("creation_plan") == [("liaison_a2", -1)]  # a returned plan is due again


def test_creation_plans_chase_only_units_that_owe_one(world, sweep_at):
    """Creating units and lead units owe a plan, with or without a site; nobody else."""
    from campaigns import plans
    from campaigns.models import CampaignDomain
    from organisations.models import Role
    from sites.demo import DemoFile
    from tests.factories import UnitFactory, UserFactory, give_role

    CreatingUnit.objects.create(campaign=world.campaign_a, unit=world.unit_a1, domain=domain())
    CampaignDomain.objects.create(
        campaign=world.campaign_a, domain=domain("schools"), lead_unit=world.unit_a2
    )
    bystander = UnitFactory(parent=world.township_a)
    give_role(UserFactory(username="bystander"), bystander, Role.Kind.LIAISON)
    milestone_due(world.campaign_a, TODAY + dt.timedelta(days=1), kind=Milestone.Kind.PLAN_DUE)
    plans.submit_plan(world.campaign_a, world.unit_a1, DemoFile("方案.pdf"), world.liaison_a1)
    sweep_at(TODAY)
    assert sent("creation_plan") == [("liaison_a2", -1)]
    note = world.liaison_a2.notifications.get(kind="creation_plan")
    assert note.url.endswith(f"/campaigns/{world.campaign_a.pk}/plans/")


def test_rectification_reminded_until_answered(world, sweep_at):
    item = Rectification.objects.create(
        campaign=world.campaign_a,
        unit=world.unit_a2,
        title="宣传栏内容陈旧",
        requirement="更新宣传栏",
        deadline=TODAY + dt.timedelta(days=7),
    )
    sweep_at(TODAY)
    assert sent("rectification") == [("liaison_a2", -7)]
    reminder = item  # the link goes to the item
    note = world.liaison_a2.notifications.get(kind="rectification")
    assert note.url.endswith(f"/rectifications/{reminder.pk}/")
    assert "整改：宣传栏内容陈旧" in note.title
    item.status = Rectification.Status.ANSWERED
    item.save()
    sweep_at(TODAY + dt.timedelta(days=6))
    assert sent("rectification") == [("liaison_a2", -7)]


def test_site_re_review_due(world, sweep_at):
    site = site_for(world, world.unit_a1, status=Status.NAMED, next_review_due=TODAY)
    site_for(world, world.unit_a2, status=Status.DELISTED, next_review_due=TODAY)
    sweep_at(TODAY)
    assert sent("site_review") == [("liaison_a1", 0)]
    # the review happened: the next one is a year away, the chase stops
    site.next_review_due = TODAY + dt.timedelta(days=365)
    site.save()
    sweep_at(TODAY + dt.timedelta(days=3))
    assert sent("site_review") == [("liaison_a1", 0)]


def test_application_milestone_met_once_applied(world, sweep_at):
    milestone_due(world.campaign_a, TODAY - dt.timedelta(days=3))
    milestone_due(world.campaign_b, TODAY - dt.timedelta(days=3))
    Application.objects.create(
        campaign=world.campaign_a, title="甲镇申报", submitted_at=timezone.now()
    )
    sweep_at(TODAY)
    assert sent("milestone") == [("office_b", 3)]


def test_reminder_when_not_updated_for_the_policy_days(world, sweep_at):
    from notifications.models import ReminderPolicy
    from sites import positions

    ReminderPolicy.objects.create(campaign=world.campaign_a, position_update_days=30)
    position = positions.create_position(
        world.unit_a1,
        {"kind": "board", "name": "宣传栏", "place": "村口", "set_up_on": dt.date(2026, 3, 1)},
        None,
        world.liaison_a1,
    )
    positions.add_update(position, TODAY - dt.timedelta(days=29), "更新", None, world.liaison_a1)
    sweep_at(TODAY)
    assert sent("position_update") == [("liaison_a1", -1)]
    note = world.liaison_a1.notifications.get(kind="position_update")
    assert note.url.endswith(f"/positions/{position.pk}/")
    # an update moves the due date on: the chase for the old date goes quiet
    positions.add_update(position, TODAY, "又更新了", None, world.liaison_a1)
    sweep_at(TODAY + dt.timedelta(days=1))
    sweep_at(TODAY + dt.timedelta(days=4))
    assert sent("position_update") == [("liaison_a1", -1)]
