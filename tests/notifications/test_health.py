from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from tests.factories import TODAY
from tests.notifications.conftest import at


def test_never_swept(db, client):
    response = client.get(reverse("notifications:health"))
    assert response.status_code == 503 and response.json()["status"] == "never"


def test_reports_the_last_completed_sweep_without_login(world, client, sweep_at):
    sweep_at(TODAY, 9, 0)
    with time_machine.travel(at(TODAY, 9, 10), tick=False):
        response = client.get(reverse("notifications:health"))
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["last_sweep"]["age_seconds"] == 600
    assert "liaison" not in response.content.decode()


def test_a_dead_beat_is_visible(world, client, sweep_at):
    sweep_at(TODAY, 9, 0)
    with time_machine.travel(at(TODAY, 9, 0) + dt.timedelta(hours=2), tick=False):
        response = client.get(reverse("notifications:health"))
    assert response.status_code == 503 and response.json()["status"] == "stale"


def test_get_only(db, client):
    assert client.post(reverse("notifications:health")).status_code == 405
