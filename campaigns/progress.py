"""Task progress, derived from the approved activity records linked to each task.

The campaign work fills this module in; the ledger services call `records_changed` inside
their transaction whenever approved records appear, change or disappear, so that any stored
aggregate (if one is kept for speed) stays equal to what the rows say.
"""

from __future__ import annotations

from collections.abc import Iterable


def records_changed(record_ids: Iterable[int]) -> None:
    """Called by activities.services after a record's approved state changes."""
    return None
