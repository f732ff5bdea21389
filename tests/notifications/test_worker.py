"""Real Celery processes against Redis and PostgreSQL: the sweep as beat and worker run it.

These tests start `celery worker` (and `celery beat`) as subprocesses pointed at the test
database, so they need PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); on SQLite or without
Redis they are skipped. Run them alone with `pytest -m worker`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from notifications.models import Notification, OutboundEmail, Reminder, ReminderPolicy, SweepRun
from organisations.models import Role
from tests.factories import CampaignFactory, TownshipFactory, UnitFactory, UserFactory
from tests.notifications.factories import period_due

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    # send_task always goes to the broker, which is the point here
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


@pytest.fixture
def services_up():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker process must reach the test database")
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: the worker and beat talk through Redis")
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at REDIS_URL is not answering: {exc}")
    from config.celery import app

    app.control.purge()
    yield app
    app.control.purge()


def worker_env(**extra) -> dict:
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        REDIS_URL=settings.REDIS_URL,
        QF_TESTING="false",
        DEBUG="true",
        CELERY_TASK_ALWAYS_EAGER="false",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        REMINDER_QUIET_HOURS="",  # the test runs whatever the hour
        REMINDER_REST_DAYS="send",  # …and whatever the day (weekends and holidays hold)
        REMINDER_DIGEST_TIME="23:59:59",
        DB_CONN_MAX_AGE="0",
    )
    env.update(extra)
    return env


def start(args: list[str], log: Path, env: dict) -> subprocess.Popen:
    handle = log.open("ab")
    return subprocess.Popen(  # noqa: S603 - our own celery binary and arguments
        [CELERY, "-A", "config", *args],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def start_worker(log: Path, env: dict) -> subprocess.Popen:
    return start(
        [
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"qf-test-{os.getpid()}-{time.monotonic_ns()}@%h",
            "-l",
            "info",
        ],
        log,
        env,
    )


def stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def wait_for(condition, timeout: float, what: str, logs: list[Path]):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    tail = "\n".join(log.read_text(errors="replace")[-3000:] for log in logs if log.exists())
    raise AssertionError(f"timed out waiting for {what}\n{tail}")


def township_with_work(liaisons_per_unit: int, units: int, periods_per_unit: int):
    """A campaign whose reminders are all due now (policy sends at 00:00, deadline today)."""
    township = TownshipFactory()
    campaign = CampaignFactory(township=township)
    ReminderPolicy.objects.create(campaign=campaign, send_time=timezone.datetime.min.time())
    today = timezone.localdate()
    for u in range(units):
        unit = UnitFactory(parent=township)
        for _n in range(liaisons_per_unit):
            user = UserFactory()
            Role.objects.create(user=user, organisation=unit, kind=Role.Kind.LIAISON)
        for p in range(periods_per_unit):
            period_due(campaign, unit, today, title=f"到期任务{u}-{p}")
    return units * liaisons_per_unit * periods_per_unit


def emails_printed(logs: list[Path]) -> int:
    return sum(log.read_text(errors="replace").count("Message-ID:") for log in logs)


def test_beat_and_worker_deliver_every_reminder_once(services_up, tmp_path):
    expected = township_with_work(liaisons_per_unit=3, units=2, periods_per_unit=5)
    env = worker_env(REMINDER_SWEEP_SECONDS="1")
    logs = [tmp_path / "worker.log", tmp_path / "beat.log"]
    worker = start_worker(logs[0], env)
    beat = start(
        ["beat", "-s", str(tmp_path / "beat-schedule"), "--pidfile=", "-l", "info"], logs[1], env
    )
    try:
        wait_for(
            lambda: OutboundEmail.objects.filter(state="sent").count() == expected,
            120,
            f"{expected} reminders delivered and emailed",
            logs,
        )
        runs = SweepRun.objects.filter(finished_at__isnull=False).count()
        wait_for(
            lambda: SweepRun.objects.filter(finished_at__isnull=False).count() >= runs + 3,
            60,
            "three more beat-driven sweeps",
            logs,
        )
    finally:
        stop(beat)
        stop(worker)
    notes = Notification.objects.filter(kind="task_period")
    assert notes.count() == expected
    assert notes.values("reminder").distinct().count() == expected
    assert Reminder.objects.filter(kind="task_period", status="sent").count() == expected
    assert emails_printed(logs) == expected  # each email left the worker exactly once
    assert not SweepRun.objects.exclude(error="").exists()


def test_killing_the_worker_mid_batch_neither_duplicates_nor_loses(services_up, tmp_path):
    expected = township_with_work(liaisons_per_unit=40, units=1, periods_per_unit=25)
    # Short lease and hand-over timers, so that emails stranded by the kill (claimed by the
    # dead worker, or queued to it) are taken over within the test instead of minutes later.
    env = worker_env(
        REMINDER_BATCH_SIZE="20",
        REMINDER_BATCH_PAUSE="0.05",
        REMINDER_EMAIL_LEASE_SECONDS="3",
        REMINDER_OUTBOX_FLUSH_AFTER_SECONDS="2",
    )
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    delivered = Notification.objects.filter(kind="task_period")

    worker = start_worker(logs[0], env)
    try:
        services_up.send_task("notifications.sweep")
        wait_for(lambda: delivered.count() > 0, 120, "the first batches", logs)
        stop(worker, signal.SIGKILL)  # in the middle of the sweep
    finally:
        stop(worker, signal.SIGKILL)
    at_kill = delivered.count()
    assert 0 < at_kill < expected, "the kill should land mid-sweep"
    # what was committed is whole: every sent reminder has its notification and no more
    assert Reminder.objects.filter(kind="task_period", status="sent").count() == at_kill

    worker = start_worker(logs[1], env)
    try:
        # Beat ticks: a tick that lands while PostgreSQL has not yet noticed the killed
        # worker's connection (and its sweep lock) is skipped, the next one does the work.
        def ticked_until(done):
            def check():
                if done():
                    return True
                services_up.send_task("notifications.sweep")
                time.sleep(2)
                return False

            return check

        wait_for(
            ticked_until(lambda: delivered.count() >= expected), 120, "the rest after restart", logs
        )
        wait_for(
            ticked_until(lambda: OutboundEmail.objects.filter(state="sent").count() >= expected),
            120,
            "every email",
            logs,
        )
    finally:
        stop(worker)
    assert delivered.count() == expected  # zero duplicates…
    assert delivered.values("reminder").distinct().count() == expected
    assert Reminder.objects.filter(kind="task_period").count() == expected
    assert not Reminder.objects.filter(kind="task_period").exclude(status="sent").exists()
    assert not Reminder.objects.filter(kind="task_period", notification__isnull=True).exists()
    assert OutboundEmail.objects.filter(state="sent").count() == expected  # …zero missing
    assert emails_printed(logs) == expected
