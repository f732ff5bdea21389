"""A real Celery worker (prefork) writes an Excel export while it is killed: the export must
end done — requeued by the beat job, or taken over by its redelivered message — with every row
(issue 17 item 3). Held at a known point as the report tests do: the records table is locked,
so the worker claims the export and then waits for the rows."""

from __future__ import annotations

import os
import signal
import time

import pytest
from django.db import connection
from openpyxl import load_workbook

from reports.models import Export
from tests.factories import RecordFactory
from tests.faults.test_worker_faults import (
    TableLock,
    broker,  # noqa: F401 - fixture
    dsn_of,
    media,  # noqa: F401 - fixture
    pool_children,
    records_table,
    start_worker,
)
from tests.notifications.test_worker import stop, wait_for, worker_env

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]

RUN = "reports.tasks.run_export_task"


@pytest.fixture
def export(world):
    for _ in range(7):
        RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, status="approved")
    return Export.objects.create(
        kind=Export.Kind.LEDGER,
        title="台账",
        parameters={"campaign": str(world.campaign_a.pk)},
        requested_by=world.office_a,
    )


def status_of(pk: int) -> str:
    return Export.objects.values_list("status", flat=True).get(pk=pk)


def rows_in(media_root, export: Export) -> int:
    wb = load_workbook(media_root / export.file.name, read_only=True)
    return sum(
        1
        for name in wb.sheetnames[1:]
        for row in list(wb[name].iter_rows(values_only=True))[1:]
        if any(row)
    )


def test_worker_killed_mid_export_is_requeued(broker, export, media, tmp_path):  # noqa: F811
    env = worker_env(MEDIA_ROOT=str(media), REPORT_STALE_SECONDS="3")
    log = tmp_path / "worker.log"
    lock = TableLock(dsn_of(connection.settings_dict), records_table())
    worker = start_worker(log, env)
    second = None
    try:
        broker.send_task(RUN, args=[export.pk])
        wait_for(lambda: status_of(export.pk) == "running", 90, "the worker to claim", [log])
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=20)
        lock.release()
        assert status_of(export.pk) == "running"
        second = start_worker(log, env)

        def finished():
            if status_of(export.pk) in ("done", "failed"):
                return True
            broker.send_task("reports.requeue_stale")  # what beat sends every minute
            time.sleep(1)
            return False

        wait_for(finished, 150, "the export to end", [log])
    finally:
        try:
            lock.release()
        finally:
            stop(worker)
        if second is not None:
            stop(second)
    export.refresh_from_db()
    assert export.status == "done", export.error
    assert export.interruptions == 1 and export.attempts == 2
    assert export.rows_done == 7 and rows_in(media, export) == 7


def test_pool_child_killed_mid_export_is_taken_over(broker, export, media, tmp_path):  # noqa: F811
    env = worker_env(MEDIA_ROOT=str(media), REPORT_STALE_SECONDS="300")
    log = tmp_path / "worker.log"
    lock = TableLock(dsn_of(connection.settings_dict), records_table())
    worker = start_worker(log, env)
    try:
        broker.send_task(RUN, args=[export.pk])
        wait_for(lambda: status_of(export.pk) == "running", 90, "the worker to claim", [log])
        children = pool_children(worker.pid)
        assert len(children) == 1, children
        os.kill(children[0], signal.SIGKILL)
        wait_for(
            lambda: Export.objects.filter(pk=export.pk, interruptions=1).exists(),
            90,
            "the redelivered task to take the export over",
            [log],
        )
        lock.release()
        wait_for(lambda: status_of(export.pk) in ("done", "failed"), 120, "the end", [log])
    finally:
        try:
            lock.release()
        finally:
            stop(worker)
    export.refresh_from_db()
    assert export.status == "done", export.error
    assert export.rows_done == 7 and rows_in(media, export) == 7
