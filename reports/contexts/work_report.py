"""The work report (工作情况汇报), in the shape of seed 004: quantified achievements per domain.

Every figure comes from the approved ledger (`activities.ledger.counted_records`): records and
participants per domain and activity type, units taking part, and task completion per domain
from `dashboard.metrics.campaign_tasks` (the figures every page shows).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from activities.ledger import counted_records
from activities.types import ActivityType
from campaigns.models import Campaign
from dashboard.metrics import campaign_tasks
from organisations.models import Domain
from reports.contexts.common import approx, header_for, today_or

TYPE_LABELS = dict(ActivityType.choices)
CHINESE_ORDINALS = "一二三四五六七八九十"


def ordinal(i: int) -> str:
    if i < 10:
        return CHINESE_ORDINALS[i]
    return f"十{CHINESE_ORDINALS[i - 10]}" if i < 19 else str(i + 1)


def build(campaign: Campaign, parameters: dict, today: dt.date | None = None) -> dict:
    today = today_or(today)
    records = counted_records(campaign).filter(date__lte=today)
    rows = (
        records.order_by()
        .values("domain_id", "type")
        .annotate(n=Count("id"), people=Coalesce(Sum("participants"), 0))
    )
    by_domain: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_domain[row["domain_id"]].append(
            {
                "type": row["type"],
                "label": TYPE_LABELS.get(row["type"], row["type"]),
                "records": row["n"],
                "participants": row["people"],
            }
        )
    units = dict(
        records.order_by().values_list("domain_id").annotate(n=Count("unit_id", distinct=True))
    )
    type_order = list(TYPE_LABELS)
    sections = []
    total_records = total_people = 0
    tasks = campaign_tasks(campaign, today)  # the same task figures as every page
    counts = tasks.domains
    listed = {dc.domain.pk for dc in counts}
    extra = Domain.objects.filter(pk__in=set(by_domain) - listed)
    entries = [(dc.domain, dc) for dc in counts] + [(d, None) for d in extra]
    for index, (domain, dc) in enumerate(entries):
        types = sorted(by_domain.get(domain.pk, []), key=lambda t: type_order.index(t["type"]))
        n = sum(t["records"] for t in types)
        people = sum(t["participants"] for t in types)
        total_records += n
        total_people += people
        phrases = [
            f"开展{t['label']}{approx(t['records'])}次，参加{approx(t['participants'])}人次"
            for t in types
        ]
        sections.append(
            {
                "number": ordinal(index),
                "domain": domain,
                "lead_unit": dc.campaign_domain.lead_unit if dc else None,
                "types": types,
                "records": n,
                "participants": people,
                "units": units.get(domain.pk, 0),
                "tasks_total": dc.total if dc else 0,
                "tasks_done": dc.done if dc else 0,
                "tasks_overdue": dc.overdue if dc else 0,
                "tasks_percent": dc.percent if dc else 0,
                "summary": "；".join(phrases),
            }
        )
    by_type_total: dict[str, dict] = {}
    for section in sections:
        for t in section["types"]:
            agg = by_type_total.setdefault(
                t["type"], {"label": t["label"], "records": 0, "participants": 0}
            )
            agg["records"] += t["records"]
            agg["participants"] += t["participants"]
    overall = [by_type_total[k] for k in type_order if k in by_type_total]
    return {
        "report_title": f"{campaign.name}工作情况汇报",
        "header_text": header_for(campaign),
        "campaign": campaign,
        "township": campaign.township,
        "today": today,
        "sections": sections,
        "tasks": tasks.tasks,
        "overall_types": overall,
        "overall_summary": "，".join(
            f"{t['label']}{approx(t['records'])}次、{approx(t['participants'])}人次"
            for t in overall
        ),
        "total_records": total_records,
        "total_participants": total_people,
        "total_units": records.values("unit_id").distinct().count(),
        "total_records_approx": approx(total_records),
        "total_participants_approx": approx(total_people),
        "warnings": [],
    }
