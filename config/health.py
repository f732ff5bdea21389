"""What the web process depends on, each checked quickly: the database, the Celery broker and
the cache. Used by `/healthz/` and `/notifications/health/`, which answer JSON and 503 naming
what is down (a monitoring probe reads `down`)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import JsonResponse

log = logging.getLogger(__name__)


def _database() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _broker() -> None:
    from config.celery import app

    timeout = getattr(settings, "REDIS_TIMEOUT_SECONDS", 2)
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)


def _cache() -> None:
    from django.core.cache import cache

    client = getattr(cache, "client", None)
    if client is not None and hasattr(client, "get_client"):
        # django_redis hides an unreachable server (a miss); ask the server itself
        client.get_client(write=True).ping()
        return
    cache.set("qf:health", "ok", 10)
    if cache.get("qf:health") != "ok":
        raise RuntimeError("cache did not keep a value")


CHECKS = {"database": _database, "broker": _broker, "cache": _cache}


def check() -> dict[str, str]:
    """{"database": "ok" | "down: reason", ...}."""
    results = {}
    for name, probe in CHECKS.items():
        try:
            probe()
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means "down", said in the answer
            log.warning("health: %s is down: %s", name, exc)
            results[name] = f"down: {type(exc).__name__}"
    return results


def down(results: dict[str, str]) -> list[str]:
    return [name for name, state in results.items() if state != "ok"]


def response(extra: dict | None = None, *, problem: str = "") -> JsonResponse:
    """The JSON answer: `status` is "ok", "down" when a service is down, or `problem` (the
    caller's own trouble, e.g. a stale sweep); 503 unless everything is fine."""
    results = check()
    missing = down(results)
    status = "down" if missing else (problem or "ok")
    body = {"status": status, "services": results, "down": missing, **(extra or {})}
    return JsonResponse(body, status=200 if status == "ok" else 503)
