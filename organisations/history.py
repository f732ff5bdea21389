"""Change history (who, when, what) for every domain model, shown to office staff.

Apps register each audited model with the getter that enforces access and a function that
names the township the row belongs to; the one history view does the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Audited:
    model: type[models.Model]
    getter: Callable  # getter(user, pk) -> obj, raising 404 for outsiders
    township_of: Callable[[models.Model], int | None]


REGISTRY: dict[str, Audited] = {}


def register_history(model, getter, township_of) -> None:
    REGISTRY[model._meta.label_lower] = Audited(model, getter, township_of)


def changes(obj) -> list[dict]:
    """The object's history, newest first, each entry with the fields it changed."""
    entries = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    rows = []
    for index, entry in enumerate(entries):
        previous = entries[index + 1] if index + 1 < len(entries) else None
        diffs = []
        if previous is not None:
            delta = entry.diff_against(previous)
            for change in delta.changes:
                field = obj._meta.get_field(change.field)
                diffs.append(
                    {
                        "field": str(getattr(field, "verbose_name", change.field)),
                        "old": change.old,
                        "new": change.new,
                    }
                )
        rows.append({"entry": entry, "changes": diffs})
    return rows
