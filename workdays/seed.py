"""Seeding the calendar from the `chinesecalendar` package (PyPI `chinesecalendar`).

The package ships the State Council schedules it knew when it was released (2004–2026 in 1.11.0).
Seeding adds the years the database does not have yet; a year the office entered or corrected is
never overwritten unless asked (`--replace` on the command). Used by the data migration (with
historical models) and by `manage.py seed_workdays` (after upgrading the package).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

# the package names holidays in English; the portal shows the official Chinese names
NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def package_days() -> dict[int, list[tuple[dt.date, str, str]]]:
    """{year: [(date, "holiday"/"workday", Chinese name)]} as the package knows them."""
    from chinese_calendar import constants

    by_year: dict[int, list[tuple[dt.date, str, str]]] = defaultdict(list)
    for source, kind in ((constants.holidays, "holiday"), (constants.workdays, "workday")):
        for day, name in source.items():
            label = getattr(name, "value", name)
            by_year[day.year].append((day, kind, NAMES.get(label, label)))
    for rows in by_year.values():
        rows.sort()
    return dict(by_year)


def seed(year_model, day_model, *, replace: bool = False, years=None) -> list[int]:
    """Write the package's years into the database; returns the years written."""
    data = package_days()
    have = set(year_model.objects.filter(country="CN").values_list("year", flat=True))
    written = []
    for year in sorted(data):
        if years is not None and year not in years:
            continue
        if year in have and not replace:
            continue
        day_model.objects.filter(
            country="CN", date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31)
        ).delete()
        day_model.objects.bulk_create(
            day_model(country="CN", date=day, kind=kind, name=name, source="package")
            for day, kind, name in data[year]
        )
        year_model.objects.update_or_create(
            country="CN",
            year=year,
            defaults={"source": "package", "notice": "chinesecalendar"},
        )
        written.append(year)
    return written
