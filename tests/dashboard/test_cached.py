"""The township figures kept in the cache: fewer queries, invalidated by record changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from activities import services
from activities.models import ActivityRecord
from dashboard import cached
from dashboard.figures import township_figures
from tests.factories import RecordFactory

URL = reverse("dashboard:township")
# session, user, roles (also the user menu's role list), the campaign's domains (access) and
# unread notifications: the figures come from the cache.
WARM_QUERIES = 5


def summary(figures):
    return (
        figures.records,
        figures.participants,
        (figures.tasks.done, figures.tasks.open, figures.tasks.overdue),
        [(u.unit.pk, u.total) for u in figures.units],
        [(s.site.pk, s.projected_score, s.status) for s in figures.sites],
        figures.trend,
    )


def test_second_view_comes_from_the_cache(known, world, login, today, django_assert_num_queries):
    client = login(world.office_a)
    cold = client.get(URL).context["figures"]
    with django_assert_num_queries(WARM_QUERIES):
        warm = client.get(URL).context["figures"]
    assert summary(warm) == summary(cold) == summary(township_figures(world.township_a, today))


def test_an_approved_record_shows_at_once(known, world, login, django_capture_on_commit_callbacks):
    client = login(world.leader_a)
    before = client.get(URL).context["figures"].records
    pending = RecordFactory(
        campaign=world.campaign_a,
        unit=world.unit_a2,
        status=ActivityRecord.Status.SUBMITTED,
        date=dt.date(2026, 6, 10),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_record(pending, world.office_a)
    assert client.get(URL).context["figures"].records == before + 1


def test_filing_keeps_the_cache_and_approval_renews_it(
    known, world, login, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """A record returned (or filed, or submitted) that was never approved changes no dashboard
    figure (they count approved records only): the cached page stays warm through the
    month-end rush; an approval shows at once."""
    client = login(world.office_a)
    before = client.get(URL).context["figures"].records

    def submitted():
        return RecordFactory(
            campaign=world.campaign_a,
            unit=world.unit_a2,
            status=ActivityRecord.Status.SUBMITTED,
            date=dt.date(2026, 6, 11),
        )

    with django_capture_on_commit_callbacks(execute=True):
        services.return_record(submitted(), world.office_a, "请补充签到表")
    with django_assert_num_queries(WARM_QUERIES):
        assert client.get(URL).context["figures"].records == before
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_record(submitted(), world.office_a)
    assert client.get(URL).context["figures"].records == before + 1


def test_cache_can_be_turned_off(known, world, login, settings, django_assert_num_queries):
    settings.DASHBOARD_CACHE_SECONDS = 0
    assert cached.seconds() == 0
    client = login(world.office_a)
    client.get(URL)
    with django_assert_num_queries(10):
        client.get(URL)


DISTRICT = reverse("dashboard:district")


def test_district_view_cached_and_invalidated(
    known, world, login, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client = login(world.reviewer)
    before = {r.township: r.records for r in client.get(DISTRICT).context["figures"].rows}
    # session, user, roles (with the user menu's role list), the district; notifications
    with django_assert_num_queries(5):
        client.get(DISTRICT)
    pending = RecordFactory(
        campaign=world.campaign_b, unit=world.unit_b1, status=ActivityRecord.Status.SUBMITTED
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_record(pending, world.office_b)
    after = {r.township: r.records for r in client.get(DISTRICT).context["figures"].rows}
    assert after[world.township_b] == before[world.township_b] + 1
    assert after[world.township_a] == before[world.township_a]


def page_tables(response) -> str:
    body = response.content.decode()
    return body[body.index('id="qf-headline"') : body.index("</main>")]


def test_cached_tables_equal_fresh_ones(known, world, login, settings):
    client = login(world.office_a)
    first = page_tables(client.get(URL))
    warm = page_tables(client.get(URL))
    settings.DASHBOARD_CACHE_SECONDS = 0
    fresh = page_tables(client.get(URL))
    assert first == warm == fresh
    assert "qf-dashboard-data" in warm and "甲一村" in warm


@pytest.mark.parametrize("change", ["rename_unit", "task_target", "close_rectification", "report"])
def test_every_change_to_a_figure_or_label_drops_the_cache(
    known, world, login, change, django_capture_on_commit_callbacks
):
    from assessments.models import Rectification
    from monthly import services as monthly

    client = login(world.office_a)
    before = client.get(URL).context["figures"]
    owes_before = {u.unit.pk: u for u in before.units}
    with django_capture_on_commit_callbacks(execute=True):
        if change == "rename_unit":
            world.unit_a2.name = "甲二村（新名）"
            world.unit_a2.save()
        elif change == "task_target":
            known.done_task.target_count = 50
            known.done_task.save()
            from campaigns.progress import recompute_tasks

            recompute_tasks([known.done_task.pk])
        elif change == "close_rectification":
            Rectification.objects.filter(
                unit=world.unit_a1, deadline__lt=dt.date(2026, 6, 15)
            ).update(status=Rectification.Status.CLOSED)
            rect = Rectification.objects.filter(unit=world.unit_a1).first()
            rect.save()
        else:
            draft = monthly.save_draft(
                world.campaign_a,
                world.unit_a2,
                dt.date(2026, 4, 1),
                summary="四月",
                notes="",
                by=None,
            )
            monthly.submit_report(draft, by=None)
    after = client.get(URL)
    figures = after.context["figures"]
    owes = {u.unit.pk: u for u in figures.units}
    if change == "rename_unit":
        assert "甲二村（新名）" in after.content.decode()
    elif change == "task_target":
        assert figures.tasks.done == before.tasks.done - 1
    elif change == "close_rectification":
        assert owes[world.unit_a1.pk].overdue_rectifications == 0
        assert owes_before[world.unit_a1.pk].overdue_rectifications == 1
    else:
        assert (
            owes[world.unit_a2.pk].missing_reports
            == owes_before[world.unit_a2.pk].missing_reports - 1
        )
