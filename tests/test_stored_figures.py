"""Every figure stored from the ledger equals its recount after every kind of change (issue 11.4).

The stored figures are the record tallies (`dashboard.models.RecordTally`), task progress
(`TaskPeriod.achieved`, `Task.open_due`, `Task.has_progress`) and the task tally the dashboards
count tasks from (`campaigns.models.TaskTally`: tasks per campaign, lead unit, domain and
state; issue 17.2). One hook keeps them
(`activities.recount.records_changed`, called by the record services inside their
transaction); this module walks a record through every kind of change — filing, submitting,
approving, bulk approval, return, an approved edit and its approval, moves to another unit,
task, date and type, withdrawal, restore, deletion, admin corrections, a task's target
changed — and approvals racing on PostgreSQL, recounting everything after each step. The task
tally also follows tasks created, edited (lead unit, domain, target), deleted, copied into a
new campaign, their campaign deleted, units merged, and tasks finished by approvals and edited
at the same moment.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.urls import reverse

from activities import evidence as ev
from activities import services
from activities.models import ActivityRecord
from activities.types import ActivityType
from campaigns import progress
from campaigns.models import Task, TaskPeriod
from campaigns.services import copy_campaign, delete_task, save_task
from dashboard import tallies
from organisations.services import merge_units
from tests.activities.factories import add_evidence, jpeg_bytes, upload
from tests.concurrency import in_threads, needs_postgresql
from tests.factories import (
    CampaignFactory,
    RecordFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
    domain,
)

S = ActivityRecord.Status


def assert_every_figure_recounts():
    assert tallies.stored() == tallies.computed()
    task_ids = list(Task.objects.values_list("pk", flat=True))
    stored = dict(TaskPeriod.objects.values_list("pk", "achieved"))
    fresh = progress.compute_achieved(task_ids)
    assert stored == {pk: fresh.get(pk, 0) for pk in stored}
    for task in Task.objects.prefetch_related("periods"):
        periods = [(p.due_date, fresh[p.pk]) for p in task.periods.all()]
        assert (task.open_due, task.has_progress) == progress.task_state(task.target_count, periods)
    assert progress.stored_task_tallies() == progress.computed_task_tallies()


def achieved(task):
    return sum(TaskPeriod.objects.filter(task=task).values_list("achieved", flat=True))


def tally_total():
    return sum(figures[0] for figures in tallies.stored().values())


def photo(seed):
    return ev.inspect_upload(upload(f"{seed}.jpg", jpeg_bytes(color=(seed, 50, 50)), "image/jpeg"))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def plan(world, time_machine):
    time_machine.move_to("2026-06-15 10:00:00+08:00", tick=False)
    lecture = TaskFactory(
        campaign=world.campaign_a, lead_unit=world.unit_a1, title="讲党课", target_count=2
    )
    lecture.co_units.add(world.unit_a2)
    films = TaskFactory(
        campaign=world.campaign_a,
        lead_unit=world.unit_a1,
        title="看电教片",
        activity_types=[ActivityType.FILM],
        target_count=1,
    )
    films.co_units.add(world.unit_a2)
    people = TaskFactory(
        campaign=world.campaign_a,
        lead_unit=world.unit_a2,
        title="参与人次",
        measure=Task.Measure.PARTICIPANTS,
        target_count=100,
    )
    return {"lecture": lecture, "films": films, "people": people}


def data(**overrides):
    values = {
        "date": dt.date(2026, 6, 1),
        "domain": domain("villages"),
        "type": ActivityType.LECTURE,
        "title": "廉政党课",
        "place": "村委会",
        "organiser": "党支部",
        "participants": 30,
        "description": "",
    }
    values.update(overrides)
    return values


def test_every_kind_of_change_through_the_services(world, plan, media):
    lecture, films, people = plan["lecture"], plan["films"], plan["people"]
    office, liaison = world.office_a, world.liaison_a1

    # file (a draft, then one submitted at once), submit, approve
    first = services.file_record(
        unit=world.unit_a1,
        campaign=world.campaign_a,
        data=data(),
        tasks=[lecture],
        uploads=[photo(1)],
        by=liaison,
    )
    assert_every_figure_recounts()
    services.submit_record(first, liaison)
    assert_every_figure_recounts()
    services.approve_record(first, office)
    assert_every_figure_recounts()
    assert (achieved(lecture), tally_total()) == (1, 1)

    # bulk approval of two units' records, one of them a pending edit
    second = services.file_record(
        unit=world.unit_a2,
        campaign=world.campaign_a,
        data=data(participants=60),
        tasks=[lecture, people],
        uploads=[photo(2)],
        by=world.liaison_a2,
        submit=True,
    )
    third = services.file_record(
        unit=world.unit_a1,
        campaign=world.campaign_a,
        data=data(type=ActivityType.FILM, date=dt.date(2026, 5, 3)),
        tasks=[films],
        uploads=[photo(3)],
        by=liaison,
        submit=True,
    )
    revision = services.start_revision(first, liaison)
    services.update_record(
        revision, data=data(participants=45), tasks=[lecture], by=liaison, submit=True
    )
    assert_every_figure_recounts()
    approved = services.bulk_approve(
        ActivityRecord.objects.filter(pk__in=[second.pk, third.pk, revision.pk]), office
    )
    assert approved == 3
    assert_every_figure_recounts()
    assert (achieved(lecture), achieved(films), achieved(people)) == (2, 1, 60)

    # return
    fourth = services.file_record(
        unit=world.unit_a2,
        campaign=world.campaign_a,
        data=data(),
        tasks=[lecture],
        uploads=[photo(4)],
        by=world.liaison_a2,
        submit=True,
    )
    services.return_record(fourth, office, "照片不清晰")
    assert_every_figure_recounts()

    # an approved edit that moves the record to another task, date, type and domain
    revision = services.start_revision(third, liaison)
    services.update_record(
        revision,
        data=data(type=ActivityType.LECTURE, date=dt.date(2026, 4, 2), domain=domain("families")),
        tasks=[lecture],
        by=liaison,
        submit=True,
    )
    assert_every_figure_recounts()
    assert achieved(films) == 1  # the approved version still counts until the edit is approved
    services.approve_record(revision, office)
    assert_every_figure_recounts()
    assert (achieved(lecture), achieved(films)) == (3, 0)

    # withdraw, restore
    services.withdraw_record(second, office, "重复填报")
    assert_every_figure_recounts()
    assert (achieved(lecture), achieved(people)) == (2, 0)
    services.restore_record(second, office)
    assert_every_figure_recounts()
    assert achieved(people) == 60

    # a draft deleted, a pending edit discarded
    services.delete_record(
        services.file_record(
            unit=world.unit_a1, campaign=world.campaign_a, data=data(), by=liaison
        ),
        liaison,
    )
    services.delete_record(services.start_revision(first, liaison), liaison)
    assert_every_figure_recounts()

    # moved to another unit (the admin's correction service) and the task's target changed
    services.correct_record(
        first, data={"unit": world.unit_a2, "participants": 7}, tasks=[lecture, people], by=office
    )
    first.refresh_from_db()
    assert first.township_id == world.township_a.pk
    assert_every_figure_recounts()
    lecture.target_count = 3
    save_task(lecture, co_units=[world.unit_a2])
    assert_every_figure_recounts()
    assert tally_total() == 3


def admin_post_data(response) -> dict:
    """The admin change form's data as the browser would send it back unchanged."""
    form = response.context["adminform"].form
    values = {}
    for name in form.fields:
        value = form.initial.get(name)
        if name == "tasks":
            values[name] = [getattr(t, "pk", t) for t in value or []]
        elif hasattr(value, "isoformat"):
            values[name] = value.isoformat()
        elif hasattr(value, "pk"):
            values[name] = value.pk
        elif value is not None:
            values[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            values[f"{formset.prefix}-{key}"] = value
        for index, sub in enumerate(formset.forms):
            values[f"{formset.prefix}-{index}-id"] = sub.instance.pk
            values[f"{formset.prefix}-{index}-record"] = sub.instance.record_id
    return values


def test_admin_corrections_go_through_the_service(world, plan, client):
    lecture, people = plan["lecture"], plan["people"]
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    record = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, tasks=[lecture])
    add_evidence(record)
    change = reverse("admin:activities_activityrecord_change", args=[record.pk])
    page = client.get(change)
    assert page.status_code == 200
    posted = admin_post_data(page)

    # to another unit, task, date, type and head count
    moved = {
        **posted,
        "unit": world.unit_a2.pk,
        "tasks": [lecture.pk, people.pk],
        "date": "2026-05-05",
        "type": ActivityType.FORUM,
        "participants": 80,
    }
    assert client.post(change, moved).status_code == 302
    record.refresh_from_db()
    assert (record.unit, record.township, record.participants) == (
        world.unit_a2,
        world.township_a,
        80,
    )
    assert record.version == posted["version"] + 1
    assert_every_figure_recounts()
    assert achieved(people) == 80

    # a stale admin page (the version it showed) changes nothing
    response = client.post(change, {**moved, "participants": 5}, follow=True)
    assert "该记录已被修改" in response.content.decode() or "请刷新" in response.content.decode()
    record.refresh_from_db()
    assert record.participants == 80

    # a unit of another township, or a task not the unit's, is refused with the reason
    fresh = admin_post_data(client.get(change))
    response = client.post(change, {**fresh, "unit": world.unit_b1.pk})
    assert response.status_code == 200
    assert "单位不属于该创建工作所在的镇。" in response.content.decode()
    other = TaskFactory(campaign=world.campaign_a, lead_unit=world.unit_a1, title="别人的")
    response = client.post(change, {**fresh, "tasks": [other.pk]})
    assert response.status_code == 200
    assert "不是本单位" in response.content.decode()
    record.refresh_from_db()
    assert record.unit == world.unit_a2
    assert_every_figure_recounts()

    # no status field to edit, no revert to an old version, no deleting what counted
    assert "status" not in page.context["adminform"].form.fields
    history = reverse(
        "admin:activities_activityrecord_simple_history",
        args=[record.pk, record.history.earliest().history_id],
    )
    assert client.post(history, fresh).status_code == 403
    delete = reverse("admin:activities_activityrecord_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert_every_figure_recounts()


def test_a_unit_moved_to_another_township_carries_its_rows(world):
    """TownshipScoped re-derives the township when the source changes (any scoped model)."""
    record = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1)
    record = ActivityRecord.objects.get(pk=record.pk)
    record.unit = world.unit_b1
    record.save()
    assert ActivityRecord.objects.get(pk=record.pk).township_id == world.township_b.pk


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_changes_keep_every_figure(world, time_machine):
    time_machine.move_to("2026-06-15 10:00:00+08:00", tick=False)
    unit_a3 = UnitFactory(name="甲三村", parent=world.township_a)
    shared = TaskFactory(campaign=world.campaign_a, lead_unit=world.unit_a1, target_count=50)
    people = TaskFactory(
        campaign=world.campaign_a,
        lead_unit=world.unit_a1,
        measure=Task.Measure.PARTICIPANTS,
        target_count=500,
    )
    for task in (shared, people):
        task.co_units.add(world.unit_a2, unit_a3)
    for _trial in range(3):
        pending = []
        for unit in (world.unit_a1, world.unit_a2, unit_a3, world.unit_a1, world.unit_a2):
            record = RecordFactory(campaign=world.campaign_a, unit=unit, status=S.SUBMITTED)
            record.tasks.add(shared, people)
            add_evidence(record)
            pending.append(record)
        counted = RecordFactory(campaign=world.campaign_a, unit=unit_a3, tasks=[shared, people])
        start = threading.Barrier(4)

        def together(fn, start=start):
            start.wait(30)
            fn()

        in_threads(
            lambda p=pending: together(lambda: services.approve_record(p[0], world.office_a)),
            lambda p=pending: together(lambda: services.approve_record(p[1], world.office_a)),
            lambda p=pending: together(
                lambda: services.bulk_approve(
                    ActivityRecord.objects.filter(pk__in=[r.pk for r in p[2:]]), world.office_a
                )
            ),
            lambda c=counted: together(lambda: services.withdraw_record(c, world.office_a, "撤")),
        )
        assert_every_figure_recounts()
    assert achieved(shared) == 15


