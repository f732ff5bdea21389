"""The reminders' operating knobs, read from the environment (see README's configuration table).

Read at call time (not import time) so tests can override them with `settings`/monkeypatch.
"""

from __future__ import annotations

import datetime as dt
import os

from django.conf import settings


def _env(name: str, default: str) -> str:
    return str(getattr(settings, name, os.environ.get(name, default)))


def batch_size() -> int:
    """Rows claimed and delivered per transaction: bounds the sweep's memory."""
    return max(1, int(_env("REMINDER_BATCH_SIZE", "1000")))


def batch_pause() -> float:
    """Seconds to rest between batches (gentler on a busy database; 0 in production)."""
    return float(_env("REMINDER_BATCH_PAUSE", "0"))


def quiet_hours() -> tuple[dt.time, dt.time] | None:
    """Local hours in which nothing is delivered, "21:00-08:00" by default; "" disables."""
    value = _env("REMINDER_QUIET_HOURS", "21:00-08:00").strip()
    if not value:
        return None
    start, end = (dt.time.fromisoformat(part.strip()) for part in value.split("-", 1))
    return start, end


def rest_days() -> str:
    """What the sweep does on weekends and statutory holidays (the workdays calendar): "hold"
    (default) keeps every reminder but the overdue ones of urgent tasks until the next working
    day; "send" sends as on any day."""
    value = _env("REMINDER_REST_DAYS", "hold").strip().lower()
    return "send" if value == "send" else "hold"


def digest_time() -> dt.time:
    """Local time after which the day's digests go out."""
    return dt.time.fromisoformat(_env("REMINDER_DIGEST_TIME", "08:45"))


def health_max_age() -> int:
    """Seconds since the last completed sweep after which the health endpoint reports stale."""
    return int(_env("REMINDER_HEALTH_MAX_AGE", "1800"))


def email_max_attempts() -> int:
    return int(_env("REMINDER_EMAIL_MAX_ATTEMPTS", "6"))


def lock_ttl() -> int:
    """Expiry of the cache lock used when the database has no advisory locks (SQLite)."""
    return int(_env("REMINDER_LOCK_TTL", "600"))


def email_lease() -> dt.timedelta:
    """How long a worker may hold an email it is sending before another may take it over
    (a worker killed mid-send leaves the row SENDING until then)."""
    return dt.timedelta(seconds=int(_env("REMINDER_EMAIL_LEASE_SECONDS", "600")))


def outbox_flush_after() -> dt.timedelta:
    """Age after which a PENDING email whose hand-over to the worker was lost is handed over again."""
    return dt.timedelta(seconds=int(_env("REMINDER_OUTBOX_FLUSH_AFTER_SECONDS", "300")))
