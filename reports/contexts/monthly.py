"""The township's monthly report (廉政信息月报) of one month: what the units did (approved
records), which units submitted their own monthly report on time, late or not at all
(`monthly.completeness`: a unit reports by submitting, not by having records; months the
campaign covers only in part are never due), and the units × months grid of records from
`activities.ledger.monthly_report`.

A long month (above PART_ROWS activities, e.g. a district-scale township) is laid out in parts by
the chapter workers and merged (`reports.chapters.render_parts`), like the dossier: the overview
with the first days' activities, then the activities of PART_DAYS days a part, the grid last.
Parts hold whole days of the month, so a record approved late changes one part and the others
come from the chapter cache."""

from __future__ import annotations

import calendar
import datetime as dt
from itertools import groupby

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from activities.ledger import counted_records, monthly_report
from activities.types import ActivityType
from campaigns.models import Campaign
from monthly import completeness, due
from monthly.models import LATE, MISSING, ON_TIME
from reports.contexts.common import header_for, today_or

TYPE_LABELS = dict(ActivityType.choices)
PART_ROWS = 300
PART_DAYS = 3
# a span of days with more activities than this is cut (its later slices marked 续)
PART_MAX_ROWS = 400


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    first = dt.date.fromisoformat(f"{month}-01")
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def build(campaign: Campaign, parameters: dict, today: dt.date | None = None) -> dict:
    today = today_or(today)
    first, last = month_bounds(parameters["month"])
    records = counted_records(campaign).filter(date__gte=first, date__lte=last)
    activities = list(records.select_related("unit", "domain").order_by("date", "unit__name", "id"))
    by_domain = list(
        records.order_by("domain__order")
        .values("domain__name", "domain__order")
        .annotate(n=Count("id"), people=Coalesce(Sum("participants"), 0))
    )
    grid = monthly_report(campaign, until=min(last, campaign.end_date))
    covered = first in due.covered_months(campaign)
    deadline = due.deadline(first, campaign.monthly_report_day)
    slots = completeness.slots(campaign, today, months=[first]) if covered else []
    units_total = len(grid.rows)
    reporting = sum(1 for s in slots if s.state in (ON_TIME, LATE))
    silent = [s.unit for s in slots if s.state == MISSING]
    context = {
        "report_title": f"{campaign.township.name}{first.year}年{first.month}月廉政信息月报",
        "header_text": header_for(campaign),
        "campaign": campaign,
        "township": campaign.township,
        "today": today,
        "month": first,
        "month_end": last,
        "activities": [
            {
                "date": r.date,
                "unit": r.unit.name,
                "domain": r.domain.name,
                "type": TYPE_LABELS.get(r.type, r.type),
                "title": r.title,
                "participants": r.participants,
            }
            for r in activities
        ],
        "by_domain": by_domain,
        "records": len(activities),
        "participants": sum(r.participants for r in activities),
        "units_total": units_total,
        "units_reporting": reporting,
        "completeness": round(100 * reporting / units_total) if units_total else 0,
        "silent_units": silent,  # due and not submitted
        "late_units": [s.unit for s in slots if s.state == LATE],
        "quiet_units": [s.unit for s in slots if s.quiet],  # submitted: no activity
        "month_covered": covered,
        "report_due": deadline,
        "month_due": covered and deadline < today,
        "grid": grid,
        "warnings": [],
    }
    context["parts"] = parts(context["activities"])
    return context


def parts(activities: list[dict]) -> list[dict]:
    """The report cut into parts: overview and the first span of days, then one part for each
    further span of PART_DAYS days that has activities, then the units × months grid."""
    spans: list[list[dict]] = []
    for _span, rows in groupby(activities, key=lambda a: (a["date"].day - 1) // PART_DAYS):
        rows = list(rows)
        spans += [rows[i : i + PART_MAX_ROWS] for i in range(0, len(rows), PART_MAX_ROWS)]
    result = []
    for number, rows in enumerate(spans or [[]]):
        part = {"head": number == 0, "rows": rows, "grid": False}
        if rows:
            part["span"] = {
                "first": rows[0]["date"],
                "last": rows[-1]["date"],
                "continued": number > 0 and spans[number - 1][-1]["date"] == rows[0]["date"],
            }
        result.append(part)
    result[0]["outline"] = [
        (_("一、本月概况"), "m-overview"),
        (_("二、月报报送情况"), "m-reports"),
        (_("三、活动明细"), "m-activities"),
    ]
    result.append(
        {
            "head": False,
            "rows": [],
            "grid": True,
            "outline": [(_("四、各单位逐月活动记录"), "m-grid")],
        }
    )
    return result


def render(context: dict, progress=None):
    from reports.chapters import render_parts
    from reports.engine import render_pdf

    if len(context["activities"]) <= PART_ROWS:
        return render_pdf("reports/monthly.html", context)
    with translation.override("zh-hans"):
        return render_parts(context, context["parts"], "reports/monthly_part.html", progress)
