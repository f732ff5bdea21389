"""Scoring, completion, applications and rectification (the services behind the views)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from assessments import services
from assessments.models import Application, Assessment, ItemScore, Rectification
from assessments.services import AssessmentError, ScoreRow
from sites.models import Status
from tests.factories import TODAY, RecordFactory


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


def full_rows(assessment, score=Decimal(8), passed=True, overrides=None):
    overrides = overrides or {}
    rows = []
    for s in assessment.scores.select_related("item"):
        value = s.auto_score if s.auto_score is not None else score
        # A reviewer who marks an item 达标 against its score writes why (issue 14 item 8).
        rows.append(
            ScoreRow(item_id=s.item_id, score=value, passed=passed, pass_reason="现场复核认可")
        )
    for row in rows:
        for key, value in overrides.get(row.item_id, {}).items():
            setattr(row, key, value)
    return rows


def test_automatic_items_are_prefilled_from_the_approved_ledger(world, criteria, site_a1):
    RecordFactory.create_batch(2, campaign=world.campaign_a, unit=world.unit_a1)
    RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, status="submitted")
    RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, type="film")
    a = services.start_assessment("self", criteria, world.liaison_a1, site=site_a1)
    auto = a.scores.get(item__auto_target__isnull=False)
    assert auto.auto_count == 2
    assert auto.auto_score == Decimal("5.0")  # 2 of 4 lectures -> half of 10 points
    assert auto.score == auto.auto_score
    criteria.refresh_from_db()
    assert criteria.frozen


def test_a_score_above_the_points_and_an_override_without_reason_are_refused(
    world, criteria, site_a1
):
    a = services.start_assessment("self", criteria, world.liaison_a1, site=site_a1)
    auto_item = a.scores.get(item__auto_target__isnull=False).item_id
    manual_item = a.scores.filter(item__auto_target__isnull=True).first().item_id
    rows = full_rows(
        a,
        overrides={manual_item: {"score": Decimal(11)}, auto_item: {"score": Decimal(10)}},
    )
    with pytest.raises(AssessmentError) as exc:
        services.save_scores(a, rows, world.liaison_a1)
    assert "0 到 10.0 分" in exc.value.errors[manual_item]
    assert "理由" in exc.value.errors[auto_item]
    assert not ItemScore.objects.filter(assessment=a, score=Decimal(11)).exists()
    assert ItemScore.objects.get(assessment=a, item_id=auto_item).score == Decimal(0)


def test_an_override_with_a_reason_is_kept(world, criteria, site_a1):
    a = services.start_assessment("self", criteria, world.liaison_a1, site=site_a1)
    auto_item = a.scores.get(item__auto_target__isnull=False).item_id
    rows = full_rows(
        a, overrides={auto_item: {"score": Decimal(6), "override_reason": "两次讲座记录在镇里"}}
    )
    services.save_scores(a, rows, world.liaison_a1)
    score = ItemScore.objects.get(assessment=a, item_id=auto_item)
    assert score.score == Decimal(6) and score.is_overridden
    assert score.override_reason == "两次讲座记录在镇里"


def test_only_approved_records_of_the_unit_can_be_linked(world, criteria, site_a1):
    mine = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1)
    other = RecordFactory(campaign=world.campaign_a, unit=world.unit_a2)
    a = services.start_assessment("self", criteria, world.liaison_a1, site=site_a1)
    item = a.scores.first().item_id
    with pytest.raises(AssessmentError):
        services.save_scores(a, full_rows(a, overrides={item: {"record_ids": [other.pk]}}), None)
    services.save_scores(a, full_rows(a, overrides={item: {"record_ids": [mine.pk]}}), None)
    assert list(a.scores.get(item_id=item).records.all()) == [mine]
    services.save_scores(a, full_rows(a, overrides={item: {"record_ids": []}}), None)
    assert not a.scores.get(item_id=item).records.exists()


def test_completing_a_self_assessment_moves_the_site(world, criteria, site_a1):
    a = services.start_assessment("self", criteria, world.liaison_a1, site=site_a1)
    with pytest.raises(AssessmentError):
        services.complete_assessment(a, world.liaison_a1)
    services.save_scores(a, full_rows(a), world.liaison_a1)
    services.complete_assessment(a, world.liaison_a1, "基本达标")
    a.refresh_from_db()
    site_a1.refresh_from_db()
    assert a.status == Assessment.Status.COMPLETED
    assert a.passed is True  # 0 + 5 * 8 = 40 >= 36, every item passed
    assert site_a1.status == Status.SELF_ASSESSED
    assert site_a1.events.filter(action="self_assess", by=world.liaison_a1).exists()


def test_pass_line_decides(world, criteria, site_a1):
    RecordFactory.create_batch(4, campaign=world.campaign_a, unit=world.unit_a1)
    a = services.start_assessment("self", criteria, world.liaison_a1, site=site_a1)
    services.save_scores(a, full_rows(a, score=Decimal(6)), None)
    services.complete_assessment(a, None)
    a.refresh_from_db()
    assert a.passed is True  # 10 + 5 * 6 = 40 >= 36


def test_a_precheck_needs_a_self_assessed_site(world, criteria, site_a1):
    with pytest.raises(AssessmentError) as exc:
        services.start_assessment("precheck", criteria, world.office_a, site=site_a1)
    assert "创建中" in exc.value.message
    assert not Assessment.objects.exists()


def failed_precheck(world, criteria, site):
    site.status = Status.SELF_ASSESSED
    site.save()
    a = services.start_assessment("precheck", criteria, world.office_a, site=site)
    first = a.scores.filter(item__auto_target__isnull=True).first()
    rows = full_rows(a, overrides={first.item_id: {"score": Decimal(2), "passed": False}})
    services.save_scores(a, rows, world.office_a)
    services.complete_assessment(a, world.office_a)
    first.refresh_from_db()
    return a, first


def test_rectification_cycle_changes_the_score_only_at_the_recheck(world, criteria, site_a1):
    a, failed = failed_precheck(world, criteria, site_a1)
    rect = services.open_rectification(
        by=world.office_a,
        item_score=failed,
        requirement="补齐会议记录",
        deadline=TODAY + dt.timedelta(days=10),
    )
    assert rect.unit == world.unit_a1 and rect.status == Rectification.Status.OPEN
    with pytest.raises(AssessmentError):  # twice for the same item
        services.open_rectification(
            by=world.office_a, item_score=failed, requirement="x", deadline=TODAY
        )
    with pytest.raises(AssessmentError) as exc:
        services.answer_rectification(
            rect, answer="已整改", record_ids=[], uploads=[], by=world.liaison_a1
        )
    assert "佐证" in exc.value.message
    record = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1)
    services.answer_rectification(
        rect, answer="已整改", record_ids=[record.pk], uploads=[], by=world.liaison_a1
    )
    failed.refresh_from_db()
    assert failed.score == Decimal(2)  # not yet
    with pytest.raises(AssessmentError):
        services.recheck_rectification(rect, close=True, note="", by=world.office_a)  # no score
    with pytest.raises(AssessmentError):
        services.recheck_rectification(
            rect, close=True, note="", by=world.office_a, score=Decimal(12)
        )
    services.recheck_rectification(
        rect, close=True, note="复查合格", by=world.office_a, score=Decimal(9)
    )
    failed.refresh_from_db()
    rect.refresh_from_db()
    assert failed.score == Decimal(9) and failed.passed is True
    assert rect.status == Rectification.Status.CLOSED


def test_recheck_can_send_back_with_a_reason(world, criteria, site_a1):
    _a, failed = failed_precheck(world, criteria, site_a1)
    rect = services.open_rectification(
        by=world.office_a, item_score=failed, requirement="补齐", deadline=TODAY
    )
    record = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1)
    services.answer_rectification(
        rect, answer="已整改", record_ids=[record.pk], uploads=[], by=world.liaison_a1
    )
    with pytest.raises(AssessmentError):
        services.recheck_rectification(rect, close=False, note=" ", by=world.office_a)
    services.recheck_rectification(rect, close=False, note="照片不清楚", by=world.office_a)
    rect.refresh_from_db()
    assert rect.status == Rectification.Status.OPEN and rect.returned_count == 1


def test_application_needs_a_passed_precheck_and_no_open_rectification(world, criteria, site_a1):
    _a, failed = failed_precheck(world, criteria, site_a1)
    site_a1.refresh_from_db()
    with pytest.raises(AssessmentError) as exc:
        services.submit_application(world.campaign_a, [site_a1], "申报", "", world.office_a)
    assert "预验收未达标" in exc.value.message
    assert not Application.objects.exists()


def passed_application(world, criteria, site):
    site.status = Status.SELF_ASSESSED
    site.save()
    RecordFactory.create_batch(4, campaign=world.campaign_a, unit=site.unit)
    a = services.start_assessment("precheck", criteria, world.office_a, site=site)
    services.save_scores(a, full_rows(a), world.office_a)
    services.complete_assessment(a, world.office_a)
    site.refresh_from_db()
    return services.submit_application(world.campaign_a, [site], "申报验收", "", world.office_a)


def test_a_second_acceptance_for_the_same_application_is_refused(world, criteria, site_a1):
    application = passed_application(world, criteria, site_a1)
    site_a1.refresh_from_db()
    assert site_a1.status == Status.APPLIED
    services.start_assessment("acceptance", criteria, world.reviewer, application=application)
    with pytest.raises(AssessmentError) as exc:
        services.start_assessment("acceptance", criteria, world.reviewer, application=application)
    assert "不能重复验收" in exc.value.message
    assert Assessment.objects.filter(kind="acceptance").count() == 1


def test_township_acceptance_decides_the_application(world, criteria, site_a1):
    application = passed_application(world, criteria, site_a1)
    a = services.start_assessment("acceptance", criteria, world.reviewer, application=application)
    assert a.unit is None and a.township == world.township_a
    services.save_scores(a, full_rows(a), world.reviewer)
    services.complete_assessment(a, world.reviewer)
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED


def test_closing_without_evidence_is_refused(world, criteria, site_a1):
    _a, failed = failed_precheck(world, criteria, site_a1)
    rect = services.open_rectification(
        by=world.office_a, item_score=failed, requirement="补齐", deadline=TODAY
    )
    Rectification.objects.filter(pk=rect.pk).update(
        status=Rectification.Status.ANSWERED, answer="口头说明"
    )
    with pytest.raises(AssessmentError) as exc:
        services.recheck_rectification(
            rect, close=True, note="", by=world.office_a, score=Decimal(9)
        )
    assert "没有整改佐证" in exc.value.message
    rect.refresh_from_db()
    failed.refresh_from_db()
    assert rect.status == Rectification.Status.ANSWERED and failed.score == Decimal(2)
