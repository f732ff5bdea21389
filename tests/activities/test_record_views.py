"""Record list, detail, edit, submit, delete, evidence files."""

from __future__ import annotations

import pytest
from django.urls import reverse

from activities import evidence as ev
from activities import services
from activities.models import ActivityRecord, Evidence
from tests.activities.conftest import files_on_disk
from tests.activities.factories import add_evidence, pdf_bytes, photo, upload
from tests.factories import RecordFactory, UnitFactory

S = ActivityRecord.Status
LIST = reverse("activities:record_list")


def url(name, pk):
    return reverse(f"activities:{name}", args=[pk])


@pytest.fixture
def records(world):
    return {
        "a1": RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, title="甲一的"),
        "a1_draft": RecordFactory(
            campaign=world.campaign_a, unit=world.unit_a1, title="甲一草稿", status=S.DRAFT
        ),
        "a2": RecordFactory(campaign=world.campaign_a, unit=world.unit_a2, title="甲二的"),
        "b1": RecordFactory(campaign=world.campaign_b, unit=world.unit_b1, title="乙一的"),
    }


def titles(response):
    return sorted(r.title for r in response.context["page"])


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("liaison_a1", ["甲一的", "甲一草稿"]),
        ("liaison_a2", ["甲二的"]),
        ("office_a", ["甲一的", "甲一草稿", "甲二的"]),
        ("leader_a", ["甲一的", "甲一草稿", "甲二的"]),
        ("district_leader", ["乙一的", "甲一的", "甲一草稿", "甲二的"]),
        ("outsider", []),
    ],
)
def test_list_shows_what_each_user_may_see(world, login, records, who, expected):
    response = login(getattr(world, who)).get(LIST)
    assert response.status_code == 200
    assert titles(response) == sorted(expected)


def test_list_filter_with_htmx_returns_the_table(world, login, records):
    client = login(world.office_a)
    response = client.get(LIST, {"unit": world.unit_a2.pk, "status": ""}, HTTP_HX_REQUEST="true")
    assert response.templates[0].name == "activities/_partials/record_table.html"
    assert titles(response) == ["甲二的"]
    assert "<html" not in response.text
    full = client.get(LIST, {"status": "draft"})
    assert full.templates[0].name == "activities/record_list.html"
    assert titles(full) == ["甲一草稿"]


def test_list_query_count_is_fixed(world, login, django_assert_num_queries):
    client = login(world.office_a)
    units = [UnitFactory(parent=world.township_a) for _ in range(6)]
    for i in range(30):
        RecordFactory(campaign=world.campaign_a, unit=units[i % 6])
    client.get(LIST)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST)
    assert len(response.context["page"]) == 30


# session, user, roles, nav roles, notifications, count with the participant total, page
# (unit, domain joined), filter choices (campaign, unit, domain), duplicate flags, pending-edit
# flags
LIST_QUERIES = 11


@pytest.mark.parametrize("who", ["liaison_a1", "office_a", "leader_a", "district_leader"])
def test_detail_for_readers(world, login, records, who):
    response = login(getattr(world, who)).get(url("record_detail", records["a1"].pk))
    assert response.status_code == 200 and "甲一的" in response.text


@pytest.mark.parametrize(
    "who", ["liaison_a2", "outsider", "office_b", "liaison_b1", "other_reviewer"]
)
def test_detail_refused(world, login, records, who):
    assert login(getattr(world, who)).get(url("record_detail", records["a1"].pk)).status_code == 404


def test_detail_shows_duplicates_to_reviewers_only(world, login, records):
    add_evidence(records["a2"], sha256="f" * 64, original_name="原图.jpg")
    add_evidence(records["a1"], sha256="f" * 64, duplicate=True, original_name="再交.jpg")
    office = login(world.office_a).get(url("record_detail", records["a1"].pk))
    assert [d.record for d in office.context["duplicates"]] == [records["a2"]]
    assert "重复照片" in office.text
    liaison = login(world.liaison_a1).get(url("record_detail", records["a1"].pk))
    assert liaison.context["duplicates"] == []


