import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from activities import recount
from activities.types import ActivityType
from campaigns import progress
from campaigns.models import Task
from tests.campaigns.conftest import many_tasks
from tests.factories import RecordFactory, domain

D = dt.date
LIST = "campaigns:task_list"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


def titles(response):
    return {t.title for t in response.context["page"]}


# --- list --------------------------------------------------------------------------------


def test_office_sees_every_task_of_the_township(world, plan, login):
    response = login(world.office_a).get(reverse(LIST))
    assert response.status_code == 200
    assert titles(response) == {"村干部廉政法规讲座", "主要路口廉政标语", "廉政文化下村活动"}
    assert response.context["managed_campaigns"] == [world.campaign_a]
    detail = reverse("campaigns:task_detail", args=[plan["mine"].pk])
    assert f'href="{detail}"' in response.content.decode()


def test_liaison_sees_the_tasks_their_unit_leads_or_cohosts(world, plan, login):
    response = login(world.liaison_a1).get(reverse(LIST))
    assert titles(response) == {"村干部廉政法规讲座", "廉政文化下村活动"}
    assert response.context["managed_campaigns"] == []
    assert [u.pk for u in response.context["unit_options"]] == [world.unit_a1.pk]


def test_other_unit_and_outsider_see_nothing_of_township_a(world, plan, login):
    assert titles(login(world.liaison_b1).get(reverse(LIST))) == {"乙镇任务"}
    assert titles(login(world.outsider).get(reverse(LIST))) == set()


def test_leader_reads_all_but_cannot_add(world, plan, login):
    response = login(world.leader_a).get(reverse(LIST))
    assert len(titles(response)) == 3
    assert response.context["managed_campaigns"] == []


def test_next_due_period_first(world, plan, login):
    # the monthly task's June period is due 2026-06-30; the others' single period 2026-07-10
    response = login(world.liaison_a1).get(reverse(LIST))
    assert [t.title for t in response.context["page"]][0] == "廉政文化下村活动"


def test_filters(world, plan, login):
    client = login(world.office_a)
    rec = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, date=D(2026, 5, 1))
    rec.tasks.add(plan["mine"])
    RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, date=D(2026, 5, 2)).tasks.add(
        plan["mine"]
    )
    progress.tasks_changed([plan["mine"].pk])
    url = reverse(LIST)
    assert titles(client.get(url, {"status": "done"})) == {"村干部廉政法规讲座"}
    assert titles(client.get(url, {"overdue": "1"})) == {"廉政文化下村活动"}  # March–May missed
    assert titles(client.get(url, {"unit": world.unit_a1.pk})) == {
        "村干部廉政法规讲座",
        "廉政文化下村活动",
    }
    assert titles(client.get(url, {"domain": domain("schools").pk})) == set()
    application = world.campaign_a.phases.get(kind="application")
    assert titles(client.get(url, {"phase": application.pk})) == set()  # all due by 10 July
    creation = world.campaign_a.phases.get(kind="creation")
    assert len(titles(client.get(url, {"phase": creation.pk}))) == 3
    assert titles(client.get(url, {"campaign": world.campaign_b.pk})) == set()  # not visible
    assert len(titles(client.get(url, {"status": "bogus", "unit": "x"}))) == 3


