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
    return {
        "report_title": f"{campaign.name}活动台账",
        "header_text": header_for(campaign),
        "campaign": campaign,
        "township": campaign.township,
        "today": today,
        "summary": summary,
        "domains": domains,
        "warnings": [],
    }
