"""Sessions end after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS after login."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = reverse("activities:record_list")
START = dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC)


def test_idle_session_is_signed_out(world, login):
    with time_machine.travel(START, tick=False) as clock:
        client = login(world.liaison_a1)
        assert client.get(URL).status_code == 200
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(URL).status_code == 200  # activity keeps it alive
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(URL).status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        response = client.get(URL)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        assert "_auth_user_id" not in client.session
        page = client.get(response.url)
        assert "您已 30 分钟未操作，请重新登录。" in page.text
    assert AuditEvent.objects.filter(kind="session_expired", actor=world.liaison_a1).exists()


def test_session_ends_after_its_absolute_lifetime_even_when_busy(world, login, settings):
    settings.SESSION_MAX_HOURS = 2
    with time_machine.travel(START, tick=False) as clock:
        client = login(world.liaison_a1)
        for _ in range(7):  # a request every 20 minutes for 2 h 20 min
            clock.shift(dt.timedelta(minutes=20))
            response = client.get(URL)
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session


def test_idle_limit_comes_from_settings(world, login, settings):
    settings.SESSION_IDLE_MINUTES = 5
    with time_machine.travel(START, tick=False) as clock:
        client = login(world.liaison_a1)
        clock.shift(dt.timedelta(minutes=6))
        assert client.get(URL).status_code == 302
