"""Rows read with plain SQL, turned into what the ORM would have given.

Hot paths (the dashboard's figures, the reminder sweep, the tallies) read with plain SQL where
building the ORM query costs more than running it. The values then come back as the driver
gives them: on SQLite a date may be a string and a decimal a float. These put them back.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
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


def as_decimal(value, field) -> Decimal | None:
    """A decimal column with the field's decimal places (SQLite gives 60 for 60.0)."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places))


def loaded(model, names, values, db=None):
    """A model instance from some of its columns (`names`: attnames, in any order), as the ORM
    loads one with only(): the other fields are read from the database on access.
    `Model.from_db` takes the values in the model's field order; this puts them in it."""
    given = dict(zip(names, values, strict=True))
    ordered = [f.attname for f in model._meta.concrete_fields if f.attname in given]
    return model.from_db(db or connection.alias, ordered, [given[n] for n in ordered])


class Columns:
    """All of a model's columns for a plain SELECT (`sql`: "alias.col, …", in field order),
    and `load(values)`: the instance the ORM would have made of them, with the same
    converters (on SQLite: dates, times and flags from text and integers)."""

    def __init__(self, model, alias: str):
        fields = model._meta.concrete_fields
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


def columns(model, alias: str) -> Columns:
    """`Columns(model, alias)`, made once per model and alias (and database kind)."""
    return _columns(model, alias, connection.vendor)


@lru_cache(maxsize=64)
def _columns(model, alias: str, vendor: str) -> Columns:
    return Columns(model, alias)
