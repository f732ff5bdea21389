"""Excel exports in the background (issue 17 item 3): ask from the list page, poll the rows done,
download; the rows are read through the list page's access layer for the requester; the job
ends done or failed with a retry; a dead run is taken over or requeued."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from activities import export as sheets
from activities import ledger
from activities.models import ActivityRecord, Channel
from audit.models import AuditEvent
from campaigns.models import CampaignDomain
from organisations.models import Role
from reports import exports
from reports.models import Export
from tests.factories import RecordFactory, domain

S = ActivityRecord.Status
REQUEST = reverse("reports:export_request")
LEDGER = reverse("activities:ledger")


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()


@pytest.fixture(autouse=True)
def _small_batches(monkeypatch):
    """Batches of 3 rows, so the keyset paging (ties on the date included) is exercised."""
    monkeypatch.setattr(sheets, "BATCH", 3)


@pytest.fixture
def data(world):
    c = world.campaign_a
    for d in ("villages", "schools"):
        CampaignDomain.objects.create(campaign=c, domain=domain(d))

    def rec(unit, day, dom="villages", status=S.APPROVED, people=10):
        return RecordFactory(
            campaign=c,
            unit=unit,
            date=dt.date(2026, 4, day),
            type="lecture",
            participants=people,
            domain=domain(dom),
            status=status,
        )

    for day in (1, 1, 1, 1, 2, 3, 3, 5):  # several on one day: the keyset must not skip any
        rec(world.unit_a1, day)
    for day in (2, 4, 4):
        rec(world.unit_a2, day)
    rec(world.unit_a2, 6, "schools")
    rec(world.unit_a1, 7, "schools")
    rec(world.unit_a1, 8, status=S.SUBMITTED)
    rec(world.unit_a2, 9, status=S.RETURNED)
    RecordFactory(campaign=world.campaign_b, unit=world.unit_b1)
    return c


def ask(client, capture, **fields):
    with capture(execute=True):
        return client.post(REQUEST, fields)


def workbook_of(client, export: Export):
    response = client.get(reverse("reports:export_download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content)
    return response, load_workbook(io.BytesIO(body), read_only=True)


def ledger_rows(wb) -> list[tuple]:
    """The record rows of every domain sheet (below each header)."""
    rows = []
    for name in wb.sheetnames[1:]:
        rows += [r for r in list(wb[name].iter_rows(values_only=True))[1:] if any(r)]
    return rows


def test_office_exports_the_township_ledger(world, login, data, django_capture_on_commit_callbacks):
    client = login(world.office_a)
    response = ask(client, django_capture_on_commit_callbacks, kind="ledger", campaign=str(data.pk))
    export = Export.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reports:export_detail", args=[export.pk])
    export.refresh_from_db()
    assert export.status == Export.Status.DONE, export.error
    page = client.get(LEDGER, {"campaign": data.pk}).context["ledger"].records
    assert export.rows_done == export.rows_total == page == 13
    _response, wb = workbook_of(client, export)
    assert wb.sheetnames[0] == "汇总" and set(wb.sheetnames[1:]) == {"进农村", "进学校"}
    rows = ledger_rows(wb)
    assert len(rows) == page
    villages = [r for r in list(wb["进农村"].iter_rows(values_only=True))[1:] if any(r)]
    assert [r[0] for r in villages] == list(range(1, 12))  # 序号, no gap, no repeat
    assert [r[1] for r in villages] == sorted(r[1] for r in villages)
    ids = set(ledger.counted_records(data).values_list("title", flat=True))
    assert {r[4] for r in rows} == ids
    page = client.get(reverse("reports:export_detail", args=[export.pk]))
    assert "下载 Excel" in page.content.decode() and "共 13 行" in page.content.decode()


@pytest.mark.parametrize(
    ("filters", "expected"),
    [({"domain": "schools"}, 2), ({"unit": "a2"}, 4), ({"unit": "a1", "domain": "villages"}, 8)],
)
def test_filters_are_the_ledger_pages(
    world, login, data, django_capture_on_commit_callbacks, filters, expected
):
    query = dict(filters, campaign=str(data.pk))
    if "unit" in query:
        query["unit"] = str(getattr(world, f"unit_{query['unit']}").pk)
    client = login(world.office_a)
    ask(client, django_capture_on_commit_callbacks, kind="ledger", **query)
    export = Export.objects.get()
    _response, wb = workbook_of(client, export)
    page = client.get(LEDGER, query).context["ledger"].records
    assert len(ledger_rows(wb)) == page == expected == export.rows_done


def test_liaison_exports_only_their_unit(world, login, data, django_capture_on_commit_callbacks):
    client = login(world.liaison_a2)
    ask(client, django_capture_on_commit_callbacks, kind="ledger", campaign=str(data.pk))
    export = Export.objects.get()
    _response, wb = workbook_of(client, export)
    assert {r[2] for r in ledger_rows(wb)} == {"甲二村"}
    assert len(ledger_rows(wb)) == 4
    # asking for the other unit is refused as the page refuses it
    other = ask(
        client,
        django_capture_on_commit_callbacks,
        kind="ledger",
        campaign=str(data.pk),
        unit=str(world.unit_a1.pk),
    )
    assert other.status_code == 404
    assert Export.objects.count() == 1


@pytest.mark.parametrize("who", ["outsider", "office_b", "liaison_b1", "other_reviewer"])
def test_outsiders_are_refused(world, login, data, django_capture_on_commit_callbacks, who):
    mine = login(world.office_a)
    ask(mine, django_capture_on_commit_callbacks, kind="ledger", campaign=str(data.pk))
    export = Export.objects.get()
    client = login(getattr(world, who))
    refused = ask(client, django_capture_on_commit_callbacks, kind="ledger", campaign=str(data.pk))
    assert refused.status_code == 404
    for name in ("export_detail", "export_download"):
        assert client.get(reverse(f"reports:{name}", args=[export.pk])).status_code == 404
    assert client.post(reverse("reports:export_retry", args=[export.pk])).status_code == 404
    assert Export.objects.count() == 1
    assert export.title not in client.get(reverse("reports:export_list")).content.decode()


def test_another_user_of_the_same_township_cannot_download(
    world, login, data, django_capture_on_commit_callbacks
):
    ask(login(world.office_a), django_capture_on_commit_callbacks, kind="ledger", campaign=data.pk)
    export = Export.objects.get()
    client = login(world.leader_a)
    assert client.get(reverse("reports:export_download", args=[export.pk])).status_code == 404


def test_get_on_post_only_views_and_unknown_kind(world, login, data):
    client = login(world.office_a)
    assert client.get(REQUEST).status_code == 405
    assert client.post(REQUEST, {"kind": "everything"}).status_code == 404
    assert client.get(reverse("reports:export_retry", args=[1])).status_code == 405


def test_htmx_poll_shows_rows_done_then_announces_the_end(world, login, data):
    client = login(world.office_a)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(exports, "_enqueue", lambda export, outcome=None: None)  # stays queued
        client.post(REQUEST, {"kind": "ledger", "campaign": data.pk})
    export = Export.objects.get()
    Export.objects.filter(pk=export.pk).update(
        status="running", rows_done=6, rows_total=13, progress=46
    )
    url = reverse("reports:export_detail", args=[export.pk])
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in partial
    assert "已导出 6 / 13 行" in partial and 'aria-valuenow="46"' in partial
    assert "<html" not in partial
    exports.run_export(export.pk, token=export.run_token)  # a stale claim: not this run's
    Export.objects.filter(pk=export.pk).update(status="queued")
    exports.run_export(export.pk)
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial
    assert 'data-announce="导出完成，可以下载。"' in partial


def test_audit_records_the_request_and_the_download(
    world, login, data, django_capture_on_commit_callbacks
):
    client = login(world.office_a)
    ask(client, django_capture_on_commit_callbacks, kind="ledger", campaign=str(data.pk))
    workbook_of(client, Export.objects.get())
    events = list(
        AuditEvent.objects.filter(kind="export").order_by("id").values_list("actor", "detail")
    )
    assert [actor for actor, _ in events] == [world.office_a.pk, world.office_a.pk]
    assert events[0][1] == f"导出活动台账 campaign={data.pk}"
    assert events[1][1].startswith("下载导出文件：")


def test_role_taken_away_before_the_run_fails_with_reason_then_retry(
    world, login, data, django_capture_on_commit_callbacks
):
    client = login(world.liaison_a1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(exports, "_enqueue", lambda export, outcome=None: None)
        client.post(REQUEST, {"kind": "ledger", "campaign": data.pk})
    export = Export.objects.get()
    role = Role.objects.get(user=world.liaison_a1)
    role.delete()
    exports.run_export(export.pk)
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED and "无权导出" in export.error
    assert not export.file
    page = client.get(reverse("reports:export_detail", args=[export.pk])).content.decode()
    assert "重试" in page and "无权导出" in page
    Role.objects.create(user=world.liaison_a1, organisation=world.unit_a1, kind=Role.Kind.LIAISON)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:export_retry", args=[export.pk]))
    export.refresh_from_db()
    assert export.status == Export.Status.DONE and export.rows_done == 9 and export.error == ""


def test_a_failure_ends_failed_with_its_reason(world, login, data, monkeypatch):
    client = login(world.office_a)
    monkeypatch.setattr(exports, "_enqueue", lambda export, outcome=None: None)
    client.post(REQUEST, {"kind": "ledger", "campaign": data.pk})
    export = Export.objects.get()

    def boom(*args, **kwargs):
        raise OSError("磁盘已满")

    monkeypatch.setattr(sheets, "write_ledger", boom)
    exports.run_export(export.pk)
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED and "磁盘已满" in export.error
    assert export.finished_at and export.run_token == ""


def dead_run(export: Export, token: str, minutes_ago: int) -> None:
    then = timezone.now() - dt.timedelta(minutes=minutes_ago)
    Export.objects.filter(pk=export.pk).update(
        status="running", run_token=token, started_at=then, heartbeat_at=then, attempts=1
    )


def test_killed_worker_is_requeued_and_redelivery_takes_over(world, login, data, settings):
    settings.REPORT_STALE_SECONDS = 300
    client = login(world.office_a)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(exports, "_enqueue", lambda export, outcome=None: None)
        for _ in range(3):
            client.post(REQUEST, {"kind": "ledger", "campaign": data.pk})
    dead, alive, redelivered = Export.objects.order_by("pk")
    dead_run(dead, "dead", 6)
    dead_run(alive, "alive", 1)
    dead_run(redelivered, "task-9", 1)
    assert exports.requeue_stale() == 1  # eager in tests: written on the spot
    assert exports.run_export(alive.pk, token="other") is None  # a live run is not taken
    done = exports.run_export(redelivered.pk, token="task-9")  # its own message came back
    for export in (dead, alive, redelivered):
        export.refresh_from_db()
    assert dead.status == "done" and dead.interruptions == 1 and dead.attempts == 2
    assert alive.status == "running" and alive.run_token == "alive"
    assert done.status == "done" and redelivered.interruptions == 1


def test_gives_up_after_the_attempts_limit(world, login, data, settings, monkeypatch):
    settings.REPORT_MAX_ATTEMPTS = 2
    monkeypatch.setattr(exports, "_enqueue", lambda export, outcome=None: None)
    login(world.office_a).post(REQUEST, {"kind": "ledger", "campaign": data.pk})
    export = Export.objects.get()
    dead_run(export, "t", 10)
    Export.objects.filter(pk=export.pk).update(interruptions=1)
    assert exports.run_export(export.pk, token="t") is None
    export.refresh_from_db()
    assert export.status == "failed" and "中断了 2 次" in export.error


def test_the_beat_job_also_requeues_exports_and_prunes_old_ones(
    world, login, data, django_capture_on_commit_callbacks, settings
):
    from reports.tasks import requeue_stale

    settings.REPORT_STALE_SECONDS = 300
    client = login(world.office_a)
    ask(client, django_capture_on_commit_callbacks, kind="ledger", campaign=str(data.pk))
    old = Export.objects.get()
    path = settings.MEDIA_ROOT / old.file.name
    assert path.exists()
    Export.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(exports, "_enqueue", lambda export, outcome=None: None)
        client.post(REQUEST, {"kind": "ledger", "campaign": data.pk})
    waiting = Export.objects.exclude(pk=old.pk).get()
    Export.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=10)
    )
    assert requeue_stale() == 1
    waiting.refresh_from_db()
    assert waiting.status == "done"
    assert not Export.objects.filter(pk=old.pk).exists() and not path.exists()


def test_my_exports_list(world, login, data, django_capture_on_commit_callbacks):
    client = login(world.office_a)
    ask(client, django_capture_on_commit_callbacks, kind="ledger", campaign=str(data.pk))
    ask(
        login(world.liaison_a1), django_capture_on_commit_callbacks, kind="ledger", campaign=data.pk
    )
    client = login(world.office_a)
    listed = client.get(reverse("reports:export_list"))
    assert listed.status_code == 200
    assert listed.context["page"].paginator.count == 1


# --- the publicity ledger -------------------------------------------------------------------


def publicity_item(world, unit, status="approved", **fields):
    from activities import publicity

    data = {
        "title": fields.pop("title", "报道"),
        "channel": fields.pop("channel", Channel.INTERNET),
        "outlet": "区政府网",
        "published_on": fields.pop("published_on", dt.date(2026, 5, 1)),
        "link": "https://example.gov.cn/x",
        "domain": None,
    }
    liaison = world.liaison_a1 if unit == world.unit_a1 else world.liaison_a2
    item = publicity.file_item(unit, data, None, liaison)
    if status != "submitted":
        publicity.review_item(item, approve=status == "approved", by=world.office_a, reason="不符")
    return item


@pytest.fixture
def items(world):
    made = []
    for n in range(5):
        made.append(publicity_item(world, world.unit_a1, title=f"甲一村报道{n}"))
    for n in range(3):
        made.append(
            publicity_item(
                world, world.unit_a2, title=f"甲二村报道{n}", channel=Channel.DISTRICT_SITE
            )
        )
    made.append(publicity_item(world, world.unit_a2, status="submitted", title="待审"))
    return made


@pytest.mark.parametrize(
    ("who", "filters"),
    [
        ("office_a", {}),
        ("office_a", {"channel": Channel.DISTRICT_SITE}),
        ("office_a", {"status": "approved"}),
        ("liaison_a1", {}),
    ],
)
def test_publicity_export_has_the_lists_rows(
    world, login, items, django_capture_on_commit_callbacks, who, filters
):
    client = login(getattr(world, who))
    listed = client.get(reverse("activities:publicity_list"), filters)
    count = listed.context["page"].paginator.count
    assert "导出 Excel" in listed.content.decode()
    ask(client, django_capture_on_commit_callbacks, kind="publicity", **filters)
    export = Export.objects.get()
    assert export.status == "done", export.error
    _response, wb = workbook_of(client, export)
    rows = [r for r in list(wb["宣传报道"].iter_rows(values_only=True))[1:] if any(r)]
    assert len(rows) == count == export.rows_done
    titles = {r[2] for r in rows}
    if who == "liaison_a1":
        assert titles == {f"甲一村报道{n}" for n in range(5)}
    assert rows[0][1] == dt.datetime(2026, 5, 1)


def test_publicity_export_refused_to_an_outsider(
    world, login, items, django_capture_on_commit_callbacks
):
    response = ask(login(world.outsider), django_capture_on_commit_callbacks, kind="publicity")
    assert response.status_code == 403
    assert not Export.objects.exists()


@pytest.mark.parametrize("kind", ["ledger", "publicity"])
def test_hostile_filter_values_never_cause_a_server_error(world, client, data, kind):
    from tests.security.test_hostile_queries import HOSTILE

    client.force_login(world.office_a)
    client.raise_request_exception = False
    for value in HOSTILE:
        fields = dict.fromkeys(exports.FILTERS[kind], value)
        response = client.post(REQUEST, {"kind": kind, **fields})
        assert response.status_code in (302, 400, 403, 404), (value, response.status_code)


def test_export_pages_read_english(world, login, data, django_capture_on_commit_callbacks):
    from django.conf import settings
    from django.utils import translation

    client = login(world.office_a)
    try:
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        assert "Export to Excel" in client.get(LEDGER, {"campaign": data.pk}).content.decode()
        ask(client, django_capture_on_commit_callbacks, kind="ledger", campaign=str(data.pk))
        export = Export.objects.get()
        body = client.get(reverse("reports:export_detail", args=[export.pk])).content.decode()
        assert "Download Excel" in body and "13 rows." in body
        assert "My exports" in client.get(reverse("reports:export_list")).content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)
