"""A real Celery worker (prefork) writes an Excel export while it is killed: the export must
end done — requeued by the beat job, or taken over by its redelivered message — with every row
(issue 17 item 3). Held at a known point as the report tests do: the records table is locked,
so the worker claims the export and then waits for the rows."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from reports.models import Export
from tests.factories import RecordFactory
from tests.faults.test_worker_faults import (
    broker,  # noqa: F401 - fixture
    kill_the_pool_child_mid_job,
    kill_the_worker_mid_job,
    media,  # noqa: F401 - fixture
)

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


def rows_in(media_root, export: Export) -> int:
    wb = load_workbook(media_root / export.file.name, read_only=True)
    return sum(
        1
        for name in wb.sheetnames[1:]
        for row in list(wb[name].iter_rows(values_only=True))[1:]
        if any(row)
    )


def test_worker_killed_mid_export_is_requeued(broker, export, media, tmp_path):  # noqa: F811
    kill_the_worker_mid_job(broker, export, RUN, media, tmp_path / "worker.log")
    assert export.status == "done", export.error
    assert export.interruptions == 1 and export.attempts == 2
    assert export.rows_done == 7 and rows_in(media, export) == 7


def test_pool_child_killed_mid_export_is_taken_over(broker, export, media, tmp_path):  # noqa: F811
    kill_the_pool_child_mid_job(broker, export, RUN, media, tmp_path / "worker.log")
    assert export.status == "done", export.error
    assert export.rows_done == 7 and rows_in(media, export) == 7
