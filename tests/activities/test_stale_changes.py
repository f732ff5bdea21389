"""Every state change of a record locks its row and re-checks state and version (issue 11.1).

A form made from an older state of the record (a double tap, a second tab, a page left open
while the office approved) changes nothing, writes no file and says why in Chinese. The race
of the issue is reproduced with real threads on PostgreSQL: a liaison's edit-submit with
photos, held while its photos are "still uploading", against the same form's first POST and
the office's approval; before the fix the approval was undone and the photos attached twice.
"""

from __future__ import annotations

import threading

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from activities import evidence as ev
from activities import services, views
from activities.models import ActivityRecord, Evidence
from activities.types import ActivityType
from tests.activities.conftest import files_on_disk
from tests.activities.factories import add_evidence, jpeg_bytes, photo
from tests.concurrency import in_threads, needs_postgresql
from tests.factories import RecordFactory, domain

S = ActivityRecord.Status
STALE_APPROVED = "该记录已被审核，请刷新后再修改。"


def url(name, pk):
    return reverse(f"activities:{name}", args=[pk])


def edit_data(record, **overrides):
    data = {
        "date": "2026-06-10",
        "domain": domain("villages").pk,
        "type": ActivityType.LECTURE,
        "title": "村干部廉政党课（补充照片）",
        "participants": "36",
        "submit": "1",
        "version": str(record.version),
    }
    data.update(overrides)
    return data


def photos(n=3):
    return [
        SimpleUploadedFile(f"现场{i}.jpg", jpeg_bytes(color=(10 * i, 40, 90)), "image/jpeg")
        for i in range(n)
    ]


@pytest.fixture
def draft(world, today):
    return RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, status=S.DRAFT)


# --- one request after another (any database) ----------------------------------------------


def test_double_tapped_edit_submit_attaches_the_photos_once(world, login, draft, media):
    client = login(world.liaison_a1)
    data = edit_data(draft)
    first = client.post(url("record_edit", draft.pk), {**data, "files": photos()})
    assert first.status_code == 302
    second = client.post(url("record_edit", draft.pk), {**data, "files": photos()}, follow=True)
    assert "该记录已提交审核，请刷新后再操作。" in second.content.decode()
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED
    assert draft.evidence.count() == 3


def test_stale_draft_form_changes_nothing(world, login, draft, media):
    """Saved in one tab, saved again from the older page in another: refused, no file."""
    client = login(world.liaison_a1)
    old = edit_data(draft, submit="", draft="1")
    del old["submit"]
    assert client.post(url("record_edit", draft.pk), {**old, "title": "第一次"}).status_code == 302
    response = client.post(
        url("record_edit", draft.pk), {**old, "title": "旧页面", "files": photos(1)}, follow=True
    )
    assert "该记录已被修改，请刷新后再操作。" in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "第一次" and draft.version == 2
    assert not draft.evidence.exists()
    assert files_on_disk(media) == []


def test_edit_after_approval_is_refused_with_the_reason(world, draft, media):
    prepared = ev.inspect_upload(photo())
    shown = draft.version
    services.update_record(draft, data={}, uploads=[prepared], by=world.liaison_a1, submit=True)
    services.approve_record(draft, world.office_a)
    stale = ActivityRecord.objects.get(pk=draft.pk)
    stale.status = S.DRAFT  # the page the liaison still has open
    with pytest.raises(services.StaleRecord, match=STALE_APPROVED):
        services.update_record(
            stale,
            data={"title": "改"},
            uploads=[ev.inspect_upload(photo("新.jpg", color=(1, 1, 1)))],
            by=world.liaison_a1,
            submit=True,
            version=shown,
        )
    draft.refresh_from_db()
    assert (draft.status, draft.reviewed_by) == (S.APPROVED, world.office_a)
    assert draft.evidence.count() == 1
    assert len(files_on_disk(media)) == 2  # the first photo and its thumbnail, nothing new


@pytest.mark.parametrize(
    ("status", "change"),
    [
        (S.DRAFT, lambda r, w, v: services.submit_record(r, w.liaison_a1, version=v)),
        (S.DRAFT, lambda r, w, v: services.delete_record(r, w.liaison_a1, version=v)),
        (S.SUBMITTED, lambda r, w, v: services.approve_record(r, w.office_a, version=v)),
        (S.SUBMITTED, lambda r, w, v: services.return_record(r, w.office_a, "不清晰", version=v)),
        (S.APPROVED, lambda r, w, v: services.withdraw_record(r, w.office_a, "重复", version=v)),
        (S.APPROVED, lambda r, w, v: services.start_revision(r, w.liaison_a1, version=v)),
        (S.WITHDRAWN, lambda r, w, v: services.restore_record(r, w.office_a, version=v)),
    ],
)
def test_every_change_refuses_an_older_version(world, status, change):
    record = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, status=status)
    add_evidence(record)
    ActivityRecord.objects.filter(pk=record.pk).update(version=5)
    with pytest.raises(services.StaleRecord):
        change(record, world, 4)
    after = ActivityRecord.objects.get(pk=record.pk)
    assert (after.status, after.version) == (status, 5)
    assert ActivityRecord.objects.count() == 1
    change(record, world, 5)  # the current version goes through (a revision is a new row)
    untouched = ActivityRecord.objects.filter(pk=record.pk, version=5).exists()
    assert not untouched or ActivityRecord.objects.filter(revision_of=record.pk).exists()


