"""Editing an approved record: the approved version counts until the edit is approved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from activities import services
from activities.models import ActivityRecord, Evidence
from tests.activities.conftest import files_on_disk
from tests.activities.factories import add_evidence, photo
from tests.factories import RecordFactory, TaskFactory

S = ActivityRecord.Status


@pytest.fixture
def approved(world, task_a1, today):
    record = RecordFactory(
        campaign=world.campaign_a, unit=world.unit_a1, participants=30, title="原标题"
    )
    record.tasks.add(task_a1)
    add_evidence(record, sha256="e" * 64)
    return record


def test_edit_of_approved_record_keeps_the_approved_version_counting(
    world, login, approved, task_a1, changed, media
):
    client = login(world.liaison_a1)
    # GET edit on an approved record offers to open an edit (a POST)
    response = client.get(reverse("activities:record_edit", args=[approved.pk]))
    assert response.status_code == 200 and "申请修改" in response.text
    response = client.post(reverse("activities:record_revise", args=[approved.pk]))
    revision = ActivityRecord.objects.get(revision_of=approved)
    assert response.url == reverse("activities:record_edit", args=[revision.pk])
    other_task = TaskFactory(campaign=world.campaign_a, lead_unit=world.unit_a1)
    response = client.post(
        reverse("activities:record_edit", args=[revision.pk]),
        {
            "date": "2026-06-02",
            "domain": approved.domain_id,
            "type": approved.type,
            "title": "新标题",
            "participants": "45",
            "tasks": [other_task.pk],
            "files": [photo()],
            "submit": "1",
        },
    )
    assert response.status_code == 302
    revision.refresh_from_db()
    assert revision.status == S.SUBMITTED
    # what counts is still the approved version
    counted = ActivityRecord.objects.counted()
    assert list(counted.values_list("title", "participants")) == [("原标题", 30)]
    assert list(ActivityRecord.objects.originals()) == [approved]

    services.approve_record(revision, world.office_a)
    approved.refresh_from_db()
    assert (approved.title, approved.participants, approved.status) == ("新标题", 45, S.APPROVED)
    assert list(approved.tasks.all()) == [other_task]
    assert approved.evidence.count() == 2  # the copy of the old photo and the new one
    assert not ActivityRecord.objects.filter(pk=revision.pk).exists()
    # the old task loses the record: progress must recompute it too
    assert changed == [([approved.pk], [task_a1.pk])]
    # history keeps both versions
    titles = list(approved.history.values_list("title", flat=True))
    assert "原标题" in titles and "新标题" in titles
    assert len(files_on_disk(media)) == 2


def test_starting_twice_returns_the_same_revision(world, approved):
    first = services.start_revision(approved, world.liaison_a1)
    assert services.start_revision(approved, world.liaison_a1) == first


def test_revision_copies_evidence_and_discarding_keeps_the_original(
    world, login, approved, media, django_capture_on_commit_callbacks
):
    client = login(world.liaison_a1)
    draft = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, status=S.DRAFT)
    from activities import evidence as ev

    services.update_record(
        draft,
        data={},
        uploads=[ev.inspect_upload(photo())],
        by=world.liaison_a1,
        submit=True,
    )
    services.approve_record(draft, world.office_a)
    revision = services.start_revision(draft, world.liaison_a1)
    assert revision.evidence.count() == 1
    assert Evidence.objects.filter(record__in=[draft, revision]).count() == 2  # one file
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("activities:record_delete", args=[revision.pk]))
    assert response.url == reverse("activities:record_detail", args=[draft.pk])
    assert ActivityRecord.objects.filter(pk=draft.pk, status=S.APPROVED).exists()
    assert draft.evidence.count() == 1
    assert len(files_on_disk(media)) == 2  # still used by the original


def test_returned_revision_can_be_resubmitted(world, approved):
    revision = services.start_revision(approved, world.liaison_a1)
    services.submit_record(revision, world.liaison_a1)
    services.return_record(revision, world.office_a, "人数有误")
    revision.refresh_from_db()
    assert revision.status == S.RETURNED
    services.update_record(revision, data={"participants": 31}, by=world.liaison_a1, submit=True)
    revision.refresh_from_db()
    assert revision.status == S.SUBMITTED
    approved.refresh_from_db()
    assert approved.status == S.APPROVED and approved.participants == 30


def test_bulk_approve_applies_revisions(world, approved, changed):
    revision = services.start_revision(approved, world.liaison_a1)
    services.update_record(revision, data={"participants": 50}, by=world.liaison_a1)
    services.submit_record(revision, world.liaison_a1)
    assert services.bulk_approve(ActivityRecord.objects.all(), world.office_a) == 1
    approved.refresh_from_db()
    assert approved.participants == 50
    assert ActivityRecord.objects.count() == 1
    assert approved.pk in changed[-1][0]


def test_revise_is_post_only_and_for_the_units_liaison(world, login, approved):
    url = reverse("activities:record_revise", args=[approved.pk])
    assert login(world.liaison_a1).get(url).status_code == 405
    assert login(world.outsider).post(url).status_code == 404
    assert login(world.liaison_a2).post(url).status_code == 404
    assert login(world.leader_a).post(url).status_code == 403
    assert login(world.office_a).post(url).status_code == 403
    assert not ActivityRecord.objects.filter(revision_of=approved).exists()
