import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from campaigns.services import save_task
from tests.campaigns.conftest import many_tasks
from tests.factories import TaskFactory


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


def panels(response, template):
    return [
        panel
        for section in response.context["sections"]
        for panel in section["panels"]
        if panel["template"] == template
    ]


def test_office_home_shows_the_campaign_overview(world, plan, login):
    response = login(world.office_a).get(reverse("home"))
    (panel,) = panels(response, "campaigns/_partials/home_office.html")
    (row,) = panel["rows"]
    assert row["campaign"] == world.campaign_a
    assert row["current_phase"].kind == "creation" and row["days_left"] == 25
    assert (row["tasks"].total, row["tasks"].overdue) == (3, 1)
    assert "实施创建阶段" in response.content.decode()


def test_liaison_home_lists_their_tasks_next_due_first(world, plan, login):
    soon = TaskFactory(
        campaign=world.campaign_a,
        lead_unit=world.unit_a1,
        title="六月底前完成",
        start_date=dt.date(2026, 6, 1),
        due_date=dt.date(2026, 6, 20),
        periods=False,
    )
    save_task(soon)
    response = login(world.liaison_a1).get(reverse("home"))
    (panel,) = panels(response, "campaigns/_partials/home_liaison.html")
    titles = [t.title for t in panel["tasks"]]
    # the monthly shared task is overdue (March–May): counted apart, not listed as "next"
    assert titles == ["六月底前完成", "村干部廉政法规讲座"]
    assert panel["overdue_count"] == 1
    assert panel["tasks"][0].summary.next_period.due_date == dt.date(2026, 6, 20)
    assert "主要路口廉政标语" not in response.content.decode()  # unit a2's task
    assert f"/campaigns/{world.campaign_a.pk}/plans/" in response.content.decode()


def test_office_does_not_get_the_liaison_panel(world, plan, login):
    response = login(world.office_a).get(reverse("home"))
    assert panels(response, "campaigns/_partials/home_liaison.html") == []
    response = login(world.outsider).get(reverse("home"))
    assert panels(response, "campaigns/_partials/home_office.html") == []


@pytest.mark.parametrize(
    ("who", "panel"), [("liaison_a1", "liaison_tasks"), ("office_a", "office_overview")]
)
def test_panel_query_count_is_fixed(world, plan, rf, django_assert_num_queries, who, panel):
    from campaigns import panels as module
    from organisations.access import scope_for

    fn = getattr(module, panel)
    user = getattr(world, who)
    request = rf.get("/")
    request.user = user
    scope = scope_for(user)
    many_tasks(world.campaign_a, [world.unit_a1], n=10, start=dt.date(2026, 6, 1))
    with django_assert_num_queries(4):
        first = fn(request, scope)
    many_tasks(world.campaign_a, [world.unit_a1], n=30, start=dt.date(2026, 6, 1), prefix="再")
    with django_assert_num_queries(4):
        second = fn(request, scope)
    assert first and second
