"""The WeChat Work robot answers errors and rate limits for a while, then recovers: every
message is delivered exactly once (counted at the fake server), never faster than the
documented 20 a minute, and several workers together share one limiter."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connection

from notifications import ratelimit
from notifications.channel_models import OutboundMessage
from notifications.providers import Limit
from tests.concurrency import needs_postgresql
from tests.factories import TODAY
from tests.notifications.channels.conftest import wecom_robot_of
from tests.notifications.factories import period_due

MESSAGES = 45
BUSY = {"errcode": -1, "errmsg": "system busy"}
TOO_FAST = {"errcode": 45009, "errmsg": "api freq out of limit"}


def test_errors_and_rate_limits_then_recovery_deliver_each_message_exactly_once(
    world, wecom, sweep_at, no_digests, capsys
):
    for n in range(MESSAGES):
        period_due(
            world.campaign_a, world.unit_a1, TODAY + dt.timedelta(days=7), title=f"事项{n:02d}"
        )
    wecom_robot_of(world.township_a)
    # the outage: busy, gateway errors, garbage and rate-limit answers, then it recovers
    wecom.script(BUSY, BUSY, 502, TOO_FAST, BUSY, 503, {"unexpected": True}, TOO_FAST, BUSY, 502)
    wecom.script(*[BUSY] * 6, TOO_FAST, 502, BUSY, TOO_FAST)
    forced = len(wecom.forced)
    minutes = 0
    while OutboundMessage.objects.exclude(state="sent").exists() or minutes == 0:
        assert minutes < 120, "not delivered within two hours"
        sweep_at(TODAY, 9 + minutes // 60, minutes % 60)  # each sweep flushes the outbox
        sweep_at(TODAY, 9 + minutes // 60, minutes % 60)  # a second beat at once changes nothing
        minutes += 1
    rows = list(OutboundMessage.objects.all())
    assert len(rows) == MESSAGES and {r.state for r in rows} == {"sent"}
    delivered = Counter(m["content"].split("**")[1] for m in wecom.delivered)
    assert len(wecom.delivered) == MESSAGES
    assert set(delivered.values()) == {1}  # exactly once each
    assert sorted(delivered) == sorted(f"【提醒】事项{n:02d}（全年）" for n in range(MESSAGES))
    # never more than 20 requests to the robot in any minute
    stamps = sorted(r["at"] for r in wecom.requests)
    assert max(sum(1 for s in stamps if t <= s < t + 60) for t in stamps) <= 20
    errors = len(wecom.requests) - len(wecom.delivered)
    assert errors >= forced
    with capsys.disabled():
        print(
            f"\nfault test: messages {MESSAGES}, attempts {sum(r.attempts for r in rows)}, "
            f"requests {len(wecom.requests)}, errors seen {errors} (scripted {forced}), "
            f"deliveries at the fake server {len(wecom.delivered)}, "
            f"simulated minutes {minutes}"
        )


@needs_postgresql  # four threads writing the shared window at once: SQLite's test database locks
@pytest.mark.django_db(transaction=True)
def test_workers_together_respect_one_limit():
    limit = [Limit("wecom_robot:shared", 20, 60)]
    granted: list[bool] = []
    lock = threading.Lock()

    def worker():
        try:
            for _ in range(10):
                ok = ratelimit.acquire(limit, now=1_000_000.0) == 0
                with lock:
                    granted.append(ok)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(granted) == 40 and granted.count(True) == 20
    assert ratelimit.acquire(limit, now=1_000_030.0) == pytest.approx(30.0)
    assert ratelimit.acquire(limit, now=1_000_060.5) == 0  # the window has moved on


@pytest.mark.django_db
def test_a_provider_hold_stops_everyone_until_it_ends():
    limit = [Limit("dingtalk:x", 20, 60)]
    ratelimit.hold(limit, 600, now=5_000.0)
    assert ratelimit.acquire(limit, now=5_100.0) == pytest.approx(500.0)
    assert ratelimit.acquire(limit, now=5_600.0) == 0
