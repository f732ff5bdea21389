"""The review queue, approve/return (plain and htmx) and bulk approve."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import ActivityRecord
from activities.types import ActivityType
from tests.activities.factories import add_evidence
from tests.factories import RecordFactory, UnitFactory, domain

QUEUE = reverse("activities:review_queue")
# session, user, roles, nav roles, notifications, count, page rows, filter-form choices (unit,
# domain), duplicate flags, pending-edit flags
QUEUE_QUERIES = 11  # with one for the files still being processed (or failed)
S = ActivityRecord.Status


def submitted(campaign, unit, minutes_ago=0, **kwargs):
    record = RecordFactory(campaign=campaign, unit=unit, status=S.SUBMITTED, **kwargs)
    record.submitted_at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    record.save()
    return record


@pytest.fixture
def queue(world):
    return {
        "old": submitted(world.campaign_a, world.unit_a1, 60, title="较早提交"),
        "new": submitted(world.campaign_a, world.unit_a2, 5, title="较晚提交"),
        "approved": RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, title="已通过的"),
        "other_town": submitted(world.campaign_b, world.unit_b1, 30, title="乙镇的"),
    }


def titles(response):
    return [r.title for r in response.context["page"]]


def test_queue_lists_submitted_records_of_the_township_oldest_first(world, login, queue):
    response = login(world.office_a).get(QUEUE)
    assert response.status_code == 200
    assert titles(response) == ["较早提交", "较晚提交"]


def test_queue_filters(world, login, queue):
    client = login(world.office_a)
    queue["new"].type = ActivityType.FILM
    queue["new"].domain = domain("schools")
    queue["new"].save()
    assert titles(client.get(QUEUE, {"unit": world.unit_a2.pk, "status": "submitted"})) == [
        "较晚提交"
    ]
    assert titles(client.get(QUEUE, {"type": "film", "status": "submitted"})) == ["较晚提交"]
    assert titles(client.get(QUEUE, {"domain": domain("schools").pk, "status": "submitted"})) == [
        "较晚提交"
    ]
    assert titles(client.get(QUEUE, {"status": "approved"})) == ["已通过的"]
    assert titles(client.get(QUEUE, {"date_from": "2026-06-02", "status": ""})) == []
    assert len(titles(client.get(QUEUE, {"date_to": "2026-06-01", "status": ""}))) == 3


def test_queue_flags_duplicate_photos(world, login, queue):
    add_evidence(queue["old"], sha256="d" * 64, duplicate=True)
    response = login(world.office_a).get(QUEUE)
    flags = {r.title: r.has_duplicate for r in response.context["page"]}
    assert flags == {"较早提交": True, "较晚提交": False}
    assert "重复照片" in response.text


def test_queue_query_count_is_fixed(world, login, django_assert_num_queries):
    client = login(world.office_a)
    units = [UnitFactory(parent=world.township_a) for _ in range(5)]
    for i in range(40):
        record = submitted(world.campaign_a, units[i % 5], i)
        add_evidence(record, sha256=f"{i:064d}", duplicate=i % 3 == 0)
    client.get(QUEUE)
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(QUEUE)
    assert len(response.context["page"]) == 25


def test_queue_queries_do_not_grow_with_rows(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.office_a)
    submitted(world.campaign_a, world.unit_a1)
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as small:
        client.get(QUEUE)
    units = [UnitFactory(parent=world.township_a) for _ in range(5)]
    for i in range(30):
        add_evidence(submitted(world.campaign_a, units[i % 5], i), sha256=f"{i:064d}")
    with CaptureQueriesContext(connection) as big:
        client.get(QUEUE)
    assert len(big.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize("who", ["liaison_a1", "leader_a", "outsider", "reviewer"])
def test_queue_is_for_office_staff(world, login, who):
    assert login(getattr(world, who)).get(QUEUE).status_code == 403


def test_office_of_another_township_sees_only_its_own(world, login, queue):
    assert titles(login(world.office_b).get(QUEUE)) == ["乙镇的"]


def test_approve(world, login, queue, changed):
    record = queue["old"]
    response = login(world.office_a).post(reverse("activities:record_approve", args=[record.pk]))
    assert response.status_code == 302 and response.url == QUEUE
    record.refresh_from_db()
    assert record.status == S.APPROVED
    assert record.reviewed_by == world.office_a and record.reviewed_at
    assert changed == [([record.pk], [])]
    assert ActivityRecord.objects.counted().filter(pk=record.pk).exists()
    entry = record.history.first()
    assert entry.history_user == world.office_a and entry.status == S.APPROVED


def test_approve_with_htmx_returns_the_row(world, login, queue):
    record = queue["old"]
    response = login(world.office_a).post(
        reverse("activities:record_approve", args=[record.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.templates[0].name == "activities/_partials/queue_row.html"
    assert f'id="queue-row-{record.pk}"' in response.text
    # the status is said once, and the row carries the sentence read out to screen readers
    assert response.text.count("已通过") == 2
    assert f'data-announce="{record.title}：已通过"' in response.text


def test_approve_twice_is_refused_without_change(world, login, queue, changed):
    record = queue["approved"]
    response = login(world.office_a).post(reverse("activities:record_approve", args=[record.pk]))
    assert response.status_code == 302
    assert changed == []


def test_return_needs_a_reason(world, login, queue):
    record = queue["old"]
    url = reverse("activities:record_return", args=[record.pk])
    client = login(world.office_a)
    response = client.post(url, {"reason": "  "}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "请填写退回原因" in response.text
    record.refresh_from_db()
    assert record.status == S.SUBMITTED
    response = client.post(url, {"reason": "照片看不清参会人员，请补充签到表。"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == S.RETURNED
    assert record.return_reason == "照片看不清参会人员，请补充签到表。"


def test_returned_record_shows_the_reason_to_the_liaison_at_once(world, login, queue):
    record = queue["old"]
    login(world.office_a).post(
        reverse("activities:record_return", args=[record.pk]), {"reason": "缺少签到表"}
    )
    client = login(world.liaison_a1)
    assert "缺少签到表" in client.get(reverse("home")).text
    assert "缺少签到表" in client.get(reverse("activities:record_detail", args=[record.pk])).text


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("outsider", 404),
        ("liaison_a2", 404),
        ("office_b", 404),
        ("liaison_a1", 403),
        ("leader_a", 403),
    ],
)
def test_review_actions_are_refused(world, login, queue, who, status):
    record = queue["old"]
    client = login(getattr(world, who))
    assert client.post(reverse("activities:record_approve", args=[record.pk])).status_code == status
    assert (
        client.post(
            reverse("activities:record_return", args=[record.pk]), {"reason": "x"}
        ).status_code
        == status
    )
    record.refresh_from_db()
    assert record.status == S.SUBMITTED


@pytest.mark.parametrize("name", ["record_approve", "record_return"])
def test_review_actions_are_post_only(world, login, queue, name):
    url = reverse(f"activities:{name}", args=[queue["old"].pk])
    assert login(world.office_a).get(url).status_code == 405


def test_bulk_approve_selected_records_with_a_filter(world, login, queue, changed):
    extra = submitted(world.campaign_a, world.unit_a2, 1, title="不选")
    client = login(world.office_a)
    selected = [queue["old"].pk, queue["new"].pk, queue["other_town"].pk, queue["approved"].pk]
    response = client.post(
        reverse("activities:bulk_approve"),
        {"records": selected, "query": f"unit={world.unit_a2.pk}&status=submitted"},
    )
    assert response.status_code == 302
    assert response.url == f"{QUEUE}?unit={world.unit_a2.pk}&status=submitted"
    statuses = dict(ActivityRecord.objects.values_list("title", "status"))
    assert statuses["较早提交"] == S.APPROVED and statuses["较晚提交"] == S.APPROVED
    assert statuses["乙镇的"] == S.SUBMITTED  # another township: untouched
    assert statuses["不选"] == S.SUBMITTED
    assert changed == [(sorted([queue["old"].pk, queue["new"].pk]), [])]
    assert extra.pk not in changed[0][0]


def test_bulk_approve_refused_for_others(world, login, queue):
    for who in ("liaison_a1", "leader_a", "outsider"):
        response = login(getattr(world, who)).post(
            reverse("activities:bulk_approve"), {"records": [queue["old"].pk]}
        )
        assert response.status_code == 403
    assert login(world.office_a).get(reverse("activities:bulk_approve")).status_code == 405
    queue["old"].refresh_from_db()
    assert queue["old"].status == S.SUBMITTED


def test_return_with_htmx_returns_the_updated_row(world, login, queue):
    record = queue["new"]
    response = login(world.office_a).post(
        reverse("activities:record_return", args=[record.pk]),
        {"reason": "请补充签到表"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.templates[0].name == "activities/_partials/queue_row.html"
    assert "已退回" in response.text and 'name="records"' not in response.text
    record.refresh_from_db()
    assert record.status == S.RETURNED
