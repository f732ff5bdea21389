"""The monthly report (廉政信息月报): due months, writing, submitting, reviewing, the list."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from activities.models import ActivityRecord
from monthly import completeness, due, services
from monthly.models import LATE, MISSING, NOT_DUE, ON_TIME, MonthlyReport
from tests.factories import RecordFactory

TODAY = dt.date(2026, 6, 15)
APRIL, MAY, JUNE = dt.date(2026, 4, 1), dt.date(2026, 5, 1), dt.date(2026, 6, 1)
LIST = reverse("monthly:report_list")
WRITE = reverse("monthly:report_write")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


def write(world, unit=None, month=APRIL, liaison=None, summary="本月开展讲座一次。"):
    return services.save_draft(
        world.campaign_a,
        unit or world.unit_a1,
        month,
        summary=summary,
        notes="",
        by=liaison or world.liaison_a1,
    )


def test_only_whole_months_are_due_and_only_after_the_report_day(world):
    campaign = world.campaign_a  # 20 March to 20 July, report day 5
    assert due.covered_months(campaign) == [APRIL, MAY, JUNE]
    assert due.due_months(campaign, TODAY) == [APRIL, MAY]
    assert due.due_months(campaign, dt.date(2026, 6, 5)) == [APRIL]  # due ON the 5th: not missing
    assert due.deadline(dt.date(2026, 1, 1), 31) == dt.date(2026, 2, 28)


def test_submit_attaches_the_months_records_and_counts_them(world):
    RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, date=dt.date(2026, 4, 3))
    RecordFactory(
        campaign=world.campaign_a,
        unit=world.unit_a1,
        date=dt.date(2026, 4, 9),
        status=ActivityRecord.Status.SUBMITTED,
        type="film",
    )
    RecordFactory(  # a draft and another month are not attached
        campaign=world.campaign_a,
        unit=world.unit_a1,
        date=dt.date(2026, 4, 10),
        status=ActivityRecord.Status.DRAFT,
    )
    RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, date=dt.date(2026, 5, 2))
    report = services.submit_report(write(world), by=world.liaison_a1, today=dt.date(2026, 5, 4))
    assert report.records.count() == 2
    assert sum(report.counts.values()) == 2 and report.counts.get("film") == 1
    assert report.state(TODAY) == ON_TIME and not report.is_quiet


def test_states_on_time_late_missing_and_quiet_apart(world):
    RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, date=dt.date(2026, 4, 3))
    services.submit_report(write(world), by=world.liaison_a1, today=dt.date(2026, 5, 5))
    late = write(world, month=MAY, summary="本月未开展活动。")
    services.submit_report(late, by=world.liaison_a1, today=dt.date(2026, 6, 8))
    states = {
        (s.unit, s.month): (s.state, s.quiet) for s in completeness.slots(world.campaign_a, TODAY)
    }
    assert states[(world.unit_a1, APRIL)] == (ON_TIME, False)
    assert states[(world.unit_a1, MAY)] == (LATE, True)  # late, and no activity: both shown
    assert states[(world.unit_a2, MAY)] == (MISSING, False)
    assert states[(world.unit_a2, JUNE)] == (NOT_DUE, False)


def test_a_returned_report_is_corrected_and_stays_on_time(world):
    report = services.submit_report(write(world), by=world.liaison_a1, today=dt.date(2026, 5, 3))
    services.return_report(report, by=world.office_a, reason="请补充照片说明。")
    with pytest.raises(services.ReportError):
        services.accept_report(report, by=world.office_a)  # not waiting for review
    write(world, summary="补充后的说明。")
    report = services.submit_report(report, by=world.liaison_a1, today=dt.date(2026, 6, 10))
    assert report.first_submitted_on == dt.date(2026, 5, 3) and report.state(TODAY) == ON_TIME
    services.accept_report(report, by=world.office_a)
    with pytest.raises(services.ReportError):  # a repeated accept changes nothing
        services.accept_report(report, by=world.office_a)


def test_refusals_say_why(world):
    with pytest.raises(services.ReportError, match="完整月份"):
        write(world, month=dt.date(2026, 3, 1))  # March is covered from the 20th only
    report = services.submit_report(write(world), by=world.liaison_a1)
    with pytest.raises(services.ReportError, match="重复"):
        services.submit_report(report, by=world.liaison_a1)
    with pytest.raises(services.ReportError, match="不能再修改"):
        write(world)
    with pytest.raises(services.ReportError, match="原因"):
        services.return_report(report, by=world.office_a, reason=" ")


# --- pages ----------------------------------------------------------------------------------


def test_liaison_writes_and_submits_then_the_office_accepts(world, login):
    client = login(world.liaison_a1)
    url = f"{WRITE}?campaign={world.campaign_a.pk}&unit={world.unit_a1.pk}&month=2026-05"
    assert client.get(url).status_code == 200
    assert "请填写" in client.post(url, {"summary": " ", "notes": ""}).content.decode()
    response = client.post(url, {"summary": "五月开展讲座。", "notes": ""})
    report = MonthlyReport.objects.get()
    assert response.url == reverse("monthly:report_detail", args=[report.pk])
    assert client.get(url).url == reverse("monthly:report_edit", args=[report.pk])
    submit = reverse("monthly:report_submit", args=[report.pk])
    assert client.get(submit).status_code == 405
    client.post(submit)
    client.post(submit)  # a double tap changes nothing
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.SUBMITTED
    accept = reverse("monthly:report_accept", args=[report.pk])
    assert client.post(accept).status_code == 403  # a liaison does not review
    login(world.office_a).post(accept)
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.ACCEPTED


def test_office_returns_with_a_reason(world, login):
    report = services.submit_report(write(world), by=world.liaison_a1)
    client = login(world.office_a)
    back = reverse("monthly:report_return", args=[report.pk])
    assert client.get(back).status_code == 405
    client.post(back, {"reason": ""})
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.SUBMITTED
    client.post(back, {"reason": "请补充参加人数。"})
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.RETURNED
    assert (
        "请补充参加人数。"
        in client.get(reverse("monthly:report_detail", args=[report.pk])).content.decode()
    )


def test_outsiders_and_other_units_are_refused(world, login):
    report = write(world)
    detail = reverse("monthly:report_detail", args=[report.pk])
    edit = reverse("monthly:report_edit", args=[report.pk])
    submit = reverse("monthly:report_submit", args=[report.pk])
    accept = reverse("monthly:report_accept", args=[report.pk])
    for user in (world.outsider, world.liaison_b1, world.office_b, world.reviewer):
        client = login(user)
        assert client.get(detail).status_code == 404
        assert client.post(submit).status_code == 404
        assert client.post(accept).status_code == 404
    other = login(world.liaison_a2)
    assert other.get(detail).status_code == 404
    assert other.get(edit).status_code == 404
    url = f"{WRITE}?campaign={world.campaign_a.pk}&unit={world.unit_a1.pk}&month=2026-05"
    assert other.get(url).status_code == 404
    assert login(world.leader_a).get(edit).status_code == 403  # reads, does not write
    assert login(world.outsider).get(LIST).status_code == 404


def test_list_filters_count_and_query_budget(world, login, django_assert_num_queries):
    services.submit_report(write(world), by=world.liaison_a1, today=dt.date(2026, 5, 3))
    client = login(world.office_a)
    base = f"{LIST}?campaign={world.campaign_a.pk}"
    body = client.get(base).content.decode()
    assert 'data-qf-count="6"' in body  # 2 units x April, May, June
    body = client.get(f"{base}&state=missing").content.decode()
    assert 'data-qf-count="3"' in body
    body = client.get(f"{base}&state=missing&unit={world.unit_a1.pk}").content.decode()
    assert 'data-qf-count="1"' in body
    body = client.get(f"{base}&month=2026-04").content.decode()
    assert 'data-qf-count="2"' in body
    # a liaison sees only their unit
    body = login(world.liaison_a2).get(base).content.decode()
    assert 'data-qf-count="3"' in body and "甲一村" not in body
    # session, user, roles, campaign, units, reports, unit options, nav roles, notifications
    client = login(world.office_a)
    with django_assert_num_queries(8):
        client.get(base)


def test_liaison_home_lists_the_reports_to_write(world, login):
    body = login(world.liaison_a1).get(reverse("home")).content.decode()
    assert 'id="home-monthly-reports"' in body and "2026年5月" in body
