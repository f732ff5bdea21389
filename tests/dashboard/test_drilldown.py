"""Every number that is a link opens a list of exactly that many rows — for every role.

The walk: for each role, open the township dashboard, the district dashboard, the home page and
the campaign overview on generated data; follow every linked figure (`a.qf-drill`) and compare
the list's visible count (`data-qf-count`) with the figure. Every other link in the page body
must open too: a role is never shown a link it may not follow (a district reviewer gets the
numbers without links).
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from activities.models import ActivityRecord
from monthly import services as monthly
from tests.dashboard.factories import rectification
from tests.factories import RecordFactory, TaskFactory, UnitFactory, domain

DRILL = re.compile(r'<a href="([^"]+)" class="qf-drill"[^>]*>(\d+)</a>')
HREF = re.compile(r'<a [^>]*href="([^"#][^"]*)"')
COUNT = re.compile(r'data-qf-count="(\d+)"')


@pytest.fixture
def generated(known, world, today):
    """`known` plus more units, tasks, records, rectifications and monthly reports: one unit
    submitted April on time and May late, one submitted only April, the rest nothing."""
    c = world.campaign_a
    extra = [UnitFactory(name=f"甲{n}单位", parent=world.township_a) for n in range(3, 9)]
    for i, unit in enumerate(extra):
        code = ["villages", "schools", "families"][i % 3]
        task = TaskFactory(
            campaign=c,
            lead_unit=unit,
            domain=domain(code),
            target_count=1 + i % 2,
            due_date=dt.date(2026, 5, 10) if i % 2 else dt.date(2026, 7, 1),
        )
        for day in range(i % 3):
            record = RecordFactory(
                campaign=c,
                unit=unit,
                domain=domain(code),
                date=dt.date(2026, 4, 3 + day),
                participants=10 + i,
                status=ActivityRecord.Status.APPROVED,
            )
            record.tasks.add(task)
        if i % 3 == 0:
            rectification(c, unit, dt.date(2026, 6, 1 + i))
    from campaigns.progress import recompute_campaign

    recompute_campaign(c.pk)

    def report(unit, liaison, month, on):
        draft = monthly.save_draft(c, unit, month, summary="本月情况", notes="", by=liaison)
        monthly.submit_report(draft, by=liaison, today=on)

    report(world.unit_a1, world.liaison_a1, dt.date(2026, 4, 1), dt.date(2026, 5, 3))
    report(world.unit_a1, world.liaison_a1, dt.date(2026, 5, 1), dt.date(2026, 6, 9))
    report(world.unit_a2, world.liaison_a2, dt.date(2026, 4, 1), dt.date(2026, 5, 5))
    return extra


def main(body: str) -> str:
    return body[body.index("<main") : body.index("</main>")]


def walk(client, url: str) -> tuple[int, int]:
    """(linked figures checked, other links opened) on the page at `url`."""
    response = client.get(url)
    assert response.status_code == 200, url
    body = main(response.content.decode())
    figures = 0
    for href, number in DRILL.findall(body):
        target = html.unescape(href)
        listed = client.get(target)
        assert listed.status_code == 200, (url, target)
        counts = COUNT.findall(listed.content.decode())
        assert counts, f"{target} shows no count"
        assert int(counts[0]) == int(number), (url, target, number, counts[0])
        figures += 1
    others = 0
    for href in set(HREF.findall(body)) - {h for h, _n in DRILL.findall(body)}:
        target = html.unescape(href)
        if not target.startswith("/") or "/export" in target or target.endswith(".xlsx"):
            continue
        assert client.get(target).status_code == 200, (url, target)
        others += 1
    return figures, others


def pages_for(world) -> dict[str, list[str]]:
    township = reverse("dashboard:township_detail", args=[world.township_a.pk])
    units = reverse("dashboard:township_units", args=[world.township_a.pk])
    trend = reverse("dashboard:township_trend", args=[world.township_a.pk])
    district = reverse("dashboard:district_detail", args=[world.district.pk])
    overview = reverse("campaigns:campaign_detail", args=[world.campaign_a.pk])
    home = reverse("home")
    return {
        "office_a": [township, units, trend, home, overview],
        "leader_a": [township, units, trend, home, overview],
        "district_leader": [township, units, trend, district, home, overview],
        "reviewer": [township, units, trend, district, home],
        "liaison_a1": [home, overview],
    }


def test_every_linked_figure_opens_exactly_its_rows(generated, world, login, client):
    walked = {}
    for role, urls in pages_for(world).items():
        user = getattr(world, role)
        client.force_login(user)
        for url in urls:
            try:
                figures, _others = walk(client, url)
            except AssertionError as failed:
                raise AssertionError(f"{role}: {failed}") from None
            walked[(role, url)] = figures
        client.logout()
    township = reverse("dashboard:township_detail", args=[world.township_a.pk])
    # the office and leaders follow dozens of figures; a reviewer and a liaison none
    assert walked[("office_a", township)] >= 30
    assert walked[("leader_a", township)] == walked[("office_a", township)]
    assert walked[("district_leader", township)] == walked[("office_a", township)]
    units = reverse("dashboard:township_units", args=[world.township_a.pk])
    trend = reverse("dashboard:township_trend", args=[world.township_a.pk])
    assert walked[("office_a", units)] >= 10 and walked[("office_a", trend)] >= 5
    assert sum(n for (role, _u), n in walked.items() if role in ("reviewer", "liaison_a1")) == 0
    print(f"drill-down walk: {sum(walked.values())} linked figures followed", walked)


def test_reviewer_sees_numbers_without_links(generated, world, login):
    client = login(world.reviewer)
    body = main(
        client.get(
            reverse("dashboard:township_detail", args=[world.township_a.pk])
        ).content.decode()
    )
    assert "qf-drill" not in body
    assert "/sites/" not in body and "/activities/" not in body and "/monthly/" not in body
    assert "按目前进度" in body  # the verdict and the numbers are there


def test_record_list_shows_the_participant_total(generated, world, login):
    from dashboard.figures import township_figures
    from dashboard.metrics import link

    figures = township_figures(world.township_a, dt.date(2026, 6, 15))
    body = login(world.office_a).get(link("records", campaign=world.campaign_a.pk)).content
    body = body.decode()
    assert f'data-qf-count="{figures.records}"' in body
    assert f'data-qf-participants="{figures.participants}"' in body
    assert f"参与 {figures.participants} 人次" in body


def test_monthly_completeness_on_the_dashboard(generated, world, today):
    from dashboard.figures import township_figures

    figures = township_figures(world.township_a, today)
    owes = {u.unit.pk: u for u in figures.units}
    # April and May are due; a1 sent both (May late), a2 April only, the others nothing
    assert (owes[world.unit_a1.pk].missing_reports, owes[world.unit_a1.pk].late_reports) == (0, 1)
    assert owes[world.unit_a2.pk].missing_reports == 1
    assert all(owes[u.pk].missing_reports == 2 for u in generated)
    # the owing table lists only units that owe something, worst first
    assert all(u.total for u in figures.owing_units)
    totals = [u.total for u in figures.owing_units]
    assert totals == sorted(totals, reverse=True)
