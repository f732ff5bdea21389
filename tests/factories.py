"""Factories shared by every app's tests: organisations, people, campaigns, tasks, records.

App-specific factories live beside their tests (tests/<app>/factories.py).
"""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from activities.models import ActivityRecord
from activities.types import ActivityType
from campaigns.models import Campaign, Phase, Task, TaskPeriod
from organisations.models import Domain, Organisation, Role, User

TODAY = dt.date(2026, 6, 15)  # tests that care about "today" travel here with time_machine


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", "pass-1234")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"district-{n}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    level = Organisation.Level.DISTRICT


class TownshipFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"township-{n}")
    name = factory.Sequence(lambda n: f"测试镇{n}")
    level = Organisation.Level.TOWNSHIP
    parent = factory.SubFactory(DistrictFactory)


def domain(code: str = "villages") -> Domain:
    """The domain with this code. Transactional tests flush the tables the migration seeded,
    so the eight defaults are recreated on demand."""
    names = dict(Domain.EIGHT_INTO)
    found, _ = Domain.objects.get_or_create(
        code=code,
        defaults={
            "name": names.get(code, code),
            "order": list(names).index(code) + 1 if code in names else 100,
            "is_default": code in names,
        },
    )
    return found


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"测试村{n}")
    level = Organisation.Level.UNIT
    unit_type = Organisation.UnitType.VILLAGE
    main_domain = factory.LazyFunction(lambda: domain("villages"))
    parent = factory.SubFactory(TownshipFactory)


def give_role(user: User, org: Organisation, kind: str) -> Role:
    from organisations.access import forget_scope

    role, _ = Role.objects.get_or_create(user=user, organisation=org, kind=kind)
    forget_scope(user)
    return role


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    township = factory.SubFactory(TownshipFactory)
    year = 2026
    name = factory.LazyAttribute(lambda c: f"{c.township.name}{c.year}年创建廉政文化示范区域")
    start_date = dt.date(2026, 3, 20)
    end_date = dt.date(2026, 7, 20)

    @factory.post_generation
    def phases(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        windows = [
            (Phase.Kind.MOBILISATION, "宣传发动阶段", dt.date(2026, 3, 20), dt.date(2026, 5, 20)),
            (Phase.Kind.CREATION, "实施创建阶段", dt.date(2026, 5, 21), dt.date(2026, 7, 10)),
            (Phase.Kind.APPLICATION, "申报验收阶段", dt.date(2026, 7, 11), dt.date(2026, 7, 20)),
        ]
        for order, (kind, name, start, end) in enumerate(windows, start=1):
            Phase.objects.create(
                campaign=obj, kind=kind, name=name, order=order, start_date=start, end_date=end
            )


class TaskFactory(DjangoModelFactory):
    class Meta:
        model = Task
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    domain = factory.LazyFunction(lambda: domain("villages"))
    title = factory.Sequence(lambda n: f"测试任务{n}")
    lead_unit = factory.SubFactory(UnitFactory, parent=factory.SelfAttribute("..campaign.township"))
    target_count = 2
    start_date = dt.date(2026, 3, 20)
    due_date = dt.date(2026, 7, 10)

    @factory.post_generation
    def periods(obj, create, extracted, **kwargs):
        """One period covering the whole task unless the test makes its own."""
        if create and extracted is not False:
            TaskPeriod.objects.create(
                task=obj, index=1, label="全年", start_date=obj.start_date, due_date=obj.due_date
            )


class RecordFactory(DjangoModelFactory):
    class Meta:
        model = ActivityRecord
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    unit = factory.SubFactory(UnitFactory, parent=factory.SelfAttribute("..campaign.township"))
    domain = factory.LazyFunction(lambda: domain("villages"))
    type = ActivityType.LECTURE
    title = factory.Sequence(lambda n: f"廉政党课第{n}讲")
    date = dt.date(2026, 6, 1)
    participants = 30
    status = ActivityRecord.Status.APPROVED

    @factory.post_generation
    def tasks(obj, create, extracted, **kwargs):
        """RecordFactory(tasks=[...]) links tasks; the stored figures then follow through the
        one hook, as after any service (a test that changes rows by hand calls it itself)."""
        if not create:
            return
        if extracted:
            obj.tasks.set(extracted)
        from activities import recount

        recount.records_changed([obj.pk])