def test_the_task_tally_follows_every_change_of_a_task(world, plan, media):
    """Tasks created, edited, finished, deleted, copied, merged away: the tally equals the
    tasks after each step (the dashboards count tasks from it)."""
    lecture, films = plan["lecture"], plan["films"]
    assert_every_figure_recounts()

    # created through the service (periods made by sync_periods) and by the admin's plain save
    new = Task(
        campaign=world.campaign_a,
        domain=domain("villages"),
        title="新任务",
        lead_unit=world.unit_a2,
        target_count=1,
        start_date=dt.date(2026, 3, 1),
        due_date=dt.date(2026, 5, 31),
    )
    save_task(new, co_units=[world.unit_a1])
    assert_every_figure_recounts()
    assert new.periods.exists()

    # finished by an approval, then its target raised (open again, overdue by now)
    record = services.file_record(
        unit=world.unit_a2,
        campaign=world.campaign_a,
        data=data(date=dt.date(2026, 4, 1)),
        tasks=[new],
        uploads=[photo(11)],
        by=world.liaison_a2,
        submit=True,
    )
    services.approve_record(record, world.office_a)
    new.refresh_from_db()
    assert new.open_due is None
    assert_every_figure_recounts()
    new.target_count = 5
    save_task(new, co_units=[world.unit_a1])
    assert_every_figure_recounts()

    # another lead unit and domain; a save of some fields only
    lecture.lead_unit = world.unit_a2
    lecture.domain = domain("families")
    save_task(lecture, co_units=[world.unit_a1])
    assert_every_figure_recounts()
    lecture.title = "讲党课（改）"
    lecture.save(update_fields=["title"])
    assert_every_figure_recounts()

    # deleted
    delete_task(films)
    assert_every_figure_recounts()

    # copied into next year's campaign, then that campaign deleted with its tasks
    copy = copy_campaign(world.campaign_a, 2027)
    assert (
        Task.objects.filter(campaign=copy).count()
        == Task.objects.filter(campaign=world.campaign_a).count()
    )
    assert_every_figure_recounts()
    copy.delete()
    assert_every_figure_recounts()

    # a unit merged into another: its tasks and records move to the survivor
    merge_units(world.unit_a2.pk, world.unit_a1.pk)
    assert_every_figure_recounts()
    assert not Task.objects.filter(lead_unit=world.unit_a2).exists()

    # a bulk load that bypassed the model is put right by the rebuild
    other = CampaignFactory(township=world.township_a, year=2025)
    Task.objects.bulk_create(
        [
            Task(
                campaign=other,
                domain=domain("villages"),
                title=f"批量{i}",
                lead_unit=world.unit_a1,
                target_count=1,
                start_date=dt.date(2025, 1, 1),
                due_date=dt.date(2025, 12, 31),
            )
            for i in range(3)
        ]
    )
    assert progress.stored_task_tallies() != progress.computed_task_tallies()
    progress.rebuild_task_tallies([other.pk])
    assert_every_figure_recounts()


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_finishing_tasks_keep_the_task_tally(world, time_machine):
    """Approvals that each finish a different task of the same unit and domain move tasks
    between the same tally rows at the same moment, while the office edits another of the
    unit's tasks: no move is lost."""
    time_machine.move_to("2026-06-15 10:00:00+08:00", tick=False)
    for trial in range(3):
        tasks = [
            TaskFactory(
                campaign=world.campaign_a,
                lead_unit=world.unit_a1,
                target_count=1,
                title=f"并发任务{trial}-{i}",
            )
            for i in range(3)
        ]
        edited = TaskFactory(
            campaign=world.campaign_a, lead_unit=world.unit_a1, title=f"改牵头{trial}"
        )
        pending = []
        for task in tasks:
            record = RecordFactory(
                campaign=world.campaign_a, unit=world.unit_a1, status=S.SUBMITTED
            )
            record.tasks.add(task)
            add_evidence(record)
            pending.append(record)
        start = threading.Barrier(4)

        def together(fn, start=start):
            start.wait(30)
            fn()

        def move(task=edited):
            task = Task.objects.get(pk=task.pk)
            task.lead_unit = world.unit_a2
            task.target_count = 1
            save_task(task)

        in_threads(
            lambda p=pending: together(lambda: services.approve_record(p[0], world.office_a)),
            lambda p=pending: together(lambda: services.approve_record(p[1], world.office_a)),
            lambda p=pending: together(lambda: services.approve_record(p[2], world.office_a)),
            lambda: together(move),
        )
        assert_every_figure_recounts()
        assert Task.objects.filter(pk__in=[t.pk for t in tasks], open_due__isnull=True).count() == 3
