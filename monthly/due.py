"""When a unit's monthly integrity-information report (廉政信息月报) is due.

A month's report is due on the campaign's `monthly_report_day` of the next month (clamped to
that month's length). Only months the campaign covers *entirely* are due: a campaign that starts
on 20 March owes no March report, one that ends on 20 December owes no December report.
A report is missing once its due day has passed without a submission; it is late when first
submitted after its due day.
"""

from __future__ import annotations

import calendar
import datetime as dt


def month_start(value: dt.date) -> dt.date:
    return value.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def deadline(month: dt.date, report_day: int) -> dt.date:
    """The day the report on `month` is due: `report_day` of the next month."""
    following = next_month(month)
    last = calendar.monthrange(following.year, following.month)[1]
    return following.replace(day=min(max(report_day, 1), last))


def covered_months(campaign) -> list[dt.date]:
    """The first days of the months the campaign covers entirely."""
    months, cursor = [], month_start(campaign.start_date)
    while cursor <= campaign.end_date:
        if campaign.start_date <= cursor and month_end(cursor) <= campaign.end_date:
            months.append(cursor)
        cursor = next_month(cursor)
    return months


def due_months(campaign, as_of: dt.date) -> list[dt.date]:
    """The covered months whose report day is before `as_of` (a report not in is missing)."""
    day = campaign.monthly_report_day
    return [m for m in covered_months(campaign) if deadline(m, day) < as_of]


def month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"
