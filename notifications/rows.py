"""Writing many rows fast: one multi-row INSERT with values already in database form.

The sweep writes tens of thousands of reminder, notification and email rows; `bulk_create`
spends most of its time preparing each field of each model instance. The rows written here are
plain tuples of ints, strings, dates and datetimes, adapted with the backend's own functions,
so the same code runs on PostgreSQL and SQLite.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connection


def _adapter():
    """A function putting one value in database form; None where the driver takes dates and
    datetimes as they are (psycopg2), which saves a call per value on tens of thousands of rows."""
    if connection.vendor == "postgresql":
        return None
    ops = connection.ops  # looked up once: `connection` is a thread-local proxy

    def adapt(value):
        if isinstance(value, dt.datetime):
            return ops.adapt_datetimefield_value(value)
        if isinstance(value, dt.date):
            return ops.adapt_datefield_value(value)
        return value

    return adapt


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
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    suffix = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    if returning is True:
        suffix += f" RETURNING {connection.ops.quote_name(model._meta.pk.column)}"
    elif returning:
        back = ", ".join(
            connection.ops.quote_name(model._meta.get_field(f).column) for f in returning
        )
        suffix += f" RETURNING {back}"
    ids: list = []
    adapt = _adapter()
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            params = (
                [v for row in part for v in row]
                if adapt is None
                else [adapt(v) for row in part for v in row]
            )
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(part))}{suffix}"  # noqa: S608 - identifiers from model meta
            cursor.execute(sql, params)
            if returning is True:
                ids.extend(r[0] for r in cursor.fetchall())
            elif returning:
                ids.extend(tuple(r) for r in cursor.fetchall())
    return ids
