"""Change history (who, when, what) for every domain model, shown to office staff.

Apps register each audited model with the getter that enforces access and a function that
names the township the row belongs to; the one history view does the rest.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Audited:
    model: type[models.Model]
    getter: Callable  # getter(user, pk) -> obj, raising 404 for outsiders
    township_of: Callable[[models.Model], int | None]


REGISTRY: dict[str, Audited] = {}


def register_history(model, getter, township_of) -> None:
    REGISTRY[model._meta.label_lower] = Audited(model, getter, township_of)


def changes(obj) -> list[dict]:
    """The object's history, newest first, each entry with the fields it changed, the values
    as a person reads them: choice labels, names of related rows, dates the Chinese way."""
    entries = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    raw = []
    for index, entry in enumerate(entries):
        previous = entries[index + 1] if index + 1 < len(entries) else None
        delta = entry.diff_against(previous).changes if previous is not None else []
        raw.append((entry, [(obj._meta.get_field(c.field), c.old, c.new) for c in delta]))
    names = _related_names(field_values for _entry, diffs in raw for field_values in diffs)
    return [
        {
            "entry": entry,
            "changes": [
                {
                    "field": str(getattr(field, "verbose_name", field.name)),
                    "old": _readable(field, old, names),
                    "new": _readable(field, new, names),
                }
                for field, old, new in diffs
            ],
        }
        for entry, diffs in raw
    ]


def _target_ids(field, value) -> list:
    if value in (None, ""):
        return []
    if field.many_to_many:
        target = field.related_model._meta.model_name
        # simple_history gives the through rows: [{"record": 1, "task": 3}, ...]
        return [row.get(target) for row in value if isinstance(row, dict)]
    return [value]


def _related_names(diffs) -> dict:
    """One query per related model for every id the diffs mention."""
    wanted: dict[type[models.Model], set] = {}
    for field, old, new in diffs:
        if field.is_relation and field.related_model is not None:
            ids = wanted.setdefault(field.related_model, set())
            ids.update(i for i in _target_ids(field, old) + _target_ids(field, new) if i)
    return {
        model: {o.pk: str(o) for o in model._default_manager.filter(pk__in=ids)}
        for model, ids in wanted.items()
        if ids
    }


def _readable(field, value, names) -> str:
    if value in (None, "", []):
        return "—"
    if field.is_relation and field.related_model is not None:
        known = names.get(field.related_model, {})
        return "、".join(known.get(i, f"#{i}") for i in _target_ids(field, value)) or "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    return str(value)
