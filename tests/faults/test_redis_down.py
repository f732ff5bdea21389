"""Redis unreachable (cache and broker): pages answer as usual, the cache is a logged miss
(issue 11 item 6). Redis is "down" by pointing at a local port where nothing listens; the
shared Redis is never stopped."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from activities.models import ActivityRecord
from config.settings import redis_caches
from tests.activities.test_review import submitted
from tests.faults.conftest import broker_at

pytestmark = pytest.mark.django_db(transaction=True)  # after-commit work runs, as in production


@pytest.fixture
def redis_down(settings, dead_redis_url, caplog):
    settings.CACHES = redis_caches(dead_redis_url)
    caplog.set_level(logging.ERROR, logger="django_redis.cache")
    with broker_at(dead_redis_url):
        yield caplog


def test_approving_with_redis_down_answers_normally(world, login, redis_down, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    record = submitted(world.campaign_a, world.unit_a1, 30, title="待审核")
    response = login(world.office_a).post(reverse("activities:record_approve", args=[record.pk]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == ActivityRecord.Status.APPROVED
    assert "Exception ignored" in redis_down.text  # the miss is logged, not raised


def test_dashboard_with_redis_down_answers_normally(world, login, redis_down):
    response = login(world.office_a).get(reverse("dashboard:township"))
    assert response.status_code == 200
    assert world.township_a.name in response.content.decode()
    assert "Exception ignored" in redis_down.text
