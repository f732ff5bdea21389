"""Is this a working day? — the one API every deadline, reminder and digest asks.

    is_workday(day)          Monday–Friday, except statutory holidays, plus make-up working days
    add_workdays(day, n)     the n-th working day after `day` (n < 0: before; 0: `day` itself)
    next_workday(day)        `day` if it is a working day, else the first one after it
    unknown_years(a, b)      years between two dates whose schedule nobody has entered
    assumption_note(a, b)    "2027年节假日安排未录入，按周末推算" (or "") to show beside a date

A year nobody entered is treated as weekends-only — and every place that shows a date computed
over it shows `assumption_note`. The calendar is small (about 35 rows a year), so each process
keeps all of it in memory; saving a day or a year bumps a version in the shared cache, and every
process reloads within `RECHECK_SECONDS` (at once in the process that saved).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.translation import gettext as _

VERSION_KEY = "workdays:version"
RECHECK_SECONDS = 30
MAX_STEPS = 3660  # add_workdays never walks more than ten years


@dataclass
class Snapshot:
    holidays: dict[dt.date, str] = field(default_factory=dict)
    workdays: dict[dt.date, str] = field(default_factory=dict)
    known_years: frozenset[int] = frozenset()
    version: str | None = None
    loaded_at: float = 0.0

    def is_workday(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_workdays(self, day: dt.date, n: int) -> dt.date:
        step = dt.timedelta(days=1 if n >= 0 else -1)
        left = abs(n)
        walked = 0
        while left:
            day += step
            walked += 1
            if walked > MAX_STEPS:
                raise ValueError("add_workdays walked past ten years")
            if self.is_workday(day):
                left -= 1
        return day

    def next_workday(self, day: dt.date) -> dt.date:
        return day if self.is_workday(day) else self.add_workdays(day, 1)

    def day_name(self, day: dt.date) -> str:
        """The holiday or make-up day's name ("国庆节"), or ""."""
        return self.holidays.get(day) or self.workdays.get(day) or ""


_lock = threading.Lock()
_current: Snapshot | None = None


def _load() -> Snapshot:
    from workdays.models import COUNTRY, CalendarDay, CalendarYear

    version = cache.get(VERSION_KEY)
    snap = Snapshot(version=version, loaded_at=time.monotonic())
    for day, kind, name in CalendarDay.objects.filter(country=COUNTRY).values_list(
        "date", "kind", "name"
    ):
        target = snap.holidays if kind == CalendarDay.Kind.HOLIDAY else snap.workdays
        target[day] = name
    snap.known_years = frozenset(
        CalendarYear.objects.filter(country=COUNTRY).values_list("year", flat=True)
    )
    return snap


def snapshot() -> Snapshot:
    """The calendar as this process knows it (reloaded when another process changed it)."""
    global _current
    snap = _current
    now = time.monotonic()
    if snap is not None and now - snap.loaded_at < RECHECK_SECONDS:
        return snap
    with _lock:
        snap = _current
        if snap is not None and now - snap.loaded_at < RECHECK_SECONDS:
            return snap
        if snap is not None and cache.get(VERSION_KEY) == snap.version:
            snap.loaded_at = now
            return snap
        _current = _load()
        return _current


def forget() -> None:
    """Drop this process's copy (the next question reloads it)."""
    global _current
    with _lock:
        _current = None


def changed() -> None:
    """Tell every process the calendar changed (called after a save commits)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    forget()


def is_workday(day: dt.date) -> bool:
    return snapshot().is_workday(day)


def add_workdays(day: dt.date, n: int) -> dt.date:
    return snapshot().add_workdays(day, n)


def next_workday(day: dt.date) -> dt.date:
    return snapshot().next_workday(day)


def is_known_year(year: int) -> bool:
    return year in snapshot().known_years


def unknown_years(*days: dt.date | None) -> list[int]:
    """Years from the earliest to the latest of these dates whose schedule is not entered."""
    present = [d for d in days if d is not None]
    if not present:
        return []
    known = snapshot().known_years
    return [y for y in range(min(present).year, max(present).year + 1) if y not in known]


def assumption_note(*days: dt.date | None) -> str:
    """What to show beside a date computed over years nobody entered; "" when all are known."""
    years = unknown_years(*days)
    if not years:
        return ""
    return _("%(years)s年节假日安排未录入，按周末推算") % {
        "years": "、".join(str(y) for y in years)
    }
