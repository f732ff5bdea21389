"""Reading the offices' own Excel tables: columns found by their header, not by position.

An office keeps its tables its own way: a title line above the header, "主办单位" where the
template says "牵头单位", 协办 before 主办, an extra 备注 column. Every importer names its columns
with the headers it accepts (`Column`); `read_table` finds the header row, maps each column by
its header and refuses a sheet whose headers are missing or ambiguous, saying which and why.
Rows come back as plain strings (dates as ISO text) so that a parsed upload can be stashed as
JSON and committed later (`StagedImport`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import load_workbook

HEADER_SCAN_ROWS = 6
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_NOISE = re.compile(r"[\s*＊:：]")


class ImportFailed(Exception):
    """The upload was refused; `errors` lists every reason, in Chinese, each on its own."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the header the template writes
    synonyms: tuple[str, ...] = ()
    required: bool = False

    @property
    def names(self) -> set[str]:
        return {normalise_header(n) for n in (self.label, *self.synonyms)}


@dataclass
class Table:
    header_row: int
    mapping: dict[str, int]  # column key -> index in the row
    rows: list[dict] = field(default_factory=list)  # {"row": n, "values": {...}, "cells": [...]}


def normalise_header(text) -> str:
    """ "协办单位（多个用“、”分隔）" and " 协办单位 *" both read as "协办单位"."""
    text = _BRACKETS.sub("", str(text or ""))
    return _NOISE.sub("", text)


def cell(value) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def open_workbook(upload):
    try:
        return load_workbook(upload, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a non-workbook
        raise ImportFailed(
            [_("无法读取该文件，请上传 .xlsx 格式的Excel表（可先下载模板）。")]
        ) from err


def _match(header_cells: list[str], columns: list[Column]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for index, text in enumerate(header_cells):
        name = normalise_header(text)
        if not name:
            continue
        for column in columns:
            if name in column.names:
                found.setdefault(column.key, []).append(index)
                break
    return found


def read_table(sheet, columns: list[Column], sheet_label: str = "") -> Table:
    """Find the header among the first rows, map the columns, read every non-empty row below.

    Raises ImportFailed when no row looks like a header, a required column is missing, or two
    columns mean the same thing (e.g. both 主办单位 and 牵头单位)."""
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    where = f"“{sheet_label}”表" if sheet_label else ""
    best_row, best = None, {}
    for number, row in enumerate(rows[:HEADER_SCAN_ROWS], start=1):
        found = _match([cell(v) for v in row], columns)
        if len(found) > len(best):
            best_row, best = number, found
    required = [c for c in columns if c.required]
    if best_row is None or len(best) < min(2, len(required) or 2):
        wanted = "、".join(f"“{c.label}”" for c in required) or "、".join(
            f"“{c.label}”" for c in columns[:3]
        )
        raise ImportFailed(
            [
                _("%(where)s找不到表头：前%(n)d行中没有一行含有%(wanted)s等列名。")
                % {"where": where, "n": HEADER_SCAN_ROWS, "wanted": wanted}
            ]
        )
    errors = []
    header = [cell(v) for v in rows[best_row - 1]]
    for column in columns:
        indexes = best.get(column.key, [])
        if len(indexes) > 1:
            names = "”和“".join(header[i] for i in indexes)
            errors.append(
                _(
                    "%(where)s第%(row)d行表头中“%(names)s”都表示“%(label)s”，无法确定用哪一列，请只保留一列。"
                )
                % {"where": where, "row": best_row, "names": names, "label": column.label}
            )
        elif column.required and not indexes:
            accepted = "、".join(f"“{n}”" for n in (column.label, *column.synonyms))
            errors.append(
                _("%(where)s缺少“%(label)s”列（表头可写作%(accepted)s）。")
                % {"where": where, "label": column.label, "accepted": accepted}
            )
    if errors:
        raise ImportFailed(errors)
    mapping = {key: indexes[0] for key, indexes in best.items()}
    table = Table(header_row=best_row, mapping=mapping)
    for number, row in enumerate(rows[best_row:], start=best_row + 1):
        cells = [cell(v) for v in row]
        if not any(cells):
            continue
        values = {
            key: (cells[index] if index < len(cells) else "") for key, index in mapping.items()
        }
        table.rows.append({"row": number, "values": values, "cells": [c for c in cells if c]})
    return table


def split_names(value: str) -> list[str]:
    """ "甲村、乙村，丙村" -> ["甲村", "乙村", "丙村"]."""
    text = str(value or "")
    for sep in (",", "，", ";", "；", "\n"):
        text = text.replace(sep, "、")
    return [part.strip() for part in text.split("、") if part.strip()]


# --- the stash between preview and commit ------------------------------------------------

STAGED_MAX_AGE = dt.timedelta(hours=24)


def stash(kind: str, township_id: int, user, payload: dict, *, target_id=None, filename=""):
    """Keep a parsed upload for its preview; old unconfirmed uploads of the user go."""
    from django.utils import timezone

    from organisations.models import StagedImport

    StagedImport.objects.filter(
        created_by=user, committed_at__isnull=True, created_at__lt=timezone.now() - STAGED_MAX_AGE
    ).delete()
    return StagedImport.objects.create(
        kind=kind,
        township_id=township_id,
        target_id=target_id,
        created_by=user,
        payload=payload,
        filename=filename[:200],
    )


def get_staged_for(user, token, *, kind: str, target_id=None, lock: bool = False):
    """The staged upload behind a preview link: 404 unless the user is office staff of its
    township (and it belongs to this target); `lock` takes its row lock for the commit."""
    from django.http import Http404

    from organisations.access import scope_for
    from organisations.models import StagedImport

    rows = StagedImport.objects.filter(token=token, kind=kind)
    if target_id is not None:
        rows = rows.filter(target_id=target_id)
    if lock:
        rows = rows.select_for_update()
    try:
        staged = rows.get()
    except (StagedImport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not scope_for(user).manages_township(staged.township_id):
        raise Http404
    return staged


def is_expired(staged) -> bool:
    from django.utils import timezone

    return staged.committed_at is None and staged.created_at < timezone.now() - STAGED_MAX_AGE
