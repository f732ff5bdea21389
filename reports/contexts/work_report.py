"""The work report (工作情况汇报), in the shape of seed 004.

Sections as that report has them: an opening line, 一、总体情况 (the campaign in figures),
二、主要做法和成效 (each domain: who leads, what was done, counted in each type's own measure —
"组织观看电教片12场、刷写标语30条、签订承诺书3600余份" — and its highlight activities by name),
三、示范点建设 (sites and visitors), 四、宣传报道 (publicity: the publicity ledger's items per channel), 五、存在问题, 六、下一步打算, then
the issuing office and the date.

Figures come from the approved ledger (`activities.ledger.counted_records`) and are quoted with
`approx` in every sentence (exact below 100, floored with "余" above), so one sentence never
mixes a rounded figure with an exact one; the appended table gives the exact figures.
存在问题 and 下一步打算 are the office's own words when given on the request form
(parameters "problems" / "next_steps"), else drafted from the data. Task completion per domain
comes from `dashboard.metrics.campaign_tasks`, the figures every page shows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, F, Sum, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils.translation import gettext as _

from activities import measures
from activities.ledger import counted_records
from activities.types import ActivityType
from campaigns.models import Campaign, Phase
from dashboard.metrics import campaign_tasks
from organisations.models import Domain, Organisation
from reports import gbt9704
from reports.contexts.common import approx, header_for, today_or

TYPE_LABELS = dict(ActivityType.choices)
CHINESE_ORDINALS = "一二三四五六七八九十"
HIGHLIGHTS_PER_DOMAIN = 2


def ordinal(i: int) -> str:
    if i < 10:
        return CHINESE_ORDINALS[i]
    return f"十{CHINESE_ORDINALS[i - 10]}" if i < 19 else str(i + 1)


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def quantities(types: list[dict]) -> str:
    """ "组织观看电教片12场、刷写标语30条、签订承诺书3600余份" (the types in the ledger's order)."""
    return "、".join(t["measure"].phrase(approx(t["quantity"])) for t in types if t["quantity"])


def _highlights(records, table) -> dict[int, list[dict]]:
    """Per domain: the records the office marked as highlights, else the largest by participants."""
    fields = ("domain_id", "date", "title", "participants", "quantity", "type", "unit__name")
    picked: dict[int, list[dict]] = defaultdict(list)
    for row in records.filter(highlight=True).order_by("date", "id").values(*fields):
        picked[row["domain_id"]].append(row)
    ranked = (
        records.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("domain_id")],
                order_by=[F("participants").desc(), F("date").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=HIGHLIGHTS_PER_DOMAIN)
        .order_by("domain_id", "rank")
        .values(*fields)
    )
    for row in ranked:
        if row["domain_id"] not in picked or picked[row["domain_id"]][0].get("largest"):
            picked[row["domain_id"]].append({**row, "largest": True})
    result = {}
    for domain_id, rows in picked.items():
        result[domain_id] = [_highlight(row, table) for row in rows]
    return result


def _highlight(row: dict, table) -> dict:
    measure = table.get(row["type"]) or measures.default(row["type"])
    parts = [f"{row['date'].month}月{row['date'].day}日，{row['unit__name']}开展“{row['title']}”"]
    if row["participants"]:
        parts.append(_("%(n)s人参加") % {"n": approx(row["participants"])})
    if measure.unit not in ("场", "次") and row["quantity"]:
        parts.append(measure.phrase(approx(row["quantity"])))
    return {"sentence": "，".join(parts), "title": row["title"], "unit": row["unit__name"]}


