import io

import pytest
from django.core.management import call_command

from campaigns.models import Campaign, Task, TaskPeriod

pytestmark = pytest.mark.django_db


def test_demo_has_the_seed_tasks_for_all_eight_domains_and_is_idempotent():
    call_command("load_demo", stdout=io.StringIO())
    campaign = Campaign.objects.get(township__code="qingxi-town")
    tasks = Task.objects.filter(campaign=campaign)
    assert set(tasks.values_list("domain__code", flat=True)) == {
        "organs",
        "communities",
        "schools",
        "hospitals",
        "villages",
        "enterprises",
        "social_orgs",
        "families",
    }
    lesson = tasks.get(title="每学期一堂反腐倡廉教育课或电教片")
    assert lesson.lead_unit.name == "清溪镇中心小学"
    assert [u.name for u in lesson.co_units.all()] == ["清溪镇初级中学"]
    assert lesson.periods.exists()
    counts = (tasks.count(), TaskPeriod.objects.filter(task__campaign=campaign).count())
    call_command("load_demo", stdout=io.StringIO())
    assert (tasks.count(), TaskPeriod.objects.filter(task__campaign=campaign).count()) == counts


def test_scale_puts_every_task_in_one_campaign_with_monthly_periods():
    call_command(
        "generate_scale_data",
        "--townships=2",
        "--units=10",
        "--tasks=30",
        "--records=0",
        "--evidence=0",
        "--allow-sqlite",
        stdout=io.StringIO(),
    )
    campaign = Campaign.objects.get(name="规模测试活动1")
    assert Task.objects.filter(campaign=campaign).count() == 30
    assert TaskPeriod.objects.filter(task__campaign=campaign).count() == 30 * 12
    assert not Task.objects.exclude(campaign=campaign).filter(title__startswith="规模任务").exists()
    lead_townships = set(
        Task.objects.filter(campaign=campaign).values_list("lead_unit__township", flat=True)
    )
    assert lead_townships == {campaign.township_id}
