"""Helpers for tests that race real threads against PostgreSQL (each thread its own connection).

Row locks only mean something on PostgreSQL (SQLite serialises every write), so these tests
skip elsewhere with the reason; CI runs them on PostgreSQL.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks and concurrent transactions need PostgreSQL (DATABASE_URL); CI has it",
)


def in_threads(*functions, timeout: float = 120) -> list:
    """Run each function in its own thread (and database connection); return their results
    in order, re-raising the first exception a thread raised."""
    results: list = [None] * len(functions)
    errors: list[BaseException] = []

    def run(index, fn):
        try:
            results[index] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(i, fn), daemon=True) for i, fn in enumerate(functions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a thread did not finish (deadlock?)"
    if errors:
        raise errors[0]
    return results
