import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from activities.models import ActivityRecord
from campaigns.models import (
    Campaign,
    CampaignDocument,
    CampaignDomain,
    CreatingUnit,
    LeadershipMember,
    Milestone,
    Task,
)
from campaigns.services import copy_campaign, delete_task, save_campaign, save_task
from tests.factories import RecordFactory, TaskFactory, domain

D = dt.date


def test_save_task_regenerates_periods_when_the_recurrence_changes(world):
    task = TaskFactory(campaign=world.campaign_a, periods=False)
    save_task(task)
    assert task.periods.count() == 1
    task.recurrence = Task.Recurrence.MONTHLY
    save_task(task, co_units=[world.unit_a2])
    assert [p.label for p in task.periods.all()] == [
        "2026年3月",
        "2026年4月",
        "2026年5月",
        "2026年6月",
        "2026年7月",
    ]
    assert list(task.co_units.all()) == [world.unit_a2]


def test_domain_with_tasks_cannot_be_dropped(world):
    save_campaign(world.campaign_a, [domain("villages"), domain("schools")])
    TaskFactory(campaign=world.campaign_a, domain=domain("villages"))
    with pytest.raises(ValidationError) as err:
        save_campaign(world.campaign_a, [domain("schools")])
    assert "进农村" in str(err.value)
    save_campaign(world.campaign_a, [domain("villages")])
    assert [cd.domain.code for cd in world.campaign_a.campaign_domains.all()] == ["villages"]


def test_task_with_records_cannot_be_deleted(world):
    task = TaskFactory(campaign=world.campaign_a)
    RecordFactory(campaign=world.campaign_a).tasks.add(task)
    with pytest.raises(ValidationError):
        delete_task(task)
    assert Task.objects.filter(pk=task.pk).exists()


def test_copy_campaign_shifts_dates_and_keeps_tasks_but_no_records(world):
    source = world.campaign_a
    source.name = "甲镇2026年创建廉政文化示范区域"
    source.save()
    CampaignDocument.objects.create(campaign=source, doc_number="通纪委〔2023〕96号", title="意见")
    LeadershipMember.objects.create(campaign=source, name="李四", position="leader")
    cd = CampaignDomain.objects.create(campaign=source, domain=domain(), lead_unit=world.unit_a1)
    cd.co_units.set([world.unit_a2])
    CreatingUnit.objects.create(campaign=source, unit=world.unit_a1, domain=domain())
    Milestone.objects.create(
        campaign=source,
        phase=source.phases.first(),
        kind=Milestone.Kind.PLAN_DUE,
        title="报送方案",
        due_date=D(2026, 5, 20),
    )
    task = TaskFactory(
        campaign=source,
        lead_unit=world.unit_a1,
        recurrence=Task.Recurrence.QUARTERLY,
        periods=False,
    )
    save_task(task, co_units=[world.unit_a2])
    RecordFactory(campaign=source, unit=world.unit_a1).tasks.add(task)

    new = copy_campaign(source, 2027, by=world.office_a)

    assert new.name == "甲镇2027年创建廉政文化示范区域"
    assert (new.start_date, new.end_date) == (D(2027, 3, 20), D(2027, 7, 20))
    assert [(p.name, p.start_date) for p in new.phases.all()][0] == ("宣传发动阶段", D(2027, 3, 20))
    milestone = new.milestones.get()
    assert milestone.due_date == D(2027, 5, 20) and milestone.phase.campaign == new
    assert new.documents.count() == new.leadership.count() == new.creating_units.count() == 1
    new_cd = new.campaign_domains.get()
    assert new_cd.lead_unit == world.unit_a1 and list(new_cd.co_units.all()) == [world.unit_a2]
    new_task = new.tasks.get()
    assert new_task.pk != task.pk and task.campaign == source
    assert list(new_task.co_units.all()) == [world.unit_a2]
    assert new_task.periods.first().label == "2027年第1季度"
    assert not ActivityRecord.objects.filter(campaign=new).exists()
    assert not new_task.records.exists()
    assert source.tasks.get() == task  # the source is untouched


def test_copy_refuses_an_existing_year(world):
    with pytest.raises(ValidationError):
        copy_campaign(world.campaign_a, 2026)
    assert Campaign.objects.filter(township=world.township_a).count() == 1


def test_copy_handles_29_february(world):
    source = world.campaign_a
    Campaign.objects.filter(pk=source.pk).update(
        start_date=D(2028, 2, 29), end_date=D(2028, 7, 20), year=2028
    )
    source.refresh_from_db()
    source.phases.all().delete()
    new = copy_campaign(source, 2029)
    assert new.start_date == D(2029, 2, 28)
