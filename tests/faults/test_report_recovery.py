"""Reports always end done or failed: redelivery, stale rows, a broken connection, a broker
that is down when the report is asked for (issue 11 item 5, the in-process half; the real
worker kills are in test_worker_faults.py)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import Kind, Report
from tests.faults.conftest import broker_at
from tests.reports.factories import ReportFactory


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()


def interrupted_run(campaign, *, token="dead-task", minutes_ago=0, **extra) -> Report:
    """A report a worker had claimed when it died."""
    then = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return ReportFactory(
        campaign=campaign,
        status=Report.Status.RUNNING,
        run_token=token,
        started_at=then,
        heartbeat_at=then,
        attempts=1,
        progress=40,
        **extra,
    )


def test_redelivered_message_takes_over_its_interrupted_run(world):
    """The pool process died; the same task id comes back and must not return None."""
    report = interrupted_run(world.campaign_a, token="task-1")
    done = services.render_report(report.pk, token="task-1")
    assert done is not None and done.status == Report.Status.DONE
    assert done.attempts == 2 and done.interruptions == 1 and done.run_token == ""


def test_a_live_run_is_not_taken_by_another_message(world):
    report = interrupted_run(world.campaign_a, token="task-1")
    assert services.render_report(report.pk, token="task-2") is None
    report.refresh_from_db()
    assert report.status == Report.Status.RUNNING and report.run_token == "task-1"


def test_beat_requeues_a_running_report_without_heartbeat(world, settings):
    settings.REPORT_STALE_SECONDS = 300
    dead = interrupted_run(world.campaign_a, minutes_ago=6)
    alive = interrupted_run(world.campaign_a, token="alive", minutes_ago=1)
    assert services.requeue_stale() == 1  # eager in tests: rendered on the spot
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == Report.Status.DONE and dead.file
    assert alive.status == Report.Status.RUNNING


def test_beat_sends_a_report_that_waited_in_the_queue(world, settings):
    settings.REPORT_STALE_SECONDS = 300
    report = ReportFactory(campaign=world.campaign_a)
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - dt.timedelta(minutes=10))
    fresh = ReportFactory(campaign=world.campaign_a)
    assert services.requeue_stale() == 1
    report.refresh_from_db()
    fresh.refresh_from_db()
    assert report.status == Report.Status.DONE
    assert fresh.status == Report.Status.QUEUED


def test_the_requeue_job_is_on_the_beat_schedule():
    from config.celery import app

    app.loader.import_default_modules()
    entries = [e for e in app.conf.beat_schedule.values() if e["task"] == "reports.requeue_stale"]
    assert entries and entries[0]["options"]["expires"] > 0
    assert "reports.requeue_stale" in app.tasks


def test_a_report_interrupted_too_often_fails_with_its_reason(world, settings):
    settings.REPORT_MAX_ATTEMPTS = 3
    report = interrupted_run(world.campaign_a, token="task-1", interruptions=2)
    assert services.render_report(report.pk, token="task-1") is None
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert "中断" in report.error and report.finished_at


def test_retry_after_interruptions_starts_afresh(
    world, settings, django_capture_on_commit_callbacks
):
    report = ReportFactory(
        campaign=world.campaign_a, status=Report.Status.FAILED, interruptions=3, error="中断"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_report(report, world.office_a)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE and report.interruptions == 0


def kill_my_connection() -> None:
    """Terminate this process's database session from another connection: what a PostgreSQL
    restart does to a worker's connection mid-render."""
    import psycopg2

    pid = connection.connection.info.backend_pid
    db = connection.settings_dict
    other = psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
    )
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="terminates a PostgreSQL session (CI runs on PostgreSQL)",
)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_failure_is_written_after_the_connection_was_killed(world, monkeypatch):
    report = ReportFactory(campaign=world.campaign_a)
    from reports.contexts import work_report

    def dies(*args, **kwargs):
        kill_my_connection()
        return work_report.build.__wrapped_build__(*args, **kwargs)

    dies.__wrapped_build__ = work_report.build
    monkeypatch.setattr(work_report, "build", dies)
    result = services.render_report(report.pk)
    assert result.status == Report.Status.FAILED, result.status
    assert result.error and result.run_token == ""


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_render_survives_its_connection_killed_mid_render(world, monkeypatch):
    report = ReportFactory(campaign=world.campaign_a)
    from reports.kinds import KindSpec

    real_render = KindSpec.render

    def dies_then_renders(self, context, progress=None):
        kill_my_connection()
        return real_render(self, context, progress)

    monkeypatch.setattr(KindSpec, "render", dies_then_renders)
    result = services.render_report(report.pk)
    assert result.status == Report.Status.DONE and result.file


@pytest.mark.django_db(transaction=True)
def test_request_while_the_broker_is_down_is_queued_with_a_message(
    world, login, dead_redis_url, settings
):
    settings.REPORT_STALE_SECONDS = 300
    client = login(world.office_a)
    started = time.monotonic()  # printed for the record, not asserted
    with broker_at(dead_redis_url):
        response = client.post(
            reverse("reports:report_request"),
            {"campaign": world.campaign_a.pk, "kind": Kind.WORK_REPORT},
            follow=True,
        )
    waited = time.monotonic() - started
    print(f"report requested with the broker down: answered in {waited:.2f} s")
    assert response.status_code == 200
    report = Report.objects.get()
    assert report.status == Report.Status.QUEUED
    assert "队列恢复后将自动开始生成" in response.content.decode()
    # the broker is back: the beat job hands the waiting report over
    assert services.requeue_stale(timezone.now() + dt.timedelta(seconds=301)) == 1
    report.refresh_from_db()
    assert report.status == Report.Status.DONE


@pytest.mark.django_db(transaction=True)
def test_beat_stops_at_a_dead_broker_and_keeps_the_rows(world, dead_redis_url):
    report = ReportFactory(campaign=world.campaign_a)
    with broker_at(dead_redis_url):
        assert services.requeue_stale(timezone.now() + dt.timedelta(hours=1)) == 0
    report.refresh_from_db()
    assert report.status == Report.Status.QUEUED
