"""The 通报 judges fairly and praises too: what a unit owes at the 统计截止日期, partial months
never due, categories in the configured order, praise beside criticism, editable opening and
closing, and being named counts in the year-end score."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from assessments import notice, yearend
from assessments.models import Notice, NoticeEntry, Rectification, YearEndScore
from monthly import services as monthly
from sites.models import Level, Site, Status
from tests.factories import RecordFactory, TaskFactory

Category = NoticeEntry.Category
AS_OF = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 20, 10, 0), tick=False):
        yield


@pytest.fixture
def data(world):
    c = world.campaign_a
    # a2 leads a task overdue since 31 May; a1 leads two tasks, one done: ahead of the township
    TaskFactory(campaign=c, lead_unit=world.unit_a2, due_date=dt.date(2026, 5, 31))
    done = TaskFactory(
        campaign=c, lead_unit=world.unit_a1, target_count=1, due_date=dt.date(2026, 7, 10)
    )
    TaskFactory(campaign=c, lead_unit=world.unit_a1, due_date=dt.date(2026, 7, 10))
    RecordFactory(campaign=c, unit=world.unit_a1, date=dt.date(2026, 6, 2)).tasks.add(done)
    from campaigns.progress import recompute_campaign

    recompute_campaign(c.pk)
    # a1 sent April on time and May late but before the cut-off; a2 sent nothing
    for month, on in ((dt.date(2026, 4, 1), dt.date(2026, 5, 2)), (dt.date(2026, 5, 1), AS_OF)):
        draft = monthly.save_draft(c, world.unit_a1, month, summary="情况", notes="", by=None)
        monthly.submit_report(draft, by=None, today=on)
    # a rectification due after the cut-off is not owed at the cut-off
    Rectification.objects.create(
        campaign=c, unit=world.unit_a2, title="整改", requirement="x", deadline=AS_OF
    )
    Site.objects.create(
        campaign=c,
        unit=world.unit_a1,
        domain=done.domain,
        name="甲一村清风园",
        status=Status.NAMED,
        level=Level.DISTRICT,
        named_on=dt.date(2026, 6, 1),
    )
    return c


def test_a_unit_is_named_only_for_what_it_owes_at_the_cut_off(world, data):
    lag = {row.unit: row.counts for row in notice.lagging_units(data, AS_OF)}
    assert lag[world.unit_a2] == {Category.OVERDUE_TASKS: 1, Category.MISSING_REPORTS: 2}
    assert world.unit_a1 not in lag  # its May report was late, not missing


def test_praise_for_named_sites_and_units_ahead(world, data):
    praised = [(p.unit, p.category) for p in notice.praised_units(data, AS_OF)]
    assert praised == [(world.unit_a1, Category.NAMED_SITE), (world.unit_a1, Category.AHEAD)]


def test_draft_orders_sections_and_categories_by_importance(world, data, settings):
    settings.NOTICE_CATEGORY_ORDER = ["ahead", "named_site", "missing_reports", "overdue_tasks"]
    drafted = notice.draft_notice(data, as_of=AS_OF, by=world.office_a)
    assert [e.category for e in drafted.entries.order_by("order")] == [
        "ahead",
        "named_site",
        "missing_reports",
        "overdue_tasks",
    ]
    assert drafted.closing and "年终党风廉政责任制考核" in drafted.closing


def test_office_edits_opening_closing_and_adds_a_best_practice(world, data, login):
    drafted = notice.draft_notice(data, as_of=AS_OF, by=world.office_a)
    client = login(world.office_a)
    data_post = {f"included-{e.pk}": "on" for e in drafted.entries.all()}
    data_post.update({f"detail-{e.pk}": e.detail for e in drafted.entries.all()})
    data_post.update({"intro": "新的导语。", "closing": "新的要求。"})
    client.post(reverse("assessments:notice_update", args=[drafted.pk]), data_post)
    drafted.refresh_from_db()
    assert (drafted.intro, drafted.closing) == ("新的导语。", "新的要求。")
    praise = reverse("assessments:notice_praise", args=[drafted.pk])
    assert client.get(praise).status_code == 405
    client.post(praise, {"unit": world.unit_a2.pk, "detail": "“廉洁家风”故事会"})
    entry = drafted.entries.get(category=Category.BEST_PRACTICE)
    assert (entry.unit, entry.detail) == (world.unit_a2, "“廉洁家风”故事会")
    # refused: empty detail, a unit of another township, the leader, an outsider
    client.post(praise, {"unit": world.unit_a2.pk, "detail": " "})
    client.post(praise, {"unit": world.unit_b1.pk, "detail": "x"})
    assert drafted.entries.filter(category=Category.BEST_PRACTICE).count() == 1
    assert (
        login(world.leader_a).post(praise, {"unit": world.unit_a2.pk, "detail": "x"}).status_code
        == 403
    )
    assert (
        login(world.outsider).post(praise, {"unit": world.unit_a2.pk, "detail": "x"}).status_code
        == 404
    )
    assert (
        login(world.office_b).post(praise, {"unit": world.unit_a2.pk, "detail": "x"}).status_code
        == 404
    )
    body = login(world.office_a).get(reverse("assessments:notice_detail", args=[drafted.pk]))
    body = body.content.decode()
    assert body.index("一、表扬") < body.index("“廉洁家风”故事会") < body.index("二、批评")


def test_being_named_in_a_published_notice_counts_in_the_year_end_score(world, data):
    drafted = notice.draft_notice(data, as_of=AS_OF, by=world.office_a)
    assert not YearEndScore.objects.exists()  # a draft counts for nothing
    notice.publish_notice(drafted, doc_number="甲纪通〔2026〕5号", by=world.office_a)
    scores = {s.unit_id: s for s in YearEndScore.objects.filter(campaign=data)}
    assert scores[world.unit_a2.pk].notices == yearend.NOTICE_CRITICISM
    assert scores[world.unit_a1.pk].notices == yearend.NOTICE_PRAISE
    assert scores[world.unit_a2.pk].total == Decimal(-2)
    # a second published notice naming a2 again: -4; the computed part keeps the points
    second = notice.draft_notice(data, as_of=AS_OF, by=world.office_a)
    notice.publish_notice(second, doc_number="甲纪通〔2026〕6号", by=world.office_a)
    yearend.compute_year_end(data)
    assert YearEndScore.objects.get(campaign=data, unit=world.unit_a2).notices == Decimal(-4)
    assert Notice.objects.filter(status=Notice.Status.PUBLISHED).count() == 2
