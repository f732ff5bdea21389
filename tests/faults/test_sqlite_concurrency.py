"""The embedded default (SQLite file) under concurrent writes (issue 11 item 11): the web
process files records while a worker process writes at the same moment; none of the filing
POSTs may answer 500. A write that still cannot get the lock (another process holds it past
the busy timeout) is answered with the Chinese 503 "请稍后重试" page carrying the form back.

Everything runs in processes of their own on one SQLite file (the pytest database is not a
file, and another process is the point): `migrate`, a seed, a writer imitating the Celery
worker (the reminder sweep plus read-then-write transactions), and the web side — Django's
test client in its own process, through the whole middleware stack."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SEED = """
import json
from organisations.models import Role
from tests.factories import CampaignFactory, DistrictFactory, TownshipFactory, UnitFactory, UserFactory, domain
district = DistrictFactory()
township = TownshipFactory(parent=district)
unit = UnitFactory(parent=township)
campaign = CampaignFactory(township=township)
liaison = UserFactory(username="liaison")
Role.objects.create(user=liaison, organisation=unit, kind=Role.Kind.LIAISON)
day = min(campaign.end_date, campaign.start_date + (campaign.end_date - campaign.start_date) // 2)
print(json.dumps({"unit": unit.pk, "domain": domain("villages").pk, "date": day.isoformat()}))
"""

WORKER = """
import os, time
from django.db import transaction
from django.utils import timezone
from notifications.models import SweepRun
from notifications.sweep import run_sweep
stop = os.environ["QF_STOP_FILE"]
done = failed = 0
while not os.path.exists(stop):
    try:
        run_sweep()
        with transaction.atomic():  # read, then write, then hold the lock a moment
            SweepRun.objects.count()
            SweepRun.objects.create(started_at=timezone.now(), finished_at=timezone.now())
            time.sleep(0.05)
        done += 1
    except Exception as exc:
        failed += 1
        print("worker write failed:", exc, flush=True)
print("WORKER", done, failed, flush=True)
"""

WEB = """
import json, os, time
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()  # keeps each response's context (the form's errors, if any)
from organisations.models import User
ids = json.loads(os.environ["QF_IDS"])
client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
client.force_login(User.objects.get(username="liaison"))
if os.environ.get("QF_READY_FILE"):  # logged in: let the test take the lock, then go on
    open(os.environ["QF_READY_FILE"], "w").close()
    while not os.path.exists(os.environ["QF_GO_FILE"]):
        time.sleep(0.05)
answers = []
for n in range(int(os.environ["QF_POSTS"])):
    response = client.post("/activities/new/", {
        "unit": ids["unit"], "domain": ids["domain"], "type": "lecture",
        "date": ids["date"], "title": f"并发填报{n}", "place": "村部",
        "organiser": "村委", "participants": 30, "description": "测试",  # saved as a draft
    })
    body = response.content.decode(errors="replace")
    if response.status_code == 200 and response.context:  # the form again: say why
        body = response.context["form"].errors.as_json()
    answers.append([response.status_code, body[:4000] if response.status_code != 302 else ""])
print("WEB " + json.dumps(answers, ensure_ascii=False))
"""


def manage(env: dict, script: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        **kw,
    )


@pytest.fixture(scope="module")
def sqlite_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sqlite-concurrency")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'qf.sqlite3'}",
        "VAR_DIR": str(folder / "var"),
        "MEDIA_ROOT": str(folder / "media"),
        "DEBUG": "true",
        "QF_TESTING": "0",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "REDIS_URL": "",
        "REMINDER_QUIET_HOURS": "",
    }
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    seeded = manage(env, SEED)
    assert seeded.returncode == 0, seeded.stderr[-2000:]
    env["QF_IDS"] = seeded.stdout.strip().splitlines()[-1]
    return folder, env


def web_answers(env: dict, posts: int) -> list:
    done = manage({**env, "QF_POSTS": str(posts)}, WEB)
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("WEB "))
    return json.loads(line[4:])


def test_web_and_worker_write_at_the_same_time(sqlite_file):
    folder, env = sqlite_file
    stop = folder / "stop"
    stop.unlink(missing_ok=True)
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", WORKER],
        cwd=ROOT,
        env={**env, "QF_STOP_FILE": str(stop)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        answers = web_answers(env, 15)
    finally:
        stop.touch()
        out, _ = worker.communicate(timeout=120)
    statuses = [status for status, _ in answers]
    failures = [body for status, body in answers if status != 302]
    assert statuses == [302] * 15, failures[:1]
    assert "WORKER" in out, out[-2000:]
    done, failed = map(int, out.split("WORKER")[-1].split()[:2])
    assert failed == 0, out[-2000:]
    assert done > 0
    with sqlite3.connect(folder / "qf.sqlite3") as conn:
        titles = conn.execute("SELECT count(*) FROM activities_activityrecord").fetchone()[0]
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert titles >= 15 and mode == "wal"


def test_a_write_that_cannot_get_the_lock_answers_503_and_keeps_the_form(sqlite_file):
    folder, env = sqlite_file
    ready, go = folder / "ready", folder / "go"
    ready.unlink(missing_ok=True)
    go.unlink(missing_ok=True)
    env = {**env, "SQLITE_BUSY_SECONDS": "1", "QF_POSTS": "1"}
    web = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", WEB],
        cwd=ROOT,
        env={**env, "QF_READY_FILE": str(ready), "QF_GO_FILE": str(go)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    holder = sqlite3.connect(folder / "qf.sqlite3", timeout=30, isolation_level=None)
    try:
        deadline = time.monotonic() + 300
        while not ready.exists() and web.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock throughout
        holder.execute("UPDATE notifications_sweeprun SET error = error")
        go.touch()
        out, err = web.communicate(timeout=300)
    finally:
        if holder.in_transaction:
            holder.execute("ROLLBACK")
        holder.close()
        if web.poll() is None:
            web.kill()
    line = next((x for x in out.splitlines() if x.startswith("WEB ")), None)
    assert line, err[-3000:]
    ((status, body),) = json.loads(line[4:])
    assert status == 503
    assert "请稍后重试" in body and "Traceback" not in body
    assert 'name="title" value="并发填报0"' in body  # the form comes back, ready to send again
    ((status, _),) = web_answers(env, 1)  # the lock is free again: the same POST goes through
    assert status == 302
