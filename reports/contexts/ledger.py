"""The activity ledger (活动台账) as PDF: every approved record, by domain, with subtotals —
the same rows as the Excel export, from `activities.ledger`."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.db.models import Count

from activities.ledger import counted_records, township_ledger
from activities.types import ActivityType
from campaigns.models import Campaign
from reports.contexts.common import header_for, today_or

TYPE_LABELS = dict(ActivityType.choices)
# Above this many rows the ledger is laid out in parts by the chapter workers
# (`reports.chapters.render_parts`): one WeasyPrint pass over 10,000 rows takes over 1 GiB.
PART_ROWS = 400


def build(campaign: Campaign, parameters: dict, today: dt.date | None = None) -> dict:
    today = today_or(today)
    summary = township_ledger(campaign)
    rows = (
        counted_records(campaign)
        .select_related("unit", "domain")
        .annotate(evidence_count=Count("evidence"))
        .order_by("domain__order", "domain_id", "date", "unit__name", "id")
    )
    domains = []
    for _, group in groupby(rows, key=lambda r: r.domain_id):
        items = list(group)
        domains.append(
            {
                "domain": items[0].domain,
                "rows": [
                    {
                        "date": r.date,
                        "unit": r.unit.name,
                        "type": TYPE_LABELS.get(r.type, r.type),
                        "title": r.title,
                        "place": r.place,
                        "participants": r.participants,
                        "evidence": r.evidence_count,
                    }
                    for r in items
                ],
                "records": len(items),
                "participants": sum(r.participants for r in items),
            }
        )
    context = {
        "report_title": f"{campaign.name}活动台账",
        "header_text": header_for(campaign),
        "campaign": campaign,
        "township": campaign.township,
        "today": today,
        "summary": summary,
        "domains": domains,
        "warnings": [],
    }
    context["parts"] = parts(domains)
    return context


def parts(domains: list[dict], size: int | None = None) -> list[dict]:
    """The ledger cut into parts of at most `size` rows: the summary opens the first part,
    a domain's table continues across parts with its heading marked 续."""
    size = size or PART_ROWS
    result = [{"summary": True, "slices": [], "rows": 0}]
    for d in domains:
        for start in range(0, max(len(d["rows"]), 1), size):
            current = result[-1]
            if current["rows"] and current["rows"] + min(size, len(d["rows"]) - start) > size:
                current = {"summary": False, "slices": [], "rows": 0}
                result.append(current)
            chunk = d["rows"][start : start + size]
            current["slices"].append(
                {
                    "domain": d,
                    "rows": chunk,
                    "continued": start > 0,
                    "last": start + size >= len(d["rows"]),
                }
            )
            current["rows"] += len(chunk)
    return result


def render(context: dict, progress=None):
    from reports.chapters import render_parts
    from reports.engine import render_pdf

    rows = sum(len(d["rows"]) for d in context["domains"])
    if rows <= PART_ROWS:
        return render_pdf("reports/ledger.html", context)
    return render_parts(context, context["parts"], "reports/ledger_part.html", progress)
