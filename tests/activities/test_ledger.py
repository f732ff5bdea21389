"""Ledger queries, the ledger page, the Excel export and the monthly information report."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from activities import ledger
from activities.models import ActivityRecord
from activities.types import ActivityType
from campaigns.models import CampaignDomain
from tests.factories import RecordFactory, UnitFactory, domain

S = ActivityRecord.Status
LEDGER = reverse("activities:ledger")
EXPORT = reverse("reports:export_request")
MONTHLY = reverse("activities:monthly_report")


@pytest.fixture
def data(world, today):
    """Approved records in April and June; others that must not count."""
    c = world.campaign_a
    for d in ("villages", "schools"):
        CampaignDomain.objects.create(campaign=c, domain=domain(d))

    def rec(unit, date, type_="lecture", people=10, dom="villages", status=S.APPROVED):
        return RecordFactory(
            campaign=c,
            unit=unit,
            date=date,
            type=type_,
            participants=people,
            domain=domain(dom),
            status=status,
        )

    rec(world.unit_a1, dt.date(2026, 4, 3), people=30)
    rec(world.unit_a1, dt.date(2026, 4, 20), "film", 20)
    rec(world.unit_a1, dt.date(2026, 6, 1), "contest", 5, "schools")
    rec(world.unit_a2, dt.date(2026, 6, 2), people=40)
    rec(world.unit_a2, dt.date(2026, 6, 3), status=S.SUBMITTED, people=1000)
    rec(world.unit_a2, dt.date(2026, 5, 3), status=S.RETURNED, people=1000)
    RecordFactory(campaign=world.campaign_b, unit=world.unit_b1, participants=999)
    return c


def test_township_ledger_counts_approved_records_only(data):
    result = ledger.township_ledger(data)
    assert (result.records, result.participants) == (4, 95)
    assert {r["type"]: (r["records"], r["participants"]) for r in result.by_type} == {
        "lecture": (2, 70),
        "film": (1, 20),
        "contest": (1, 5),
    }
    assert [(r["month"], r["records"], r["participants"]) for r in result.by_month] == [
        (dt.date(2026, 4, 1), 2, 50),
        (dt.date(2026, 6, 1), 2, 45),
    ]
    assert [(r["domain"].code, r["records"]) for r in result.by_domain] == [
        ("schools", 1),
        ("villages", 3),
    ] or [(r["domain"].code, r["records"]) for r in result.by_domain] == [
        ("villages", 3),
        ("schools", 1),
    ]
    assert {r["unit"].name: r["records"] for r in result.by_unit} == {"甲一村": 3, "甲二村": 1}


def test_unit_and_domain_ledgers(world, data):
    unit = ledger.unit_ledger(data, world.unit_a1)
    assert (unit.records, unit.participants) == (3, 55)
    schools = ledger.domain_ledger(data, domain("schools"))
    assert (schools.records, schools.participants) == (1, 5)
    assert [r["unit"] for r in schools.by_unit] == [world.unit_a1]
    assert ledger.totals_by_unit(data)[world.unit_a2.pk] == ledger.Totals(1, 40)
    assert ledger.totals_by_domain(data)[domain("villages").pk] == ledger.Totals(3, 90)


def test_ledger_query_counts_are_fixed(world, data, django_assert_num_queries):
    units = [UnitFactory(parent=world.township_a) for _ in range(8)]
    for i in range(60):
        RecordFactory(
            campaign=data,
            unit=units[i % 8],
            date=dt.date(2026, 4 + i % 3, 1 + i % 28),
            type=ActivityType.values[i % 10],
            quantity=1 + i % 5,
            domain=domain(["villages", "schools", "families"][i % 3]),
        )
    schools = domain("schools")
    # one more each: the township's wording of the types' measures
    with django_assert_num_queries(4):
        ledger.township_ledger(data)
    with django_assert_num_queries(3):
        ledger.domain_ledger(data, schools)
    with django_assert_num_queries(2):
        ledger.unit_ledger(data, units[0])
    with django_assert_num_queries(2):
        report = ledger.monthly_report(data)
    expected = ledger.counted_records(data).filter(date__lte=dt.date(2026, 6, 15)).count()
    assert sum(r.total for r in report.rows) == expected > 50


def test_monthly_report_flags_empty_months_and_completeness(world, data):
    report = ledger.monthly_report(data, until=dt.date(2026, 6, 15))
    assert report.months == [dt.date(2026, m, 1) for m in (3, 4, 5, 6)]
    rows = {r.unit.name: r.counts for r in report.rows}
    assert rows == {"甲一村": [0, 2, 0, 1], "甲二村": [0, 0, 0, 1]}
    a2 = next(r for r in report.rows if r.unit == world.unit_a2)
    assert [c["empty"] for c in a2.cells] == [True, True, True, False]
    assert report.reporting == [0, 1, 0, 2]
    assert report.completeness == [0, 50, 0, 100]
    assert report.records == [0, 2, 0, 2]


def test_monthly_report_stops_at_the_campaign_end(data):
    report = ledger.monthly_report(data, until=dt.date(2027, 1, 1))
    assert report.months[-1] == dt.date(2026, 7, 1)


@pytest.mark.parametrize("who", ["office_a", "leader_a", "district_leader"])
def test_ledger_page_for_readers(world, login, data, who, django_assert_max_num_queries):
    client = login(getattr(world, who))
    response = client.get(LEDGER, {"campaign": data.pk})
    assert response.status_code == 200
    assert response.context["ledger"].records == 4
    schools = client.get(LEDGER, {"campaign": data.pk, "domain": "schools"})
    assert schools.context["ledger"].records == 1
    unit = client.get(LEDGER, {"campaign": data.pk, "unit": world.unit_a2.pk})
    assert unit.context["ledger"].participants == 40
    expected = 2 if who == "district_leader" else 1
    assert len(response.context["campaigns"]) == expected


def test_ledger_page_query_count(world, login, data, django_assert_num_queries):
    client = login(world.office_a)
    client.get(LEDGER, {"campaign": data.pk})
    # session, user, roles, nav roles, notifications, campaign, 3 ledger queries, campaign choices
    with django_assert_num_queries(LEDGER_QUERIES):
        client.get(LEDGER, {"campaign": data.pk})


LEDGER_QUERIES = 10  # 9 + the township's measures (the nav reads roles once)


def test_liaison_sees_only_their_units_ledger(world, login, data):
    client = login(world.liaison_a1)
    response = client.get(LEDGER, {"campaign": data.pk})
    assert response.status_code == 200
    assert response.context["unit"] == world.unit_a1
    assert response.context["ledger"].records == 3
    assert client.get(LEDGER, {"campaign": data.pk, "unit": world.unit_a2.pk}).status_code == 404


@pytest.mark.parametrize("who", ["outsider", "office_b", "liaison_b1", "other_reviewer"])
def test_ledger_refused(world, login, data, who):
    client = login(getattr(world, who))
    assert client.get(LEDGER, {"campaign": data.pk}).status_code == 404
    assert client.post(EXPORT, {"kind": "ledger", "campaign": data.pk}).status_code == 404
    assert client.get(MONTHLY, {"campaign": data.pk}).status_code == 404


def exported(client, capture, campaign) -> bytes:
    """Ask for the Excel export (a background job, eager in tests) and download it."""
    from reports.models import Export

    with capture(execute=True):
        response = client.post(EXPORT, {"kind": "ledger", "campaign": campaign.pk})
    export = Export.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))
    response = client.get(reverse("reports:export_download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return b"".join(response.streaming_content)


def test_excel_export_in_the_offices_shape(
    world, login, data, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    content = exported(login(world.office_a), django_capture_on_commit_callbacks, data)
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames[0] == "汇总"
    assert set(wb.sheetnames[1:]) == {"进农村", "进学校"}
    summary = [row for row in wb["汇总"].iter_rows(values_only=True) if any(row)]
    assert ("合计", 4, 95) in [row[:3] for row in summary]
    assert ("进农村", 3, 90) in [row[:3] for row in summary]
    assert ("活动类型", "活动次数", "参加人次", "数量", "计量单位") in summary
    sheet = wb["进农村"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["序号", "活动日期", "单位", "活动类型", "活动名称"]
    first = [c.value for c in sheet[2]]
    assert first[1] == dt.datetime(2026, 4, 3)  # a real date cell
    assert sheet.cell(row=2, column=2).number_format == 'yyyy"年"m"月"d"日"'
    assert first[2] == "甲一村" and first[3] == "党课/讲座"
    assert header[8:10] == ["数量", "计量单位"] and first[9] == "场"
    assert sheet.max_row == 4  # header + 3 approved village records


def test_liaison_export_is_their_unit_only(
    world, login, data, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    content = exported(login(world.liaison_a2), django_capture_on_commit_callbacks, data)
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["汇总", "进农村"]
    assert wb["进农村"].max_row == 2


def test_monthly_report_page(world, login, data, django_assert_num_queries):
    client = login(world.office_a)
    response = client.get(MONTHLY, {"campaign": data.pk})
    assert response.status_code == 200
    assert "table-danger" in response.text and "50%" in response.text
    with django_assert_num_queries(MONTHLY_QUERIES):
        client.get(MONTHLY, {"campaign": data.pk})
    assert login(world.leader_a).get(MONTHLY, {"campaign": data.pk}).status_code == 200
    assert login(world.liaison_a1).get(MONTHLY, {"campaign": data.pk}).status_code == 403


MONTHLY_QUERIES = 7
