"""The reminder sweep at scale: 100,000 open deadlines, 20,000 reminders due today.

Needs `generate_scale_data` output (notifications/scale.py adds the township `bench-remind`).
Each measured sweep starts from a clean slate for that township (its reminders, notifications
and outbox rows are deleted first, untimed) and runs at 09:00 on the day the data was made for.
Peak memory is measured at two batch sizes: it follows the batch, not the 20,000 rows.

The data's day is whatever day it was generated (2026-11-28 is a Saturday): on a weekend or
holiday the sweep holds all but urgent overdue reminders for the next working day, so the
delivery figures run with `REMINDER_REST_DAYS=send` (the same work as on a working day) and one
figure measures the default on that day as it is.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
import tracemalloc

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.harness import Figure, Harness, percentile

TOWNSHIP_CODE = "bench-remind"


def _setup():
    from campaigns.models import Campaign
    from organisations.models import Organisation

    township = Organisation.objects.filter(code=TOWNSHIP_CODE).first()
    if township is None:
        return None
    campaign = Campaign.objects.get(township=township)
    day = campaign.start_date + dt.timedelta(days=300)  # scale.py's "today"
    now = dt.datetime.combine(day, dt.time(9, 0), tzinfo=timezone.get_current_timezone())
    return township, now


def _reset(township) -> None:
    """Forget every reminder (the bench database holds nothing else of this app's)."""
    from notifications.models import Notification, OutboundEmail, Reminder

    with connection.cursor() as cursor:
        for model in (OutboundEmail, Notification, Reminder):
            cursor.execute(f"TRUNCATE {model._meta.db_table} CASCADE")


def _sweep_figure(h: Harness, name: str, township, now, batch: int, runs: int) -> Figure:
    from notifications.models import Reminder
    from notifications.sweep import run_sweep

    samples, queries, sent = [], None, None
    for i in range(runs):
        _reset(township)
        if i == 0:
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                run = run_sweep(now=now, batch_size=batch)
                samples.append((time.perf_counter() - started) * 1000)
            queries = len(ctx.captured_queries)
        else:
            started = time.perf_counter()
            run = run_sweep(now=now, batch_size=batch)
            samples.append((time.perf_counter() - started) * 1000)
        sent = Reminder.objects.filter(township=township, status="sent").count()
    _reset(township)
    tracemalloc.start()
    run_sweep(now=now, batch_size=batch)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figure = Figure(
        name=name,
        p50_ms=round(statistics.median(samples), 1),
        p95_ms=round(percentile(samples, 95), 1),
        queries=queries,
        peak_mib=round(peak / 2**20, 2),
        note=f"sent {sent} in bench township; last run planned {run.planned}, sent {run.sent}",
    )
    h.record(figure)
    return figure


def run(h: Harness) -> None:
    from django.test import override_settings

    from workdays.days import is_workday

    found = _setup()
    if found is None:
        print("bench_notifications: no 'bench-remind' township — run generate_scale_data first")
        return
    township, now = found
    runs = max(1, min(h.runs, 3))
    if not is_workday(timezone.localdate(now)):
        _sweep_figure(
            h,
            "reminder sweep 100k open / 20k due on a rest day (held, batch 1000)",
            township,
            now,
            1000,
            1,
        )
    from notifications.sweep import run_sweep

    with override_settings(REMINDER_REST_DAYS="send"):
        _sweep_figure(
            h, "reminder sweep 100k open / 20k due (batch 1000)", township, now, 1000, runs
        )
        _sweep_figure(h, "reminder sweep 100k open / 20k due (batch 250)", township, now, 250, 1)
        _sweep_figure(h, "reminder sweep 100k open / 20k due (batch 4000)", township, now, 4000, 1)
        # a sweep with nothing left to do (the steady state between 08:30 runs)
        h.call("reminder sweep, nothing new (re-plan only)", lambda: run_sweep(now=now), runs=3)
    h.page("notifications list (liaison, ~100 rows)", "bench-remind-liaison-0", "/notifications/")
    h.page("notifications health", "bench-remind-office", "/notifications/health/")
