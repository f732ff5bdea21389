"""Approved records are withdrawn (撤销) and restored, never destroyed; files leave the disk only
by `manage.py purge_files`, which keeps whatever any evidence row ever named (issue 11.9)."""

from __future__ import annotations

import io
import os
import time

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from activities import evidence as ev
from activities import services
from activities.models import ActivityRecord, Evidence
from dashboard import tallies
from tests.activities.conftest import files_on_disk
from tests.activities.factories import jpeg_bytes, photo, upload
from tests.factories import RecordFactory, UserFactory

S = ActivityRecord.Status


def url(name, pk):
    return reverse(f"activities:{name}", args=[pk])


@pytest.fixture
def approved(world, task_a1, media, today):
    record = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, status=S.DRAFT)
    services.update_record(
        record,
        data={},
        tasks=[task_a1],
        uploads=[ev.inspect_upload(photo())],
        by=world.liaison_a1,
        submit=True,
    )
    services.approve_record(record, world.office_a)
    return record


def counted(task):
    return sum(task.periods.values_list("achieved", flat=True))


def test_office_withdraws_with_a_reason_and_restores(world, login, approved, task_a1, media):
    assert counted(task_a1) == 1 and tallies.stored()
    client = login(world.office_a)
    response = client.post(url("record_withdraw", approved.pk), {"reason": ""}, follow=True)
    assert "请填写撤销原因。" in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == S.APPROVED

    response = client.post(
        url("record_withdraw", approved.pk),
        {"reason": "与第12号记录重复", "version": approved.version},
    )
    assert response.status_code == 302
    approved.refresh_from_db()
    assert (approved.status, approved.withdraw_reason) == (S.WITHDRAWN, "与第12号记录重复")
    assert approved.withdrawn_by == world.office_a
    # it stops counting, keeps its evidence on the disk, and stays visible with its photos
    assert counted(task_a1) == 0 and tallies.stored() == {} == tallies.computed()
    item = approved.evidence.get()
    assert len(files_on_disk(media)) == 2
    liaison = login(world.liaison_a1)
    page = liaison.get(url("record_detail", approved.pk)).content.decode()
    assert "已撤销" in page and "与第12号记录重复" in page
    assert liaison.get(url("evidence_file", item.pk)).status_code == 200
    listed = liaison.get(reverse("activities:record_list"), {"status": "withdrawn"})
    assert [r.pk for r in listed.context["page"]] == [approved.pk]

    client = login(world.office_a)
    assert client.post(url("record_restore", approved.pk)).status_code == 302
    approved.refresh_from_db()
    assert approved.status == S.APPROVED and not approved.withdraw_reason
    assert counted(task_a1) == 1 and tallies.stored() == tallies.computed() != {}
    reasons = list(approved.history.values_list("history_change_reason", flat=True))
    assert "恢复已撤销的记录" in reasons and "撤销：与第12号记录重复" in reasons


@pytest.mark.parametrize(
    ("who", "status"),
    [("outsider", 404), ("liaison_a2", 404), ("office_b", 404), ("liaison_a1", 403)],
)
def test_only_the_office_withdraws_and_restores(world, login, approved, who, status):
    client = login(getattr(world, who))
    assert client.post(url("record_withdraw", approved.pk), {"reason": "x"}).status_code == status
    services.withdraw_record(approved, world.office_a, "重复")
    assert client.post(url("record_restore", approved.pk)).status_code == status
    approved.refresh_from_db()
    assert approved.status == S.WITHDRAWN


def test_get_on_withdraw_and_restore(world, login, approved):
    client = login(world.office_a)
    assert client.get(url("record_withdraw", approved.pk)).status_code == 405
    assert client.get(url("record_restore", approved.pk)).status_code == 405


def test_withdrawing_twice_or_restoring_an_approved_record_says_why(world, login, approved):
    client = login(world.office_a)
    client.post(url("record_withdraw", approved.pk), {"reason": "重复"})
    response = client.post(url("record_withdraw", approved.pk), {"reason": "重复"}, follow=True)
    assert "只有已通过的记录才能撤销（该记录现为“已撤销”）。" in response.content.decode()
    client.post(url("record_restore", approved.pk))
    response = client.post(url("record_restore", approved.pk), follow=True)
    assert "只有已撤销的记录才能恢复（该记录现为“已通过”）。" in response.content.decode()


def test_withdrawal_discards_a_pending_edit(world, approved):
    revision = services.start_revision(approved, world.liaison_a1)
    services.withdraw_record(approved, world.office_a, "活动未实际开展")
    assert not ActivityRecord.objects.filter(pk=revision.pk).exists()
    assert ActivityRecord.history.filter(id=revision.pk, history_type="-").exists()
    assert approved.evidence.count() == 1


def test_the_admin_cannot_delete_an_approved_record(world, client, approved):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:activities_activityrecord_delete", args=[approved.pk]))
    assert response.status_code == 403
    assert ActivityRecord.objects.filter(pk=approved.pk).exists()


# --- files leave the disk only by purge_files ---------------------------------------------------


def age(media, name, seconds=7200):
    path = media / name
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_purge_keeps_what_any_row_or_its_history_names(world, login, media, today):
    draft = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, status=S.DRAFT)
    kept = ev.inspect_upload(upload("k.jpg", jpeg_bytes(color=(20, 20, 20)), "image/jpeg"))
    removed = ev.inspect_upload(upload("r.jpg", jpeg_bytes(color=(30, 30, 30)), "image/jpeg"))
    services.update_record(draft, data={}, uploads=[kept, removed], by=world.liaison_a1)
    # the author removes one photo, then deletes the draft: rows gone, history keeps the names
    services.remove_evidence(draft.evidence.get(original_name="r.jpg"), world.liaison_a1)
    assert login(world.liaison_a1).post(url("record_delete", draft.pk)).status_code == 302
    assert not Evidence.objects.exists()
    # a file no row ever named (a write that crashed before its commit), and a young one
    orphan = default_storage.save("evidence/ff/orphan.jpg", io.BytesIO(b"x"))
    young = default_storage.save("evidence/ee/young.jpg", io.BytesIO(b"y"))
    for name in [*files_on_disk(media)]:
        if name != young:
            age(media, name)
    before = files_on_disk(media)
    assert len(before) == 6  # two photos, two thumbnails, the orphan, the young one

    out = io.StringIO()
    call_command("purge_files", "--dry-run", stdout=out)
    assert orphan in out.getvalue() and "将删除 1 个" in out.getvalue()
    assert files_on_disk(media) == before

    call_command("purge_files", stdout=io.StringIO())
    assert sorted(files_on_disk(media)) == sorted(set(before) - {orphan})
    for item in Evidence.history.all():
        assert default_storage.exists(item.file)
