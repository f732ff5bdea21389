"""Changing the calendar: a year's schedule as the office confirmed it, with its history."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from workdays import days as workdays_api
from workdays.models import COUNTRY, CalendarDay, CalendarYear, Source


def rows_of_year(year: int) -> list[tuple[dt.date, str, str]]:
    """The stored days of a year's schedule: its own dates, plus a New Year holiday that starts
    in the December before (the notice of `year` lists it)."""
    qs = CalendarDay.objects.filter(
        country=COUNTRY, date__gte=dt.date(year - 1, 12, 20), date__lte=dt.date(year, 12, 31)
    )
    rows = []
    for day, kind, name in qs.values_list("date", "kind", "name"):
        if day.year == year or name == "元旦":
            rows.append((day, kind, name))
    return rows


@transaction.atomic
def save_year(
    year: int,
    rows: list[tuple[dt.date, str, str]],
    *,
    by=None,
    notice: str = "",
    reason: str = "",
) -> CalendarYear:
    """Make the stored schedule of `year` exactly `rows` (dates, kind, name): days no longer
    listed are deleted, changed ones updated, new ones added — each change a history row with
    who and why — and mark the year known. Other processes see it within half a minute."""
    wanted = {day: (kind, name) for day, kind, name in rows}
    current = {
        d.date: d
        for d in CalendarDay.objects.select_for_update().filter(
            country=COUNTRY, date__in=[r[0] for r in rows_of_year(year)] + list(wanted)
        )
    }
    for day, item in current.items():
        if day not in wanted:
            item._history_user = by
            item._change_reason = reason
            item.delete()
    for day, (kind, name) in sorted(wanted.items()):
        item = current.get(day) or CalendarDay(country=COUNTRY, date=day)
        if item.pk and (item.kind, item.name) == (kind, name):
            continue
        item.kind, item.name, item.source = kind, name, Source.OFFICE
        item._history_user = by
        item._change_reason = reason
        item.save()
    entry = CalendarYear.objects.filter(country=COUNTRY, year=year).first() or CalendarYear(
        country=COUNTRY, year=year
    )
    entry.source = Source.OFFICE
    entry.notice = notice
    entry.updated_by = by
    entry._history_user = by
    entry._change_reason = reason
    entry.save()
    transaction.on_commit(workdays_api.changed)
    return entry


def missing_next_year(today: dt.date) -> int | None:
    """The year the office should enter now: next year from November on, or this year if even
    that is missing; None when nothing is missing."""
    if not workdays_api.is_known_year(today.year):
        return today.year
    if today.month >= 11 and not workdays_api.is_known_year(today.year + 1):
        return today.year + 1
    return None
