"""Scale data: the records and tasks went in with COPY and bulk inserts (no signals), so the
stored figures are rebuilt once: the record tallies and the task tally."""

from __future__ import annotations

from campaigns import progress
from dashboard import tallies


def generate(ctx) -> None:
    rows = tallies.rebuild()
    tasks = progress.rebuild_task_tallies()
    ctx.write(f"    {rows} record tallies, {tasks} task tally rows")
