"""One set of numbers: the home pages, the campaign overview, the dashboard, the work report
context and the dossier context of one campaign give the same task and record figures."""

from __future__ import annotations

from django.urls import reverse

from reports.contexts import dossier, work_report
from tests.dashboard.test_drilldown import generated  # noqa: F401 - the shared fixture


def panel(response, template):
    return next(
        p
        for section in response.context["sections"]
        for p in section["panels"]
        if p["template"] == template
    )


def test_every_page_and_report_gives_the_same_figures(generated, world, login, today):  # noqa: F811
    c = world.campaign_a
    # a unit that stopped (inactive) still leads a task with an overdue period: it counts
    generated[1].is_active = False
    generated[1].save()
    dashboard = login(world.office_a).get(reverse("dashboard:township")).context["figures"]
    office_home = panel(
        login(world.office_a).get(reverse("home")), "campaigns/_partials/home_office.html"
    )["rows"][0]
    leader_home = panel(
        login(world.leader_a).get(reverse("home")), "dashboard/_partials/home_leader.html"
    )["figures"]
    overview = login(world.office_a).get(reverse("campaigns:campaign_detail", args=[c.pk]))
    report = work_report.build(c, {}, today)
    book = dossier.build(c, {}, today)

    def totals(counts):
        return (counts.total, counts.done, counts.open, counts.overdue)

    expected = totals(dashboard.tasks)
    assert expected[0] > 0 and expected[3] > 0
    assert totals(office_home["tasks"]) == expected
    assert totals(leader_home.tasks) == expected
    assert totals(overview.context["totals"]) == expected
    assert totals(report["tasks"]) == expected
    assert (
        sum(f["tasks_total"] for f in book["figures"]),
        sum(f["tasks_done"] for f in book["figures"]),
        sum(f["tasks_overdue"] for f in book["figures"]),
    ) == (expected[0], expected[1], expected[3])

    # per domain: tasks (total, done, overdue) and approved records with participants
    on_dashboard = {
        d.domain.pk: (d.tasks.total, d.tasks.done, d.tasks.overdue, d.records, d.participants)
        for d in dashboard.domains
    }
    in_report = {
        s["domain"].pk: (
            s["tasks_total"],
            s["tasks_done"],
            s["tasks_overdue"],
            s["records"],
            s["participants"],
        )
        for s in report["sections"]
    }
    in_dossier = {
        f["domain"].pk: (
            f["tasks_total"],
            f["tasks_done"],
            f["tasks_overdue"],
            f["records"],
            f["participants"],
        )
        for f in book["figures"]
    }
    on_overview = {
        row.domain.pk: (row.total, row.done, row.overdue) for row in overview.context["counts"]
    }
    assert in_report == on_dashboard == in_dossier
    assert on_overview == {k: v[:3] for k, v in on_dashboard.items()}
    owes = {u.unit.pk: u for u in dashboard.units}
    assert owes[generated[1].pk].overdue_tasks == 1
    assert owes[generated[1].pk].missing_reports == 0  # reports are owed by active units
    assert (report["total_records"], report["total_participants"]) == (
        dashboard.records,
        dashboard.participants,
    )
