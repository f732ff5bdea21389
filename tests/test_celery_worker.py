"""A real Celery worker against Redis runs a task sent from this process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("REDIS_URL", "")


def redis_answers(url: str) -> bool:
    if not url:
        return False
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.mark.worker
@pytest.mark.skipif(
    not redis_answers(REDIS_URL), reason="no Redis reachable at REDIS_URL (CI always has one)"
)
def test_real_worker_runs_a_task():
    from config.celery import app, ping

    env = {**os.environ, "DEBUG": "true", "QF_TESTING": "0", "CELERY_TASK_ALWAYS_EAGER": "false"}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "-n",
            f"smoke-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        result = ping.apply_async()
        assert result.get(timeout=60) == "pong"
        assert result.successful()
    finally:
        app.conf.task_always_eager = eager
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        time.sleep(0.1)


def test_every_periodic_job_is_scheduled_with_expiry():
    from config.celery import app

    app.loader.import_default_modules()  # what beat and the worker do at start: import every tasks.py
    schedule = app.conf.beat_schedule
    assert {entry["task"] for entry in schedule.values()} >= {
        "notifications.sweep",
        "sites.mark_reviews_due",
    }
    for name, entry in schedule.items():
        assert entry["task"] in app.tasks, name
        assert entry["options"]["expires"] > 0, name
