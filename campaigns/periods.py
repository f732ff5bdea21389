"""Turning a task's recurrence into periods, each with its own window and due date.

A period is stored with a language-neutral code (`TaskPeriod.code`: "whole", "month:2026-05",
"quarter:2026-2", "year:2026", "spring:2026", "autumn:2026", "part:3") and named at display
in the reader's language by `period_label(code)`.

once: the whole task; monthly / quarterly / yearly: calendar windows cut to the task's dates;
per semester: spring March–July (due 15 July, or the task's due date if earlier) and autumn
September–January (due 15 January). A recurrence that yields no window inside the task's dates
falls back to one period for the whole task.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Window:
    code: str
    start_date: dt.date
    due_date: dt.date

    @property
    def label(self) -> str:
        return period_label(self.code)


def period_label(code: str) -> str:
    """The period's name in the active language; a code this module does not know (text
    stored before codes) is shown as it is."""
    kind, _sep, value = code.partition(":")
    try:
        if kind == "whole":
            return _("全程")
        if kind == "month":
            year, month = value.split("-")
            return _("%(year)d年%(month)d月") % {"year": int(year), "month": int(month)}
        if kind == "quarter":
            year, quarter = value.split("-")
            return _("%(year)d年第%(quarter)d季度") % {"year": int(year), "quarter": int(quarter)}
        if kind == "year":
            return _("%(year)d年度") % {"year": int(value)}
        if kind == "spring":
            return _("%(year)d年春季学期") % {"year": int(value)}
        if kind == "autumn":
            return _("%(year)d年秋季学期") % {"year": int(value)}
        if kind == "part":
            return _("第%(n)d期") % {"n": int(value)}
    except ValueError:
        pass
    return code


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _calendar_windows(recurrence: str, start: dt.date, due: dt.date):
    if recurrence == "monthly":
        year, month = start.year, start.month
        while dt.date(year, month, 1) <= due:
            yield f"month:{year}-{month:02d}", dt.date(year, month, 1), _month_end(year, month)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    elif recurrence == "quarterly":
        year, quarter = start.year, (start.month - 1) // 3 + 1
        while dt.date(year, quarter * 3 - 2, 1) <= due:
            code = f"quarter:{year}-{quarter}"
            yield code, dt.date(year, quarter * 3 - 2, 1), _month_end(year, quarter * 3)
            year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    elif recurrence == "yearly":
        for year in range(start.year, due.year + 1):
            yield f"year:{year}", dt.date(year, 1, 1), dt.date(year, 12, 31)
    elif recurrence == "semester":
        for year in range(start.year - 1, due.year + 1):
            yield f"spring:{year}", dt.date(year, 3, 1), dt.date(year, 7, 15)
            yield f"autumn:{year}", dt.date(year, 9, 1), dt.date(year + 1, 1, 15)


def period_windows(
    recurrence: str, start: dt.date, due: dt.date, *, roll_to_workday: bool = False
) -> list[Window]:
    """The task's periods; with `roll_to_workday` a due date on a weekend or holiday moves to
    the next working day (workdays calendar)."""
    windows = []
    for code, w_start, w_due in _calendar_windows(recurrence, start, due):
        if w_due < start or w_start > due:
            continue
        windows.append(Window(code, max(w_start, start), min(w_due, due)))
    if not windows:
        windows = [Window("whole", start, due)]
    if roll_to_workday:
        from workdays.days import is_workday, next_workday

        # a task whose due date was itself rolled (31 October → 2 November) gets no extra
        # period made only of the rest days it rolled over
        last = windows[-1]
        tail = [last.start_date + dt.timedelta(days=n) for n in range((due - last.start_date).days)]
        if len(windows) > 1 and not any(is_workday(day) for day in tail):
            windows.pop()
        windows = [Window(w.code, w.start_date, next_workday(w.due_date)) for w in windows]
    return windows
