"""Real Celery workers (two of them) send a township robot's reminders through the fake
WeChat Work server: busy answers are retried, the shared limiter keeps both workers together
under 20 requests a minute, and each message arrives once. Run with `pytest -m worker`."""

from __future__ import annotations

import os
from collections import Counter

import pytest
from django.conf import settings

from notifications.channel_models import OutboundMessage
from tests.notifications.channels.conftest import wecom_robot_of
from tests.notifications.fake_providers import FakeWeCom
from tests.notifications.test_worker import (  # noqa: F401 - services_up is a fixture
    services_up,
    start_worker,
    stop,
    township_with_work,
    wait_for,
    worker_env,
)

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]

MESSAGES = 22


def test_two_workers_share_the_robot_limit_and_deliver_once(services_up, tmp_path):  # noqa: F811
    server = FakeWeCom().start()
    try:
        township_with_work(liaisons_per_unit=1, units=1, periods_per_unit=MESSAGES)
        from organisations.models import Organisation

        township = Organisation.objects.townships().latest("pk")
        wecom_robot_of(township)
        server.script({"errcode": -1, "errmsg": "system busy"}, {"errcode": -1, "errmsg": "busy"})
        env = worker_env(
            CHANNEL_WECOM_API_BASE=server.base,
            SECRET_KEY=settings.SECRET_KEY,
            SITE_URL="https://qf.example.cn",
        )
        logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
        workers = [start_worker(log, env) for log in logs]
        try:
            services_up.send_task("notifications.sweep")
            wait_for(
                lambda: OutboundMessage.objects.filter(state="sent").count() == MESSAGES,
                240,
                f"{MESSAGES} robot messages sent",
                logs,
            )
        finally:
            for worker in workers:
                stop(worker)
    finally:
        server.stop()
    titles = Counter(m["content"].split("**")[1] for m in server.delivered)
    assert len(server.delivered) == MESSAGES and set(titles.values()) == {1}
    stamps = sorted(r["at"] for r in server.requests)
    assert max(sum(1 for s in stamps if t <= s < t + 60) for t in stamps) <= 20
    assert len(server.requests) == MESSAGES + 2  # the two busy answers were retried once each
    assert os.environ.get("CHANNEL_WECOM_API_BASE") is None  # the test process was not touched
