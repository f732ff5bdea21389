"""Rows read with plain SQL, turned into what the ORM would have given.

Hot paths (the dashboard's figures, the reminder sweep, the tallies) read with plain SQL where
building the ORM query costs more than running it. The values then come back as the driver
gives them: on SQLite a date may be a string and a decimal a float. `columns` loads model
instances with the ORM's own converters; `as_date` puts back a date that is not a model field
(a month truncation, an annotation).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.db import connection


def as_date(value):
    """A date column or a month truncation as a date: SQLite gives "2026-05-01" (or with a
    time), a truncation may give a datetime; None stays None."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        return value.date()
    return value


class Columns:
    """Some or all of a model's columns for a plain SELECT, and the instances made of them.

    `names` (attnames, in any order; None for every column) are the columns read; the others
    are deferred, read from the database on access, as with `only()`. `sql` lists them as
    "alias.column, …" in the model's field order, the order `load(values)` takes them in (the
    order `Model.from_db` needs). `load` applies the converters the ORM would (on SQLite:
    dates, times and flags from text and integers, decimals to the field's places)."""

    def __init__(self, model, alias: str, names=None):
        fields = [f for f in model._meta.concrete_fields if names is None or f.attname in names]
        if names is not None and len(fields) != len(set(names)):
            unknown = set(names) - {f.attname for f in fields}
            raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
        quote = connection.ops.quote_name
        self.model = model
        self.names = [f.attname for f in fields]
        self.sql = ", ".join(f"{alias}.{quote(f.column)}" for f in fields)
        self.converters = []
        for index, field in enumerate(fields):
            col = field.get_col(alias)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if found:
                self.converters.append((index, found, col))

    def __len__(self) -> int:
        return len(self.names)

    def load(self, values, db=None):
        values = list(values)
        for index, found, col in self.converters:
            for convert in found:
                values[index] = convert(values[index], col, connection)
        return self.model.from_db(db or connection.alias, self.names, values)


def columns(model, alias: str, names=None) -> Columns:
    """`Columns(model, alias, names)`, made once per model, alias, columns and database kind."""
    return _columns(model, alias, None if names is None else frozenset(names), connection.vendor)


@lru_cache(maxsize=64)
def _columns(model, alias: str, names: frozenset | None, vendor: str) -> Columns:
    return Columns(model, alias, names)