def test_approve_from_an_old_queue_page_is_refused(world, login, today):
    record = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, status=S.SUBMITTED)
    shown = record.version
    services.return_record(record, world.office_a, "补充签到表")
    add_evidence(record)
    services.submit_record(record, world.liaison_a1)  # resubmitted with other content
    response = login(world.office_a).post(url("record_approve", record.pk), {"version": shown})
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["该记录在您打开后已有变化，请刷新后再审核。"]
    record.refresh_from_db()
    assert record.status == S.SUBMITTED


def test_bulk_approve_skips_records_changed_since_shown(world, login):
    a = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, status=S.SUBMITTED)
    b = RecordFactory(campaign=world.campaign_a, unit=world.unit_a2, status=S.SUBMITTED)
    response = login(world.office_a).post(
        reverse("activities:bulk_approve"),
        {"records": [a.pk, b.pk], f"version-{a.pk}": a.version, f"version-{b.pk}": b.version - 1},
    )
    assert response.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == (S.APPROVED, S.SUBMITTED)
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "1 条记录未通过" in messages[1]


# --- the race of the issue, with real threads on PostgreSQL ---------------------------------


class UploadStillArriving(SimpleUploadedFile):
    """A phone photo whose bytes are still arriving: the first read tells the test it has
    begun and waits until the test lets it finish."""

    def __init__(self, name, content, begun: threading.Event, finish: threading.Event):
        super().__init__(name, content, "image/jpeg")
        self.begun, self.finish = begun, finish

    def read(self, *args):
        self.begun.set()
        assert self.finish.wait(60)
        return super().read(*args)


def slow_edit_post(record, user, data, begun, finish):
    """The second tap's request, run through the real view: the view loads the record, then
    the photos are processed (held here), then the service is called."""
    request = RequestFactory().post(url("record_edit", record.pk))
    request._post = QueryDict(mutable=True)
    for key, value in data.items():
        request._post[key] = value
    uploads = [
        UploadStillArriving(f"现场{i}.jpg", jpeg_bytes(color=(10 * i, 40, 90)), begun, finish)
        for i in range(3)
    ]
    request._files = MultiValueDict({"files": uploads})
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.htmx = False
    response = views.record_edit(request, record.pk)
    return response.status_code, [str(m) for m in request._messages]


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_double_tap_edit_against_approval_keeps_the_approval(world, today, media):
    """Tap 1 submits, the office approves, then tap 2 (which loaded the record before tap 1
    and was processing its photos meanwhile) reaches the service: nothing of it is saved."""
    kept = 0
    trials = 3
    for trial in range(trials):
        record = RecordFactory(
            campaign=world.campaign_a, unit=world.unit_a1, status=S.DRAFT, title=f"试验{trial}"
        )
        data = edit_data(record, title=f"试验{trial}（照片）")
        begun, finish = threading.Event(), threading.Event()

        def first_tap_then_approval(data=data, record=record, begun=begun, finish=finish):
            assert begun.wait(60)  # tap 2 has loaded the record and is reading its photos
            liaison, office = Client(), Client()
            liaison.force_login(world.liaison_a1)
            office.force_login(world.office_a)
            first = liaison.post(url("record_edit", record.pk), {**data, "files": photos()})
            approval = office.post(url("record_approve", record.pk))
            finish.set()
            return first.status_code, approval.status_code

        second, (first, approval) = in_threads(
            lambda data=data, record=record, begun=begun, finish=finish: slow_edit_post(
                record, world.liaison_a1, data, begun, finish
            ),
            first_tap_then_approval,
        )
        assert (first, approval) == (302, 302)
        record.refresh_from_db()
        if (
            record.status == S.APPROVED
            and record.reviewed_by_id == world.office_a.pk
            and Evidence.objects.filter(record=record).count() == 3
        ):
            kept += 1
            assert second == (302, [STALE_APPROVED])
    print(f"\ndouble-tap edit vs approve: {kept}/{trials} approvals kept, 3 evidence rows each")
    assert kept == trials
