"""The shared rate limiter for providers: a sliding window kept in the database.

Every worker asks `acquire(limit)` before calling a provider. The window's row is locked
(`SELECT … FOR UPDATE`), stamps older than the window are dropped, and a slot is taken only
if fewer than `limit.count` remain, so any number of workers together never exceed the
provider's documented rate. The database is used rather than the cache because a cache that
is down must not turn into a flood of messages.
"""

from __future__ import annotations

import time

from django.db import transaction

from notifications.models import RateWindow
from notifications.providers import Limit


def _row(key: str) -> RateWindow:
    RateWindow.objects.get_or_create(key=key)  # a concurrent create is caught and read back
    return RateWindow.objects.select_for_update().get(key=key)


def acquire(limits: list[Limit], now: float | None = None) -> float:
    """Take one slot under every limit and return 0, or take none and return the seconds to
    wait until one is free."""
    now = time.time() if now is None else now
    with transaction.atomic():
        rows = [(limit, _row(limit.key)) for limit in sorted(limits, key=lambda x: x.key)]
        wait = 0.0
        for limit, row in rows:
            row.stamps = sorted(s for s in row.stamps if s > now - limit.seconds)
            wait = max(wait, row.blocked_until - now)
            if len(row.stamps) >= limit.count:
                wait = max(wait, row.stamps[-limit.count] + limit.seconds - now)
        if wait > 0:
            return wait
        for _limit, row in rows:
            row.stamps.append(now)
            row.save(update_fields=["stamps"])
        return 0.0


def hold(limits: list[Limit], seconds: float, now: float | None = None) -> None:
    """The provider said "too fast": nobody sends under these limits for `seconds`."""
    now = time.time() if now is None else now
    with transaction.atomic():
        for limit in limits:
            row = _row(limit.key)
            row.blocked_until = max(row.blocked_until, now + seconds)
            row.save(update_fields=["blocked_until"])
