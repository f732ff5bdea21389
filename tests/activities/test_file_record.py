"""Filing a record: the liaison's form (record_create) and the services behind it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from activities.models import ActivityRecord, Evidence
from activities.types import ActivityType
from tests.activities.conftest import files_on_disk
from tests.activities.factories import docx_bytes, exe_bytes, jpeg_bytes, pdf_bytes, photo, upload
from tests.factories import TaskFactory, domain

URL = reverse("activities:record_create")


def form_data(**overrides):
    data = {
        "date": "2026-06-10",
        "domain": domain("villages").pk,
        "type": ActivityType.LECTURE,
        "title": "村干部廉政党课",
        "place": "村委会会议室",
        "organiser": "村党支部",
        "participants": "36",
        "description": "镇纪委书记讲授廉洁自律准则。",
        "submit": "1",
    }
    data.update(overrides)
    return data


@pytest.fixture
def liaison(world, login, today):
    return login(world.liaison_a1)


def test_form_shows_only_the_units_own_tasks(world, liaison, task_a1, task_a2):
    response = liaison.get(URL)
    assert response.status_code == 200
    assert task_a1.title in response.text
    assert task_a2.title not in response.text
    assert world.unit_a1.name in response.text


def test_submit_with_photos_and_a_sign_in_sheet(world, liaison, task_a1, media):
    files = [
        photo("现场1.jpg"),
        upload("现场2.jpg", jpeg_bytes(color=(1, 2, 3))),
        upload("签到表.pdf", pdf_bytes()),
    ]
    response = liaison.post(URL, {**form_data(tasks=[task_a1.pk]), "files": files})
    record = ActivityRecord.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("activities:record_detail", args=[record.pk])
    assert record.status == ActivityRecord.Status.SUBMITTED
    assert record.submitted_at is not None
    assert record.unit == world.unit_a1 and record.township == world.township_a
    assert record.campaign == world.campaign_a
    assert record.filed_by == world.liaison_a1
    assert list(record.tasks.all()) == [task_a1]
    assert record.participants == 36
    kinds = sorted(record.evidence.values_list("kind", flat=True))
    assert kinds == ["document", "image", "image"]
    # two photos with thumbnails and a PDF, stored under content hashes
    stored = files_on_disk(media)
    assert len(stored) == 5
    assert not any("现场" in name or "签到" in name for name in stored)
    assert record.history.count() >= 1


def test_save_as_draft_needs_no_files(liaison):
    data = form_data()
    del data["submit"]
    response = liaison.post(URL, {**data, "draft": "1"})
    assert response.status_code == 302
    assert ActivityRecord.objects.get().status == ActivityRecord.Status.DRAFT


def test_submit_without_evidence_is_refused_and_nothing_saved(liaison):
    response = liaison.post(URL, form_data())
    assert response.status_code == 200
    assert "请至少上传一份佐证材料" in response.text
    assert not ActivityRecord.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date": "2026-06-16"}, "date", "不能晚于今天"),
        ({"date": "2026-03-01"}, "date", "应在创建工作期间"),
        ({"participants": "-5"}, "participants", "参加人数不能为负数"),
        ({"title": ""}, "title", "这个字段是必填项"),
    ],
)
def test_bad_fields_get_chinese_errors_and_nothing_is_saved(
    liaison, media, overrides, field, message
):
    response = liaison.post(URL, {**form_data(**overrides), "files": [photo()]})
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not ActivityRecord.objects.exists()
    assert files_on_disk(media) == []


def test_task_of_another_unit_is_refused(world, liaison, task_a2, media):
    response = liaison.post(URL, {**form_data(tasks=[task_a2.pk]), "files": [photo()]})
    assert response.status_code == 200
    assert "不是本单位" in str(response.context["form"].errors["tasks"])
    assert not ActivityRecord.objects.exists()
    assert files_on_disk(media) == []


def test_task_of_another_township_is_refused(world, liaison):
    other = TaskFactory(campaign=world.campaign_b, lead_unit=world.unit_b1)
    response = liaison.post(URL, form_data(tasks=[other.pk]))
    assert response.status_code == 200
    assert "tasks" in response.context["form"].errors
    assert not ActivityRecord.objects.exists()


def test_cohosted_task_counts_but_type_must_match(world, liaison, media):
    task = TaskFactory(
        campaign=world.campaign_a, lead_unit=world.unit_a2, activity_types=[ActivityType.FILM]
    )
    task.co_units.add(world.unit_a1)
    response = liaison.post(URL, {**form_data(tasks=[task.pk]), "files": [photo()]})
    assert "不计入这类活动" in str(response.context["form"].errors["tasks"])
    response = liaison.post(
        URL, {**form_data(tasks=[task.pk], type=ActivityType.FILM), "files": [photo()]}
    )
    assert response.status_code == 302
    assert list(ActivityRecord.objects.get().tasks.all()) == [task]


def test_forged_executable_is_refused_and_no_file_left(liaison, media):
    files = [photo("ok.jpg"), upload("evil.jpg", exe_bytes(), "image/jpeg")]
    response = liaison.post(URL, {**form_data(), "files": files})
    assert response.status_code == 200
    assert "类型不受支持" in str(response.context["form"].errors["files"])
    assert not ActivityRecord.objects.exists()
    assert files_on_disk(media) == []


def test_oversize_file_and_record_limits(settings, liaison, media):
    settings.FILE_UPLOAD_MAX_MB = 1
    big = upload("big.pdf", pdf_bytes() + b"0" * (1024 * 1024 + 1))
    response = liaison.post(URL, {**form_data(), "files": [big]})
    assert "超过 1 MB" in str(response.context["form"].errors["files"])
    settings.FILE_UPLOAD_MAX_MB = 20
    settings.RECORD_UPLOAD_MAX_MB = 1
    halves = [upload(f"{i}.pdf", pdf_bytes() + bytes([i]) * 600_000) for i in range(2)]
    response = liaison.post(URL, {**form_data(), "files": halves})
    assert "合计超过 1 MB" in str(response.context["form"].errors["files"])
    assert not ActivityRecord.objects.exists()
    assert files_on_disk(media) == []


def test_file_name_with_a_path_is_stored_bare(liaison, media):
    response = liaison.post(
        URL, {**form_data(), "files": [upload("..\\..\\win\\现场.docx", docx_bytes())]}
    )
    assert response.status_code == 302
    item = Evidence.objects.get()
    assert item.original_name == "现场.docx"
    assert item.file.name.startswith("evidence/") and ".." not in item.file.name


def test_failure_after_files_were_written_removes_them(world, media, monkeypatch, today):
    """A database error after the files hit the disk: no record, no orphan files."""
    from activities import evidence, services

    prepared = evidence.inspect_upload(photo())

    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Evidence.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        services.file_record(
            unit=world.unit_a1,
            campaign=world.campaign_a,
            data={
                "date": dt.date(2026, 6, 1),
                "domain": domain(),
                "type": "lecture",
                "title": "x",
                "participants": 1,
            },
            uploads=[prepared],
            by=world.liaison_a1,
            submit=True,
        )
    assert not ActivityRecord.objects.exists()
    assert files_on_disk(media) == []


def test_same_photo_filed_by_another_unit_is_flagged(world, login, media, today):
    data = jpeg_bytes(color=(9, 9, 9))
    login(world.liaison_a1).post(URL, {**form_data(), "files": [upload("a.jpg", data)]})
    first = Evidence.objects.get()
    assert first.duplicate is False
    login(world.liaison_a2).post(URL, {**form_data(), "files": [upload("b.jpg", data)]})
    second = Evidence.objects.exclude(pk=first.pk).get()
    assert second.duplicate is True
    assert second.file.name == first.file.name  # one file on disk for both
    assert len(files_on_disk(media)) == 2  # the photo and its thumbnail


@pytest.mark.parametrize("who", ["office_a", "leader_a", "reviewer", "outsider"])
def test_only_liaisons_file(world, login, who):
    assert login(getattr(world, who)).get(URL).status_code == 403
    assert login(getattr(world, who)).post(URL, form_data()).status_code == 403
    assert not ActivityRecord.objects.exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response.url