def test_htmx_returns_the_table_only(world, plan, login):
    client = login(world.office_a)
    partial = client.get(reverse(LIST), {"status": "overdue"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert [t.name for t in partial.templates][0] == "campaigns/_partials/task_table.html"
    assert '<nav class="navbar' not in partial.content.decode()
    full = client.get(reverse(LIST))
    assert [t.name for t in full.templates][0] == "campaigns/task_list.html"


def test_pages(world, login):
    many_tasks(world.campaign_a, [world.unit_a1], n=60)
    client = login(world.office_a)
    assert len(client.get(reverse(LIST)).context["page"]) == 50
    assert len(client.get(reverse(LIST), {"page": 2}).context["page"]) == 10


@pytest.mark.parametrize("who", ["office_a", "liaison_a1"])
def test_list_query_count_is_fixed(world, plan, login, django_assert_num_queries, who):
    client = login(getattr(world, who))
    many_tasks(world.campaign_a, [world.unit_a1, world.unit_a2], n=20)
    with django_assert_num_queries(12):
        first = client.get(reverse(LIST), {"unit": world.unit_a1.pk, "status": "overdue"})
    extra = many_tasks(
        world.campaign_a, [world.unit_a1, world.unit_a2], n=40, start=D(2026, 2, 1), prefix="再"
    )
    assert extra
    with django_assert_num_queries(12):
        second = client.get(reverse(LIST), {"unit": world.unit_a1.pk, "status": "overdue"})
    assert len(second.context["page"]) > len(first.context["page"])


# --- detail ------------------------------------------------------------------------------


def test_detail_shows_periods_with_status(world, plan, login):
    task = plan["shared"]
    rec = RecordFactory(campaign=world.campaign_a, unit=world.unit_a2, date=D(2026, 6, 2))
    rec.tasks.add(task)
    recount.records_changed([rec.pk])
    response = login(world.liaison_a1).get(reverse("campaigns:task_detail", args=[task.pk]))
    assert response.status_code == 200
    statuses = [(p.label, p.status) for p in response.context["periods"]]
    assert statuses[0] == ("2026年3月", "overdue")
    assert ("2026年6月", "in_progress") in statuses
    assert response.context["records"] == [rec]
    assert not response.context["can_manage"]


@pytest.mark.parametrize("who", ["liaison_a2", "office_a", "leader_a", "district_leader"])
def test_detail_readable(world, plan, login, who):
    url = reverse("campaigns:task_detail", args=[plan["theirs"].pk])
    assert login(getattr(world, who)).get(url).status_code == 200


@pytest.mark.parametrize("who", ["liaison_a1", "liaison_b1", "office_b", "outsider", "reviewer"])
def test_detail_refused(world, plan, login, who):
    url = reverse("campaigns:task_detail", args=[plan["theirs"].pk])
    assert login(getattr(world, who)).get(url).status_code == 404


# --- create / edit / delete --------------------------------------------------------------


def task_data(world, **over):
    data = {
        "domain": domain("schools").pk,
        "title": "每学期一堂反腐倡廉教育课",
        "description": "或组织观看一次反腐倡廉电教片",
        "lead_unit": world.unit_a1.pk,
        "co_units": [world.unit_a2.pk],
        "measure": "activities",
        "target_count": 1,
        "target_unit": "堂",
        "target_base": "",
        "recurrence": "semester",
        "start_date": "2026-03-20",
        "due_date": "2026-07-20",
        "activity_types": [ActivityType.LECTURE, ActivityType.FILM],
    }
    data.update(over)
    return data


def test_office_adds_a_task_and_its_periods_appear(world, plan, login):
    url = reverse("campaigns:task_create", args=[world.campaign_a.pk])
    client = login(world.office_a)
    assert client.get(url).status_code == 200
    response = client.post(url, task_data(world))
    task = Task.objects.get(title="每学期一堂反腐倡廉教育课")
    assert response.url == reverse("campaigns:task_detail", args=[task.pk])
    assert list(task.co_units.all()) == [world.unit_a2]
    assert task.activity_types == ["lecture", "film"]
    assert [(p.label, p.due_date) for p in task.periods.all()] == [
        ("2026年春季学期", D(2026, 7, 15))
    ]


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"target_count": 0}, "target_count", "目标数须大于0。"),
        ({"target_count": -3}, "target_count", "目标数须大于0。"),
        ({"due_date": "2026-03-01"}, "due_date", "截止日期不能早于开始日期。"),
        ({"lead_unit": "UNIT_B"}, "lead_unit", "所选单位不属于本镇。"),
        ({"title": "村干部廉政法规讲座", "domain": "VILLAGES"}, "title", "本领域已有同名任务。"),
        ({"measure": "percent"}, "target_base", "按比例计量时须填写覆盖基数"),
        ({"co_units": ["UNIT_A1"]}, "co_units", "牵头单位不必再列为协办单位。"),
    ],
)
def test_bad_task_input_is_refused_at_the_field(world, plan, login, over, field, message):
    swap = {
        "UNIT_B": world.unit_b1.pk,
        "VILLAGES": domain("villages").pk,
        "UNIT_A1": world.unit_a1.pk,
    }
    over = {
        k: ([swap.get(x, x) for x in v] if isinstance(v, list) else swap.get(v, v))
        for k, v in over.items()
    }
    before = Task.objects.count()
    response = login(world.office_a).post(
        reverse("campaigns:task_create", args=[world.campaign_a.pk]), task_data(world, **over)
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert Task.objects.count() == before


def test_domain_outside_the_campaign_is_refused(world, plan, login):
    world.campaign_a.campaign_domains.filter(domain__code="families").delete()
    response = login(world.office_a).post(
        reverse("campaigns:task_create", args=[world.campaign_a.pk]),
        task_data(world, domain=domain("families").pk),
    )
    assert response.context["form"].errors["domain"] == ["本活动不含该领域。"]


def test_edit_task_regenerates_periods(world, plan, login):
    task = plan["mine"]
    url = reverse("campaigns:task_edit", args=[task.pk])
    data = task_data(
        world, title=task.title, domain=task.domain_id, recurrence="quarterly", co_units=[]
    )
    response = login(world.office_a).post(url, data)
    assert response.status_code == 302
    assert [p.label for p in task.periods.all()] == [
        "2026年第1季度",
        "2026年第2季度",
        "2026年第3季度",
    ]


@pytest.mark.parametrize(
    ("who", "status", "create_status"),
    [
        ("leader_a", 403, 403),
        ("liaison_a1", 403, 403),  # reads the task (their unit leads it), may not change it
        ("liaison_a2", 404, 403),  # another unit: the task is not theirs to see
        ("liaison_b1", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_task_writes_refused(world, plan, login, who, status, create_status):
    client = login(getattr(world, who))
    task = plan["mine"]
    assert client.get(reverse("campaigns:task_edit", args=[task.pk])).status_code == status
    assert client.post(reverse("campaigns:task_delete", args=[task.pk])).status_code == status
    create = reverse("campaigns:task_create", args=[world.campaign_a.pk])
    assert client.post(create, task_data(world)).status_code == create_status
    assert Task.objects.filter(pk=task.pk).exists()
    assert not Task.objects.filter(title="每学期一堂反腐倡廉教育课").exists()


def test_delete_task(world, plan, login):
    task = plan["theirs"]
    response = login(world.office_a).post(reverse("campaigns:task_delete", args=[task.pk]))
    assert response.status_code == 302
    assert not Task.objects.filter(pk=task.pk).exists()


def test_delete_task_with_records_is_refused(world, plan, login):
    task = plan["theirs"]
    RecordFactory(campaign=world.campaign_a, unit=world.unit_a2).tasks.add(task)
    response = login(world.office_a).post(
        reverse("campaigns:task_delete", args=[task.pk]), follow=True
    )
    assert "不能删除" in response.content.decode()
    assert Task.objects.filter(pk=task.pk).exists()


def test_delete_is_post_only(world, plan, login):
    url = reverse("campaigns:task_delete", args=[plan["theirs"].pk])
    assert login(world.office_a).get(url).status_code == 405
