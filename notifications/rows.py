"""Writing many rows fast: values already in database form, one statement per chunk.

The sweep writes tens of thousands of reminder, notification and email rows; `bulk_create`
spends most of its time preparing each field of each model instance. The rows written here are
plain tuples of ints, strings, dates and datetimes.

On PostgreSQL each column goes over as *one* array literal, built here with a join, and the rows
are `INSERT … SELECT * FROM unnest(…)`: the driver quotes a dozen strings instead of fifteen
thousand values, and the server parses a dozen array literals instead of a thousand-row VALUES
list (a 1,000-row reminder chunk took 120 ms as VALUES, 50 ms this way). Elsewhere (SQLite) it
is one multi-row INSERT … VALUES, adapted with the backend's own functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connection

_INTEGER = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}
_TEXT = {"CharField", "TextField", "EmailField", "URLField", "SlugField"}


def _adapter():
    """A function putting one value in database form (SQLite's VALUES path)."""
    ops = connection.ops  # looked up once: `connection` is a thread-local proxy

    def adapt(value):
        if isinstance(value, dt.datetime):
            return ops.adapt_datetimefield_value(value)
        if isinstance(value, dt.date):
            return ops.adapt_datefield_value(value)
        return value

    return adapt


def _quoted(value) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _kind(field) -> str:
    """How this field's values are written inside a PostgreSQL array literal ("" for a kind
    of field this module does not write that way)."""
    target = field.target_field if field.is_relation else field
    kind = target.get_internal_type()
    if kind in _INTEGER:
        return "int"
    if kind in _TEXT:
        return "text"
    return {"BooleanField": "bool", "DateField": "date", "DateTimeField": "datetime"}.get(kind, "")


def _array(values: tuple, kind: str) -> str:
    """One column as a PostgreSQL array literal. The common case (no NULL, no quote or
    backslash in the text) is one join; anything else is written element by element."""
    if None not in values:
        if kind == "int":
            return "{" + ",".join(map(str, values)) + "}"
        if kind == "text":
            try:
                joined = '","'.join(values)
            except TypeError:  # a lazy string among them
                joined = '"'
            if '"' not in joined and "\\" not in joined:
                return '{"' + joined + '"}'
    # dates, datetimes, flags and NULLs repeat: each distinct value is written once
    written = {v: _element(v, kind) for v in set(values)}
    return "{" + ",".join(map(written.__getitem__, values)) + "}"


def _element(value, kind: str) -> str:
    if value is None:
        return "NULL"
    if kind == "int":
        return str(int(value))
    if kind == "bool":
        return "t" if value else "f"
    if kind == "date":
        return value.isoformat()
    if kind == "datetime":
        return _quoted(value.isoformat())
    return _quoted(value)


def insert_rows(
    model,
    fields: Sequence[str],
    rows: Sequence[Sequence],
    *,
    ignore_conflicts: bool = False,
    returning: bool | Sequence[str] = False,
    chunk: int = 1000,
) -> list:
    """INSERT the rows (tuples in `fields` order); with `returning=True`, the new primary keys
    (rows skipped by a conflict return nothing); with a list of field names, a tuple of those
    columns per new row (to tell which rows were new)."""
    if not rows:
        return []
    quote = connection.ops.quote_name
    meta_fields = [model._meta.get_field(f) for f in fields]
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in meta_fields)
    suffix = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    if returning is True:
        suffix += f" RETURNING {quote(model._meta.pk.column)}"
    elif returning:
        back = ", ".join(quote(model._meta.get_field(f).column) for f in returning)
        suffix += f" RETURNING {back}"
    kinds = [_kind(f) for f in meta_fields] if connection.vendor == "postgresql" else []
    as_arrays = bool(kinds) and all(kinds)
    if as_arrays:
        casts = ", ".join(f"%s::{f.db_type(connection)}[]" for f in meta_fields)
        sql = f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({casts}){suffix}"  # noqa: S608 - identifiers from model meta
    else:
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        adapt = _adapter()
    ids: list = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            if as_arrays:
                params = [
                    _array(col, kind)
                    for col, kind in zip(zip(*part, strict=True), kinds, strict=True)
                ]
            else:
                params = [adapt(v) for row in part for v in row]
                sql = (
                    f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(part))}{suffix}"  # noqa: S608 - identifiers from model meta
                )
            cursor.execute(sql, params)
            if returning is True:
                ids.extend(r[0] for r in cursor.fetchall())
            elif returning:
                ids.extend(tuple(r) for r in cursor.fetchall())
    return ids
