"""/healthz/ and /notifications/health/ answer JSON, 503 naming what is down (issue 11 item 7).
The cache and broker are "down" by pointing at a closed local port; the database by running
the view in a process whose DATABASE_URL points at a closed port."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from config.settings import redis_caches
from tests.faults.conftest import broker_at, closed_port

ROOT = Path(__file__).resolve().parents[2]
URLS = ["health", "notifications:health"]


@pytest.fixture
def swept(db):
    """A sweep that just finished, so the notifications health is otherwise fine."""
    from django.utils import timezone

    from notifications.models import SweepRun

    now = timezone.now()
    return SweepRun.objects.create(started_at=now, finished_at=now)


@pytest.mark.parametrize("name", URLS)
def test_all_up(client, swept, name):
    response = client.get(reverse(name))
    assert response.status_code == 200, response.content
    assert response.json()["down"] == []
    assert set(response.json()["services"]) == {"database", "broker", "cache"}


@pytest.mark.parametrize("name", URLS)
def test_cache_down(client, swept, name, settings, dead_redis_url):
    settings.CACHES = redis_caches(dead_redis_url)
    response = client.get(reverse(name))
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["down"] == ["cache"] and response.json()["status"] == "down"


@pytest.mark.parametrize("name", URLS)
def test_broker_down(client, swept, name, dead_redis_url):
    with broker_at(dead_redis_url):
        response = client.get(reverse(name))
    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]


PROBE = """
import json
from django.test import Client
out = {}
for path in ("/healthz/", "/notifications/health/"):
    r = Client(HTTP_HOST="127.0.0.1").get(path)
    out[path] = [r.status_code, r["Content-Type"], json.loads(r.content)]
print(json.dumps(out))
"""


def test_database_down(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port()}/qf",
        "DEBUG": "true",
        "QF_TESTING": "0",
        "VAR_DIR": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    answers = json.loads(out.strip().splitlines()[-1])
    for path, (status, content_type, body) in answers.items():
        assert status == 503, path
        assert content_type == "application/json", path
        assert "database" in body["down"], (path, body)