def _sites(campaign: Campaign, today: dt.date) -> dict:
    from sites.models import REGISTRY_STATUSES, Site, Status, VisitorCount

    rows = list(
        Site.objects.filter(township_id=campaign.township_id)
        .exclude(status=Status.DELISTED)
        .order_by("name")
        .values("pk", "name", "status", "level")
    )
    named = [r for r in rows if r["status"] in REGISTRY_STATUSES]
    by_level = defaultdict(int)
    for r in named:
        by_level[r["level"]] += 1
    visitors = (
        VisitorCount.objects.filter(
            site__township_id=campaign.township_id,
            month__gte=campaign.start_date.replace(day=1),
            month__lte=today,
        )
        .exclude(site__status=Status.DELISTED)
        .aggregate(people=Coalesce(Sum("visitors"), 0), groups=Coalesce(Sum("groups"), 0))
    )
    from sites.models import Level

    levels = [
        f"{label}{by_level[code]}个" for code, label in reversed(Level.choices) if by_level[code]
    ]
    return {
        "total": len(rows),
        "named": len(named),
        "creating": len(rows) - len(named),
        "levels": "、".join(levels),
        "names": "、".join(f"“{r['name']}”" for r in named[:5]),
        "visitors": visitors["people"],
        "groups": visitors["groups"],
    }


def publicity_figures(campaign: Campaign, today: dt.date) -> list[tuple[str, int]]:
    """The publicity ledger's approved items per channel (信息报送, issue 14 item 4,
    `activities.publicity.channel_totals`): [(channel label, items)], channels without items
    left out. Empty: the section falls back to the ledger's 信息文章 records."""
    from activities.publicity import channel_totals

    return [(label, n) for _code, label, n in channel_totals(campaign)]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def build(campaign: Campaign, parameters: dict, today: dt.date | None = None) -> dict:
    today = today_or(today)
    township = campaign.township
    table = measures.measures_for(campaign.township_id)
    records = counted_records(campaign).filter(date__lte=today)
    rows = (
        records.order_by()
        .values("domain_id", "type")
        .annotate(
            n=Count("id"),
            people=Coalesce(Sum("participants"), 0),
            amount=Coalesce(Sum("quantity"), 0),
        )
    )
    type_order = list(TYPE_LABELS)
    by_domain: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_domain[row["domain_id"]].append(
            {
                "type": row["type"],
                "label": TYPE_LABELS.get(row["type"], row["type"]),
                "records": row["n"],
                "participants": row["people"],
                "quantity": row["amount"],
                "measure": table.get(row["type"]) or measures.default(row["type"]),
            }
        )
    units = dict(
        records.order_by().values_list("domain_id").annotate(n=Count("unit_id", distinct=True))
    )
    highlights = _highlights(records, table)
    tasks = campaign_tasks(campaign, today)  # the same task figures as every page
    counts = tasks.domains
    listed = {dc.domain.pk for dc in counts}
    extra = Domain.objects.filter(pk__in=set(by_domain) - listed)
    entries = [(dc.domain, dc) for dc in counts] + [(d, None) for d in extra]

    sections = []
    total_records = total_people = 0
    for index, (domain, dc) in enumerate(entries):
        types = sorted(by_domain.get(domain.pk, []), key=lambda t: type_order.index(t["type"]))
        n = sum(t["records"] for t in types)
        people = sum(t["participants"] for t in types)
        total_records += n
        total_people += people
        sections.append(
            {
                "number": ordinal(index),
                "domain": domain,
                "lead_unit": dc.campaign_domain.lead_unit if dc else None,
                "types": types,
                "records": n,
                "participants": people,
                "records_approx": approx(n),
                "participants_approx": approx(people),
                "units": units.get(domain.pk, 0),
                "quantities": quantities(types),
                "highlights": highlights.get(domain.pk, []),
                "tasks_total": dc.total if dc else 0,
                "tasks_done": dc.done if dc else 0,
                "tasks_overdue": dc.overdue if dc else 0,
                "tasks_percent": dc.percent if dc else 0,
            }
        )
    by_type_total: dict[str, dict] = {}
    for section in sections:
        for t in section["types"]:
            agg = by_type_total.setdefault(
                t["type"],
                {
                    "type": t["type"],
                    "label": t["label"],
                    "measure": t["measure"],
                    "records": 0,
                    "participants": 0,
                    "quantity": 0,
                },
            )
            for key in ("records", "participants", "quantity"):
                agg[key] += t[key]
    overall = [by_type_total[k] for k in type_order if k in by_type_total]
    total_units = records.values("unit_id").distinct().count()
    all_units = (
        Organisation.objects.units()
        .filter(township_id=campaign.township_id, is_active=True)
        .count()
    )
    sites = _sites(campaign, today)
    channels = publicity_figures(campaign, today)
    articles = by_type_total.get(ActivityType.ARTICLE)
    phase = (
        Phase.objects.filter(campaign=campaign, end_date__gte=today).order_by("start_date").first()
    )
    problems = _lines(parameters.get("problems", "")) or _problems(sections, all_units, total_units)
    next_steps = _lines(parameters.get("next_steps", "")) or _next_steps(township, phase)
    issuer = _("%(township)s廉政文化示范区域创建办公室") % {"township": township.name}
    return {
        "report_title": f"{campaign.name}工作情况汇报",
        "title_lines": gbt9704.title_lines(f"{campaign.name}工作情况汇报"),
        "header_text": header_for(campaign),
        "campaign": campaign,
        "township": township,
        "today": today,
        "date_text": chinese_date(today),
        "sections": sections,
        "tasks": tasks.tasks,
        "overall_types": overall,
        "overall_quantities": quantities(overall),
        "total_records": total_records,
        "total_participants": total_people,
        "total_quantity_types": len([t for t in overall if t["quantity"]]),
        "total_units": total_units,
        "all_units": all_units,
        "total_records_approx": approx(total_records),
        "total_participants_approx": approx(total_people),
        "sites": sites,
        "sites_visitors_approx": approx(sites["visitors"]),
        "sites_groups_approx": approx(sites["groups"]),
        "publicity_channels": channels,
        "publicity_text": _publicity(channels, articles),
        "problems": problems,
        "next_steps": next_steps,
        "problems_given": bool(_lines(parameters.get("problems", ""))),
        "next_steps_given": bool(_lines(parameters.get("next_steps", ""))),
        "issuer": issuer,
        "warnings": [],
    }


