"""The background-job machine shared by report PDFs (`Report`) and Excel exports (`Export`).

A job row carries `status` (queued → running → done | failed), `progress`, `error`,
`attempts`, `run_token` (the task id of the run that holds it), `heartbeat_at`,
`interruptions`, `created_at`, `started_at` and `finished_at`. The functions here take the
model class and work on any model with those fields:

- `claim(model, pk, token)` marks the row running for one run with a conditional UPDATE, so two
  workers never work on the same job; a running row whose run left no heartbeat for
  REPORT_STALE_SECONDS, or whose run was this very task (its message came back after the pool
  process died, acks late), is taken over; after REPORT_MAX_ATTEMPTS interrupted runs the job
  is failed with its reason (the page offers a retry);
- `Heartbeat(model, pk, token)` stamps `heartbeat_at` from a thread on its own connection, so
  the beat job can tell a long run from a dead one;
- `set_progress(model, pk, **fields)` writes progress (best effort);
- `write_outcome(model, pk, token, **fields)` writes the end of the run on a fresh connection,
  retried while the database restarts; only the run that holds the job writes;
- `stale_ids(model)` are the jobs the beat job hands to the worker again: running without a
  heartbeat, or queued for longer than REPORT_STALE_SECONDS (the message was lost, or the
  broker was down when the job was asked for).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import F, Q
from django.utils import timezone

logger = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=max(1, settings.REPORT_STALE_SECONDS))


def max_attempts() -> int:
    return max(1, settings.REPORT_MAX_ATTEMPTS)


def _stale_run(stale: dt.datetime) -> Q:
    return Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale)


def claim(model, pk: int, token: str = "", *, gave_up: str, related: tuple[str, ...] = ()):
    """The job row, marked running for this run (`token`); None when it is gone, finished,
    or another live run has it. `gave_up` is the reason written when the job has been
    interrupted REPORT_MAX_ATTEMPTS times."""
    now = timezone.now()
    takeover = _stale_run(now - stale_after())
    if token:
        takeover |= Q(run_token=token)
    base = model.objects.filter(pk=pk)
    interrupted = base.filter(Q(status=RUNNING) & takeover)
    limit = max_attempts()
    given_up = interrupted.filter(interruptions__gte=limit - 1).update(
        status=FAILED, error=gave_up, finished_at=now, progress=0, run_token=""
    )
    if given_up:
        logger.warning("%s %s failed after %s interrupted runs", model.__name__, pk, limit)
        return None
    fresh = {
        "status": RUNNING,
        "started_at": now,
        "heartbeat_at": now,
        "run_token": token or f"local-{now.timestamp()}",
        "attempts": F("attempts") + 1,
        "progress": 1,
    }
    claimed = interrupted.update(**fresh, interruptions=F("interruptions") + 1)
    if claimed:
        logger.warning("%s %s: taking over an interrupted run", model.__name__, pk)
    else:
        claimed = base.filter(status=QUEUED).update(**fresh)
    if not claimed:
        return None
    return model.objects.select_related(*related).get(pk=pk)


def set_progress(model, pk: int, **fields) -> None:
    """Best effort: a database hiccup while working does not stop the work."""
    try:
        model.objects.filter(pk=pk, status=RUNNING).update(heartbeat_at=timezone.now(), **fields)
    except DatabaseError as exc:
        logger.warning("%s %s: progress not written (%s)", model.__name__, pk, exc)
        drop_connection()


class Heartbeat:
    """A thread that stamps the running job every few seconds, on its own connection."""

    def __init__(self, model, pk: int, token: str):
        self.model = model
        self.pk = pk
        self.token = token
        self.interval = max(0.5, settings.REPORT_STALE_SECONDS / 6)
        self.stopped = threading.Event()
        self.thread = threading.Thread(
            target=self._run, daemon=True, name=f"{model.__name__.lower()}-{pk}"
        )

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join(timeout=10)

    def _run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                try:
                    self.model.objects.filter(
                        pk=self.pk, status=RUNNING, run_token=self.token
                    ).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    drop_connection()
        finally:
            connection.close()


def drop_connection() -> None:
    """Close this thread's database connection (it may be broken); the next query opens one.
    Inside a transaction (a test's) the connection is left to its owner."""
    if connection.in_atomic_block:
        return
    try:
        connection.close()
    except DatabaseError:
        pass


def write_outcome(model, pk: int, token: str, **fields) -> None:
    """Write the end of a run, retrying while the database comes back (a restart mid-run).
    Only the run that holds the job writes its outcome."""
    deadline = time.monotonic() + max(10, settings.REPORT_STALE_SECONDS / 2)
    delay = 0.5
    while True:
        try:
            model.objects.filter(pk=pk, status=RUNNING, run_token=token).update(
                finished_at=timezone.now(), run_token="", **fields
            )
            return
        except DatabaseError as exc:
            drop_connection()
            if time.monotonic() > deadline:
                # The beat job takes the job up again once the database answers.
                logger.error("%s %s: outcome not written (%s)", model.__name__, pk, exc)
                raise
            time.sleep(delay)
            delay = min(delay * 2, 5)


def stale_ids(model, now: dt.datetime | None = None) -> list[int]:
    """Jobs left behind: running without a heartbeat, or queued for too long."""
    stale = (now or timezone.now()) - stale_after()
    running = Q(status=RUNNING) & _stale_run(stale)
    waiting = Q(status=QUEUED, created_at__lt=stale)
    return list(model.objects.filter(running | waiting).order_by("pk").values_list("pk", flat=True))


def reset_for_retry(model, pk: int, **extra) -> int:
    """Put a failed job back in the queue (1 when it was failed, else 0)."""
    return model.objects.filter(pk=pk, status=FAILED).update(
        status=QUEUED,
        progress=0,
        error="",
        interruptions=0,
        run_token="",
        heartbeat_at=None,
        created_at=timezone.now(),
        **extra,
    )