def test_edit_draft_and_submit(world, login, records, today):
    record = records["a1_draft"]
    client = login(world.liaison_a1)
    assert client.get(url("record_edit", record.pk)).status_code == 200
    response = client.post(
        url("record_edit", record.pk),
        {
            "date": "2026-06-03",
            "domain": record.domain_id,
            "type": "forum",
            "title": "座谈会",
            "participants": "12",
            "files": [upload("纪要.pdf", pdf_bytes())],
            "draft": "1",
        },
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.title, record.type, record.status) == ("座谈会", "forum", S.DRAFT)
    assert client.get(url("record_submit", record.pk)).status_code == 405
    assert client.post(url("record_submit", record.pk)).status_code == 302
    record.refresh_from_db()
    assert record.status == S.SUBMITTED
    # submitted: no more edits until the office decides; the page says why
    response = client.get(url("record_edit", record.pk), follow=True)
    assert response.redirect_chain == [(url("record_detail", record.pk), 302)]
    assert "该记录已提交审核，请刷新后再操作。" in response.content.decode()
    response = client.post(url("record_edit", record.pk), {"title": "再改"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.title == "座谈会"


@pytest.mark.parametrize(
    ("who", "status"),
    [("outsider", 404), ("liaison_a2", 404), ("leader_a", 403), ("office_a", 403)],
)
def test_edit_and_submit_refused(world, login, records, who, status):
    record = records["a1_draft"]
    client = login(getattr(world, who))
    assert client.get(url("record_edit", record.pk)).status_code == status
    assert client.post(url("record_edit", record.pk), {"title": "x"}).status_code == status
    assert client.post(url("record_submit", record.pk)).status_code == status
    record.refresh_from_db()
    assert record.status == S.DRAFT and record.title == "甲一草稿"


def test_liaison_deletes_a_draft_but_not_an_approved_record(world, login, records, changed):
    client = login(world.liaison_a1)
    assert client.get(url("record_delete", records["a1_draft"].pk)).status_code == 405
    assert client.post(url("record_delete", records["a1_draft"].pk)).status_code == 302
    assert not ActivityRecord.objects.filter(pk=records["a1_draft"].pk).exists()
    assert client.post(url("record_delete", records["a1"].pk)).status_code == 403
    assert login(world.liaison_a2).post(url("record_delete", records["a1"].pk)).status_code == 404
    assert login(world.leader_a).post(url("record_delete", records["a1"].pk)).status_code == 403
    assert changed == []


def test_office_cannot_delete_an_approved_record_nor_a_liaison_a_submitted_one(
    world, login, records, media
):
    record = records["a1"]
    prepared = ev.inspect_upload(photo())
    draft = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, status=S.DRAFT)
    services.update_record(draft, data={}, uploads=[prepared], by=world.liaison_a1)
    Evidence.objects.filter(record=draft).update(record=record)
    assert login(world.office_a).post(url("record_delete", record.pk)).status_code == 403
    submitted = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, status=S.SUBMITTED)
    assert login(world.liaison_a1).post(url("record_delete", submitted.pk)).status_code == 403
    assert ActivityRecord.objects.filter(pk__in=[record.pk, submitted.pk]).count() == 2
    assert len(files_on_disk(media)) == 2
    with pytest.raises(services.StaleRecord):
        services.delete_record(record, world.office_a)
    assert ActivityRecord.objects.filter(pk=record.pk, status=S.APPROVED).exists()


@pytest.fixture
def stored(world, media, today):
    record = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, status=S.DRAFT)
    services.update_record(
        record, data={}, uploads=[ev.inspect_upload(photo("现场.jpg"))], by=world.liaison_a1
    )
    return record.evidence.get()


def test_evidence_file_served_to_readers(world, login, stored):
    client = login(world.office_a)
    response = client.get(url("evidence_file", stored.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    body = b"".join(response.streaming_content)
    assert body[:2] == b"\xff\xd8"
    thumb = client.get(url("evidence_thumb", stored.pk))
    assert thumb.status_code == 200
    assert login(world.liaison_a1).get(url("evidence_file", stored.pk)).status_code == 200


@pytest.mark.parametrize("who", ["outsider", "liaison_a2", "office_b", "reviewer"])
def test_evidence_file_refused(world, login, stored, who):
    assert login(getattr(world, who)).get(url("evidence_file", stored.pk)).status_code == 404
    assert login(getattr(world, who)).get(url("evidence_thumb", stored.pk)).status_code == 404


def test_no_public_media_url(world, client, stored):
    assert client.get("/media/" + stored.file.name).status_code == 404


def test_evidence_file_handed_to_the_proxy(world, login, stored, settings):
    settings.PROTECTED_MEDIA_ACCEL_PREFIX = "/protected/"
    response = login(world.office_a).get(url("evidence_file", stored.pk))
    assert response["X-Accel-Redirect"] == "/protected/" + stored.file.name
    assert response.content == b""


def test_evidence_delete(world, login, stored, media, django_capture_on_commit_callbacks):
    assert login(world.liaison_a1).get(url("evidence_delete", stored.pk)).status_code == 405
    for who, status in (("outsider", 404), ("liaison_a2", 404), ("office_a", 403)):
        assert (
            login(getattr(world, who)).post(url("evidence_delete", stored.pk)).status_code == status
        )
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.liaison_a1).post(url("evidence_delete", stored.pk))
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    # the row's history keeps the file: it leaves the disk only by `manage.py purge_files`
    assert Evidence.history.filter(history_type="-", file=stored.file.name).exists()
    assert len(files_on_disk(media)) == 2


def test_history_page_for_office(world, login, records):
    record = records["a1"]
    history = reverse("organisations:history", args=["activities.activityrecord", record.pk])
    assert login(world.office_a).get(history).status_code == 200
    assert login(world.leader_a).get(history).status_code == 403
    assert login(world.outsider).get(history).status_code == 404


def test_liaison_home_panel(world, login, records):
    returned = RecordFactory(
        campaign=world.campaign_a, unit=world.unit_a1, status=S.RETURNED, return_reason="请补充照片"
    )
    response = login(world.liaison_a1).get(reverse("home"))
    assert "请补充照片" in response.text and returned.title in response.text
    assert "甲二的" not in response.text


def test_office_home_panel_counts_records_waiting(world, login, records):
    RecordFactory(campaign=world.campaign_a, unit=world.unit_a2, status=S.SUBMITTED)
    RecordFactory(campaign=world.campaign_b, unit=world.unit_b1, status=S.SUBMITTED)
    response = login(world.office_a).get(reverse("home"))
    assert 'id="panel-review"' in response.text
    panel = next(p for s in response.context["sections"] for p in s["panels"] if "waiting" in p)
    assert panel["waiting"] == 1
