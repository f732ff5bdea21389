"""Demo data: rebuild the record tallies (idempotent: the same records give the same rows)."""

from __future__ import annotations

from dashboard import tallies


def load(ctx) -> None:
    tallies.rebuild()