def _publicity(channels, articles) -> str:
    if channels:
        listed = "、".join(f"{label}{approx(n)}篇" for label, n in channels if n)
        total = sum(n for _label, n in channels)
        return _("强化舆论引导宣传，经审核的信息报送共%(total)s篇，其中%(listed)s。") % {
            "total": approx(total),
            "listed": listed,
        }
    if articles and articles["quantity"]:
        return _("强化舆论引导宣传，%(phrase)s（据活动台账中的信息文章记录）。") % {
            "phrase": articles["measure"].phrase(approx(articles["quantity"]))
        }
    return _("宣传报道情况尚无记录。")


def _problems(sections, all_units: int, active_units: int) -> list[str]:
    found = []
    idle = max(all_units - active_units, 0)
    if idle:
        found.append(
            _("工作开展不够平衡，全镇%(all)s个单位中尚有%(idle)s个单位没有经审核通过的活动记录。")
            % {"all": all_units, "idle": idle}
        )
    overdue = [s for s in sections if s["tasks_overdue"]]
    if overdue:
        listed = "、".join(f"{s['domain'].name}{s['tasks_overdue']}项" for s in overdue)
        found.append(_("部分任务进度滞后，逾期未完成的有%(listed)s。") % {"listed": listed})
    empty = [s["domain"].name for s in sections if not s["records"]]
    if empty:
        found.append(
            _("%(domains)s领域尚无已审核通过的活动记录，覆盖面有待拓展。")
            % {"domains": "、".join(empty)}
        )
    if not found:
        return [_("创建工作总体进展顺利，但活动形式仍需丰富，特色亮点有待进一步提炼。")]
    return [f"{ordinal(i)}是{text}" for i, text in enumerate(found)]


def _next_steps(township, phase) -> list[str]:
    if phase is not None:
        name = phase.name if phase.name.endswith("阶段") else f"{phase.name}阶段"
        when = _("按照%(phase)s（%(start)s至%(end)s）的安排，") % {
            "phase": name,
            "start": chinese_date(phase.start_date),
            "end": chinese_date(phase.end_date),
        }
    else:
        when = ""
    return [
        _(
            "下一步，%(township)s将%(when)s对照区纪委评审条件逐条查漏补缺，督促进度滞后的单位按期完成任务，"
            "完善档案资料，进一步丰富活动载体、培育特色亮点，确保创建工作取得实效。"
        )
        % {"township": township.name, "when": when}
    ]
