"""Spot checks (reproducible draws), findings, the notice draft and year-end scores."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from assessments import notice, supervision, yearend
from assessments.models import Notice, NoticeEntry, Rectification, SpotCheck, YearEndScore
from campaigns.models import Task
from tests.factories import TODAY, RecordFactory, TaskFactory, UnitFactory


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


def test_a_draw_is_reproducible_from_its_seed(world):
    for _n in range(10):
        UnitFactory(parent=world.township_a)
    check = supervision.create_spot_check(
        world.campaign_a, kind="random", title="抽查", sample_size=4, seed=12345, by=world.office_a
    )
    drawn = list(check.drawn.values_list("unit_id", flat=True))
    again = supervision.create_spot_check(
        world.campaign_a, kind="random", title="再抽", sample_size=4, seed=12345, by=world.office_a
    )
    assert drawn == list(again.drawn.values_list("unit_id", flat=True))
    assert len(set(drawn)) == 4 and check.population_size == 12
    assert supervision.verify_draw(check)
    other = supervision.create_spot_check(
        world.campaign_a, kind="random", title="三抽", sample_size=4, seed=999, by=world.office_a
    )
    assert list(other.drawn.values_list("unit_id", flat=True)) != drawn


def test_records_draw_and_bad_sizes(world):
    RecordFactory.create_batch(5, campaign=world.campaign_a, unit=world.unit_a1)
    check = supervision.create_spot_check(
        world.campaign_a,
        kind="random",
        target="records",
        title="抽台账",
        sample_size=3,
        by=world.office_a,
    )
    assert check.seed is not None and check.drawn.filter(record__isnull=False).count() == 3
    with pytest.raises(supervision.AssessmentError):
        supervision.create_spot_check(
            world.campaign_a,
            kind="random",
            target="records",
            title="x",
            sample_size=9,
            by=world.office_a,
        )


def test_spot_check_pages(world, login):
    url = reverse("assessments:spot_check_create", args=[world.campaign_a.pk])
    data = {
        "kind": "random",
        "title": "六月抽查",
        "target": "units",
        "sample_size": "2",
        "seed": "7",
        "conducted_on": "2026-06-15",
    }
    assert login(world.liaison_a1).post(url, data).status_code == 403
    assert login(world.office_b).post(url, data).status_code == 404
    response = login(world.office_a).post(url, data)
    check = SpotCheck.objects.get()
    assert response.status_code == 302 and check.drawn.count() == 2
    detail = reverse("assessments:spot_check_detail", args=[check.pk])
    assert login(world.leader_a).get(detail).context["reproducible"] is True
    assert login(world.liaison_a1).get(detail).status_code == 404
    add = reverse("assessments:finding_add", args=[check.pk])
    finding = {
        "unit": world.unit_a1.pk,
        "text": "台账不健全",
        "requirement": "补齐台账",
        "deadline": "2026-06-30",
    }
    assert login(world.leader_a).post(add, finding).status_code == 403
    assert login(world.office_a).get(add).status_code == 405
    login(world.office_a).post(add, finding)
    rect = Rectification.objects.get()
    assert rect.finding.text == "台账不健全" and rect.unit == world.unit_a1
    assert login(world.office_a).get(reverse("assessments:spot_check_list")).status_code == 200


def lagging_world(world):
    task = TaskFactory(
        campaign=world.campaign_a, lead_unit=world.unit_a2, due_date=dt.date(2026, 5, 31)
    )
    Task.objects.filter(pk=task.pk)  # periods come from the factory
    RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, date=dt.date(2026, 4, 10))
    Rectification.objects.create(
        campaign=world.campaign_a,
        unit=world.unit_a1,
        title="逾期整改",
        requirement="x",
        deadline=TODAY - dt.timedelta(days=3),
    )


def test_lagging_units_from_the_data(world):
    lagging_world(world)
    lag = {row.unit: row.counts for row in notice.lagging_units(world.campaign_a, TODAY)}
    assert lag[world.unit_a2][NoticeEntry.Category.OVERDUE_TASKS] == 1
    # reports due by 15 June: April and May (report day 5 of the next month); the campaign
    # covers March from the 20th only: never due. A record is not a report.
    assert lag[world.unit_a2][NoticeEntry.Category.MISSING_REPORTS] == 2
    assert lag[world.unit_a1][NoticeEntry.Category.MISSING_REPORTS] == 2
    assert lag[world.unit_a1][NoticeEntry.Category.OVERDUE_RECTIFICATIONS] == 1


def test_notice_draft_edit_and_publish(world, login):
    lagging_world(world)
    client = login(world.office_a)
    assert (
        client.get(reverse("assessments:notice_draft", args=[world.campaign_a.pk])).status_code
        == 405
    )
    assert (
        login(world.leader_a)
        .post(
            reverse("assessments:notice_draft", args=[world.campaign_a.pk]), {"as_of": "2026-06-15"}
        )
        .status_code
        == 403
    )
    client = login(world.office_a)
    client.post(
        reverse("assessments:notice_draft", args=[world.campaign_a.pk]), {"as_of": "2026-06-15"}
    )
    n = Notice.objects.get()
    assert n.entries.count() == 4
    entry = n.entries.filter(unit=world.unit_a1).first()
    data = {f"included-{e.pk}": "on" for e in n.entries.exclude(pk=entry.pk)}
    data.update({f"detail-{e.pk}": e.detail for e in n.entries.all()})
    client.post(reverse("assessments:notice_update", args=[n.pk]), data)
    entry.refresh_from_db()
    assert entry.included is False
    publish = reverse("assessments:notice_publish", args=[n.pk])
    client.post(publish, {"doc_number": " "})
    n.refresh_from_db()
    assert n.status == Notice.Status.DRAFT
    client.post(publish, {"doc_number": "甲纪通〔2026〕3号"})
    n.refresh_from_db()
    assert n.status == Notice.Status.PUBLISHED and n.doc_number == "甲纪通〔2026〕3号"
    assert (
        login(world.liaison_a1).get(reverse("assessments:notice_detail", args=[n.pk])).status_code
        == 404
    )
    assert login(world.leader_a).post(publish, {"doc_number": "x"}).status_code == 403


def test_doc_number_used_twice_is_refused(world):
    first = notice.draft_notice(world.campaign_a, as_of=TODAY, by=world.office_a)
    NoticeEntry.objects.create(notice=first, unit=world.unit_a1, category="other", detail="x")
    notice.publish_notice(first, doc_number="1号", by=world.office_a)
    second = notice.draft_notice(world.campaign_a, as_of=TODAY, by=world.office_a)
    NoticeEntry.objects.create(notice=second, unit=world.unit_a1, category="other", detail="x")
    with pytest.raises(notice.AssessmentError):
        notice.publish_notice(second, doc_number="1号", by=world.office_a)


def test_year_end_computed_and_entered(world, login):
    RecordFactory.create_batch(4, campaign=world.campaign_a, unit=world.unit_a1, type="lecture")
    RecordFactory.create_batch(6, campaign=world.campaign_a, unit=world.unit_a1, type="banner")
    assert yearend.compute_year_end(world.campaign_a) == 2
    score = YearEndScore.objects.get(unit=world.unit_a1)
    assert score.education == Decimal("12.5") and score.culture == Decimal(20)
    url = reverse("assessments:year_end_edit", args=[world.campaign_a.pk, score.pk])
    client = login(world.office_a)
    client.post(url, {"organisation": "25"})  # above 20
    score.refresh_from_db()
    assert score.organisation is None
    client.post(url, {"organisation": "18", "publicity": "12", "publicity_reason": "手工核定"})
    score.refresh_from_db()
    assert score.total == Decimal("62.5")
    assert login(world.leader_a).post(url, {"organisation": "1"}).status_code == 403
    assert (
        login(world.leader_a)
        .get(reverse("assessments:year_end", args=[world.campaign_a.pk]))
        .status_code
        == 200
    )
    assert (
        login(world.liaison_a1)
        .get(reverse("assessments:year_end", args=[world.campaign_a.pk]))
        .status_code
        == 403
    )
    assert (
        login(world.office_b)
        .get(reverse("assessments:year_end", args=[world.campaign_a.pk]))
        .status_code
        == 404
    )


def test_a_low_year_end_score_feeds_the_notice(world):
    def score(unit, **values):
        defaults = dict(
            organisation=10, education=10, publicity=10, culture=10, opinion=10, innovation=5
        )
        defaults.update(values)
        return YearEndScore.objects.create(
            campaign=world.campaign_a,
            unit=unit,
            **{k: Decimal(v) if v is not None else None for k, v in defaults.items()},
        )

    score(world.unit_a1)  # 55 of 100: below 60
    score(world.unit_a2, organisation=20, education=25)  # 80: fine
    low_but_unfinished = UnitFactory(parent=world.township_a)
    score(low_but_unfinished, innovation=None)  # not all indicators scored yet: not judged
    lag = {row.unit: row for row in notice.lagging_units(world.campaign_a, TODAY)}
    assert lag[world.unit_a1].counts[NoticeEntry.Category.YEAR_END_LOW] == 1
    assert lag[world.unit_a1].year_end_total == Decimal(55)
    assert (
        NoticeEntry.Category.YEAR_END_LOW
        not in lag.get(world.unit_a2, notice.Lagging(world.unit_a2)).counts
    )
    unfinished = lag.get(low_but_unfinished, notice.Lagging(low_but_unfinished))
    assert NoticeEntry.Category.YEAR_END_LOW not in unfinished.counts

    drafted = notice.draft_notice(world.campaign_a, as_of=TODAY, by=world.office_a)
    entry = drafted.entries.get(unit=world.unit_a1, category=NoticeEntry.Category.YEAR_END_LOW)
    assert "55" in entry.detail and "低于 60 分" in entry.detail
