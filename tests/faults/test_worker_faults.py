"""A real Celery worker (prefork) renders a report while it is killed, or while its database
restarts: the report must end done, or failed with its reason (issue 11 item 5).

The render is held at a known point without timing: the test locks the records table
(ACCESS EXCLUSIVE, on its own connection) so the worker claims the report and then waits
inside the context build; the fault is applied while the report is provably `running`, and
the lock released afterwards. Needs PostgreSQL and Redis (skipped otherwise, CI has both).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.notifications.test_worker import stop, wait_for, worker_env
from tests.reports.factories import ReportFactory

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
RENDER = "reports.tasks.render_report_task"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


@pytest.fixture
def broker():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker process must reach the test database")
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: the worker takes its tasks from Redis")
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at REDIS_URL is not answering: {exc}")
    from config.celery import app

    app.control.purge()
    yield app
    app.control.purge()
    # a message held by a SIGKILLed worker stays "unacked" until its visibility timeout
    client.delete("unacked", "unacked_index")


def start_worker(log: Path, env: dict) -> subprocess.Popen:
    handle = log.open("ab")
    return subprocess.Popen(  # noqa: S603 - our own celery binary and arguments
        [
            CELERY,
            "-A",
            "config",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"qf-faults-{os.getpid()}-{time.monotonic_ns()}@%h",
            "-l",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


class TableLock:
    """ACCESS EXCLUSIVE on a table, held by a connection of its own until released."""

    def __init__(self, dsn: dict, table: str):
        import psycopg2

        self.conn = psycopg2.connect(**dsn)
        with self.conn.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')

    def release(self):
        import psycopg2

        if not self.conn.closed:
            try:
                self.conn.rollback()
            except psycopg2.OperationalError:
                pass  # the server was restarted under it: the lock is gone already
            finally:
                self.conn.close()


def dsn_of(settings_dict: dict) -> dict:
    return {
        "dbname": settings_dict["NAME"],
        "user": settings_dict["USER"],
        "password": settings_dict["PASSWORD"] or None,
        "host": settings_dict["HOST"] or "127.0.0.1",
        "port": settings_dict["PORT"] or 5432,
    }


def pool_children(pid: int) -> list[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
    ).stdout
    return [int(p) for p in out.split()]


def records_table() -> str:
    from activities.models import ActivityRecord

    return ActivityRecord._meta.db_table


def kill_the_worker_mid_task(
    broker, env: dict, log: Path, *, send, claimed, killed, ended, requeue: str, what: str
) -> None:
    """The whole worker (main process and pool) is SIGKILLed once it has claimed the task; a
    second worker starts, and the beat job `requeue` is sent (as beat would, every minute) until
    `ended()`. The records table is locked meanwhile, so the task is caught at a known point;
    `killed()` checks what the kill left behind (nobody will finish it)."""
    lock = TableLock(dsn_of(connection.settings_dict), records_table())
    worker = start_worker(log, env)
    second = None
    try:
        send()
        wait_for(claimed, 90, f"the worker to claim {what}", [log])
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=20)
        lock.release()
        killed()
        second = start_worker(log, env)

        def finished():
            if ended():
                return True
            broker.send_task(requeue)
            time.sleep(1)
            return False

        wait_for(finished, 150, f"{what} to end", [log])
    finally:
        try:
            lock.release()
        finally:
            stop(worker)
        if second is not None:
            stop(second)


def kill_the_pool_child_mid_task(
    env: dict, log: Path, *, send, claimed, taken_over, ended, what: str
) -> None:
    """Only the pool process is SIGKILLed (what the kernel's OOM killer does) once the task is
    claimed: the main process requeues the message (acks late) and a new pool process, with the
    same task id, must take the task over (`taken_over()`), not skip it as already started."""
    lock = TableLock(dsn_of(connection.settings_dict), records_table())
    worker = start_worker(log, env)
    try:
        send()
        wait_for(claimed, 90, f"the worker to claim {what}", [log])
        children = pool_children(worker.pid)
        assert len(children) == 1, children
        os.kill(children[0], signal.SIGKILL)
        wait_for(taken_over, 90, f"the redelivered task to take {what} over", [log])
        lock.release()
        wait_for(ended, 120, f"{what} to end", [log])
    finally:
        try:
            lock.release()
        finally:
            stop(worker)


def job_status(job) -> str:
    return type(job).objects.values_list("status", flat=True).get(pk=job.pk)


def kill_the_worker_mid_job(broker, job, task: str, media: Path, log: Path) -> None:
    """`kill_the_worker_mid_task` for a report or an export (`job`, run by `task`): it must be
    left running by the kill, then requeued by `reports.requeue_stale` until it ends. `job` is
    read again afterwards."""
    what = f"the {type(job)._meta.model_name}"

    def killed():
        assert job_status(job) == "running"  # killed mid-run: nobody will finish it

    kill_the_worker_mid_task(
        broker,
        worker_env(MEDIA_ROOT=str(media), REPORT_STALE_SECONDS="3"),
        log,
        send=lambda: broker.send_task(task, args=[job.pk]),
        claimed=lambda: job_status(job) == "running",
        killed=killed,
        ended=lambda: job_status(job) in ("done", "failed"),
        requeue="reports.requeue_stale",
        what=what,
    )
    job.refresh_from_db()


def kill_the_pool_child_mid_job(broker, job, task: str, media: Path, log: Path) -> None:
    """`kill_the_pool_child_mid_task` for a report or an export: the redelivered task takes it
    over (one interruption counted). `job` is read again afterwards."""
    kill_the_pool_child_mid_task(
        worker_env(MEDIA_ROOT=str(media), REPORT_STALE_SECONDS="300"),
        log,
        send=lambda: broker.send_task(task, args=[job.pk]),
        claimed=lambda: job_status(job) == "running",
        taken_over=lambda: type(job).objects.filter(pk=job.pk, interruptions=1).exists(),
        ended=lambda: job_status(job) in ("done", "failed"),
        what=f"the {type(job)._meta.model_name}",
    )
    job.refresh_from_db()


@pytest.fixture
def report(world):
    return ReportFactory(campaign=world.campaign_a)


@pytest.fixture
def media(tmp_path):
    folder = tmp_path / "media"
    folder.mkdir()
    return folder


def test_worker_killed_mid_render_then_restarted(broker, report, media, tmp_path):
    kill_the_worker_mid_job(broker, report, RENDER, media, tmp_path / "worker.log")
    assert report.status == "done", report.error
    assert report.interruptions == 1 and report.attempts == 2
    assert (media / report.file.name).exists()


def test_pool_child_killed_mid_render(broker, report, media, tmp_path):
    kill_the_pool_child_mid_job(broker, report, RENDER, media, tmp_path / "worker.log")
    assert report.status == "done", report.error
    assert report.attempts == 2
    assert (media / report.file.name).exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayPostgres:
    """A PostgreSQL cluster of our own (initdb + pg_ctl as the postgres user, a free port, a
    temporary folder): this one may be restarted; the shared server on 5432 never is."""

    def __init__(self):
        if not (PG_BIN / "initdb").exists() or not shutil.which("runuser"):
            pytest.skip("needs PostgreSQL 15's initdb and runuser to start a throwaway cluster")
        if os.geteuid() != 0:
            pytest.skip("needs root to run initdb as the postgres user")
        self.folder = Path(tempfile.mkdtemp(prefix="qf-pg-"))
        shutil.chown(self.folder, "postgres", "postgres")
        self.data = self.folder / "data"
        self.port = free_port()
        self.pg("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()
        self.pg("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "qf")

    def pg(self, tool: str, *args: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(PG_BIN / tool), *args],
            check=True,
            capture_output=True,
            cwd=self.folder,
        )

    def ctl(self, action: str, *extra: str) -> None:
        self.pg(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "log"),
            "-w",
            action,
            "-o",
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1",
            *extra,
        )

    def start(self):
        self.ctl("start")

    def restart(self):
        self.ctl("restart", "-m", "fast")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/qf"

    @property
    def dsn(self) -> dict:
        return {"dbname": "qf", "user": "postgres", "host": "127.0.0.1", "port": self.port}

    def stop(self):
        try:
            self.pg("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


SEED = """
from tests.factories import CampaignFactory, DistrictFactory, TownshipFactory, UnitFactory, RecordFactory
from reports.models import Report
district = DistrictFactory()
township = TownshipFactory(parent=district)
unit = UnitFactory(parent=township)
campaign = CampaignFactory(township=township)
RecordFactory(campaign=campaign, unit=unit)
print(Report.objects.create(kind="work-report", campaign=campaign, title="演示").pk)
"""

RETRY = """
from reports.models import Report
from reports.services import retry_report
retry_report(Report.objects.get(pk={pk}), None)
"""


def manage(env: dict, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def test_postgres_restarted_mid_render(broker, media, tmp_path):
    pg = ThrowawayPostgres()
    try:
        env = worker_env(MEDIA_ROOT=str(media), REPORT_STALE_SECONDS="30")
        env["DATABASE_URL"] = pg.url
        manage(env, "migrate", "--noinput", "-v0")
        pk = int(manage(env, "shell", "-c", SEED).split()[-1])

        import psycopg2

        def status() -> str | None:
            try:
                with psycopg2.connect(**pg.dsn) as conn, conn.cursor() as cursor:
                    cursor.execute("SELECT status FROM reports_report WHERE id = %s", [pk])
                    return cursor.fetchone()[0]
            except psycopg2.OperationalError:
                return None

        log = tmp_path / "worker.log"
        lock = TableLock(pg.dsn, records_table())
        worker = start_worker(log, env)
        try:
            broker.send_task(RENDER, args=[pk])
            wait_for(lambda: status() == "running", 90, "the worker to claim", [log])
            pg.restart()  # ends every session, the lock's and the worker's
            wait_for(lambda: status() in ("done", "failed"), 120, "the report to end", [log])
            print(f"PostgreSQL restarted mid-render: the report ended {status()}")
            if status() == "failed":  # failed with its reason; the retry button works
                with psycopg2.connect(**pg.dsn) as conn, conn.cursor() as cursor:
                    cursor.execute("SELECT error FROM reports_report WHERE id = %s", [pk])
                    assert cursor.fetchone()[0]
                manage(env, "shell", "-c", RETRY.format(pk=pk))
                wait_for(lambda: status() == "done", 120, "the retried report", [log])
        finally:
            try:
                lock.release()
            finally:
                stop(worker)
    finally:
        pg.stop()
