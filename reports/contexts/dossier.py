"""The acceptance dossier (申报验收材料) a township submits to the district.

Chapters: cover and table of contents, campaign summary and documents, phase timeline,
per-domain figures, each site's dossier, the criteria checklist (self-assessment and pre-check
scores, evidence thumbnails), rectification items, and the evidence index. The context is built
with a fixed number of queries; pictures are downscaled before layout (`reports.images`).
Rendering goes through `reports.chapters`: chapters are laid out in parallel processes and
merged, and the table of contents and the evidence index get their page numbers from that
layout.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from itertools import groupby

from django.db.models import Count, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from activities.models import ActivityRecord
from activities.types import ActivityType
from campaigns.models import Campaign
from dashboard.metrics import campaign_tasks
from organisations.models import Organisation
from reports.contexts.common import header_for, today_or
from reports.images import PHOTO_PX, RECORD_PX, THUMB_PX, report_image

TYPE_LABELS = dict(ActivityType.choices)
SITES_PER_CHUNK = 10
SUBJECTS_PER_CHUNK = 5
# Records per separately laid-out chunk: small, so that a changed record re-lays out a few pages.
# A chunk holds one month of a domain (cut into RECORDS_PER_CHUNK pieces when longer): a record
# approved late then changes its month's chunks only, not every chunk after it.
RECORDS_PER_CHUNK = 30
# A record with more photos than this prints only its representative ones (and counts the rest).
ALL_PHOTOS_UP_TO = 6
DEFAULT_REPRESENTATIVE = 3
PHOTOS_PER_ROW = 3
INDEX_ROWS_PER_PART = 100
NUMERALS = "一二三四五六七八九十"
RECORD_SCOPES = ("all", "criteria", "domain")


def numeral(n: int) -> str:
    """Chinese chapter numbers: 一 … 十, 十一 … 九十九."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


class PhotoBook:
    """Numbers every picture of the dossier (for the evidence index) and downscales it."""

    def __init__(self):
        self.entries: list[dict] = []

    def add(
        self, name: str | None, max_px: int, caption: str, source: str, record: int | None = None
    ) -> dict:
        entry = {
            "record": record,
            "number": len(self.entries) + 1,
            "anchor": f"ph-{len(self.entries) + 1}",
            "name": name,
            "max_px": max_px,
            "caption": caption,
            "source": source,
            "picture": None,
        }
        self.entries.append(entry)
        return entry

    def prepare(self, workers: int = 2) -> list[str]:
        """Downscale every picture (threads: Pillow releases the GIL while decoding)."""

        def one(entry):
            return report_image(entry["name"], entry["max_px"], label=entry["caption"])

        with ThreadPoolExecutor(max_workers=workers) as pool:
            pictures = list(pool.map(one, self.entries))
        warnings = []
        for entry, picture in zip(self.entries, pictures, strict=True):
            entry["picture"] = picture
            if picture.warning:
                warnings.append(picture.warning)
        return warnings


def _summary(campaign: Campaign) -> dict:
    from campaigns.models import CreatingUnit

    creating = defaultdict(list)
    for cu in (
        CreatingUnit.objects.filter(campaign=campaign)
        .select_related("unit")
        .order_by("unit__name", "id")
    ):
        creating[cu.domain_id].append(cu.unit)
    domains = []
    for cd in campaign.campaign_domains.select_related("domain", "lead_unit").prefetch_related(
        Prefetch("co_units", queryset=Organisation.objects.order_by("name"))
    ):
        domains.append(
            {
                "domain": cd.domain,
                "lead_unit": cd.lead_unit,
                "co_units": list(cd.co_units.all()),
                "creating_units": creating.get(cd.domain_id, []),
            }
        )
    return {
        "documents": list(campaign.documents.all()),
        "leadership": list(campaign.leadership.all()),
        "domains": domains,
    }


def _timeline(campaign: Campaign) -> list[dict]:
    phases = list(campaign.phases.all())
    milestones = defaultdict(list)
    loose = []
    for m in campaign.milestones.all():
        (milestones[m.phase_id] if m.phase_id else loose).append(m)
    rows = [{"phase": p, "milestones": milestones.get(p.pk, [])} for p in phases]
    if loose:
        rows.append({"phase": None, "milestones": loose})
    return rows


def _domain_figures(campaign: Campaign, today: dt.date) -> list[dict]:
    records = ActivityRecord.objects.counted().filter(campaign=campaign)
    by_type = defaultdict(dict)
    for row in (
        records.order_by()
        .values("domain_id", "type")
        .annotate(n=Count("id"), people=Coalesce(Sum("participants"), 0))
    ):
        by_type[row["domain_id"]][row["type"]] = (row["n"], row["people"])
    figures = []
    for dc in campaign_tasks(campaign, today).domains:  # the figures every page shows
        types = by_type.get(dc.domain.pk, {})
        figures.append(
            {
                "domain": dc.domain,
                "tasks_total": dc.total,
                "tasks_done": dc.done,
                "tasks_overdue": dc.overdue,
                "records": sum(n for n, _ in types.values()),
                "participants": sum(p for _, p in types.values()),
                "by_type": [
                    {"label": TYPE_LABELS[t], "records": types[t][0], "participants": types[t][1]}
                    for t in TYPE_LABELS
                    if t in types
                ],
            }
        )
    return figures


def _figures_total(figures: list[dict]) -> dict:
    """The 合计 row of the domain table."""
    return {
        key: sum(f[key] for f in figures)
        for key in ("tasks_total", "tasks_done", "tasks_overdue", "records", "participants")
    }


def _records(campaign: Campaign, parameters: dict, book: PhotoBook) -> list[dict]:
    """Every approved record in the chosen scope, by domain, with the photos the dossier prints:
    all of them up to `ALL_PHOTOS_UP_TO`, else the representative ones (the first
    `DEFAULT_REPRESENTATIVE` when the office marked none) and the count of the rest."""
    from activities.models import Evidence
    from assessments.models import LinkedEvidence

    records = ActivityRecord.objects.counted().filter(campaign=campaign)
    scope = parameters.get("records", "all")
    if scope == "criteria":
        linked = LinkedEvidence.objects.filter(item_score__assessment__campaign=campaign).values(
            "evidence__record_id"
        )
        records = records.filter(pk__in=linked)
    elif scope == "domain":
        records = records.filter(domain__code=parameters.get("domain", ""))
    records = (
        records.select_related("unit", "domain")
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=Evidence.objects.filter(kind=Evidence.Kind.IMAGE).order_by("id"),
                to_attr="photos",
            )
        )
        .order_by("domain__order", "domain_id", "date", "unit__name", "id")
    )
    from activities.measures import measures_for

    measures = measures_for(campaign.township_id)
    domains: list[dict] = []
    for record in records:
        if not domains or domains[-1]["domain"].pk != record.domain_id:
            domains.append({"domain": record.domain, "records": []})
        photos = record.photos
        if len(photos) > ALL_PHOTOS_UP_TO:
            chosen = [p for p in photos if p.representative] or photos[:DEFAULT_REPRESENTATIVE]
        else:
            chosen = photos
        source = f"{record.date:%Y-%m-%d} {record.unit.name}"
        printed = [
            book.add(p.file.name, RECORD_PX, record.title, source, record=record.pk) for p in chosen
        ]
        domains[-1]["records"].append(
            {
                "record": record,
                "anchor": f"rec-{record.pk}",
                "type": TYPE_LABELS.get(record.type, record.type),
                "quantity": f"{record.quantity}{measures[record.type].unit}"
                if record.type in measures
                else str(record.quantity),
                "photos": printed,
                "photo_rows": [
                    printed[i : i + PHOTOS_PER_ROW] for i in range(0, len(printed), PHOTOS_PER_ROW)
                ],
                "photo_total": len(photos),
                "rest": len(photos) - len(printed),
            }
        )
    return domains


def _in_figures_order(domains: list[dict], figures: list[dict]) -> list[dict]:
    """Record chapters in the campaign's own domain order (the order of the figures table)."""
    order = {f["domain"].pk: i for i, f in enumerate(figures)}
    return sorted(domains, key=lambda d: order.get(d["domain"].pk, len(order)))


def _sites(campaign: Campaign, book: PhotoBook) -> list[dict]:
    """Every site of the township this campaign made or that was named before (with the
    campaign it came from, its level and its status history)."""
    from sites.models import REGISTRY_STATUSES, Site, SiteEvent

    sites = (
        Site.objects.filter(
            Q(campaign=campaign) | Q(township=campaign.township, status__in=REGISTRY_STATUSES)
        )
        .select_related("unit", "domain", "campaign")
        .annotate(visitors_total=Coalesce(Sum("visitor_counts__visitors"), 0))
        .prefetch_related(
            "photos",
            Prefetch(
                "events", queryset=SiteEvent.objects.select_related("by").order_by("at", "id")
            ),
        )
        .order_by("domain__order", "name", "id")
    )
    result = []
    for site in sites:
        photos = [
            book.add(
                photo.image.name,
                PHOTO_PX,
                photo.caption or site.name,
                _("示范点：%(site)s") % {"site": site.name},
            )
            for photo in site.photos.all()
        ]
        result.append(
            {
                "site": site,
                "anchor": f"site-{site.pk}",
                "photos": photos,
                "events": list(site.events.all()),
            }
        )
    return result


def _checklist(campaign: Campaign, book: PhotoBook) -> list[dict]:
    """Per assessed subject (site or unit): every criteria item with its self-assessment and
    pre-check score and the evidence photos linked to either."""
    from activities.models import Evidence
    from assessments.models import Assessment, CriteriaItem, ItemScore

    assessments = list(
        Assessment.objects.filter(
            campaign=campaign, kind__in=[Assessment.Kind.SELF, Assessment.Kind.PRECHECK]
        )
        .select_related("site", "unit")
        .order_by("assessed_on", "id")
    )
    if not assessments:
        return []
    subjects: dict[tuple, dict] = {}
    for a in assessments:  # later assessments of the same kind replace earlier ones
        key = ("site", a.site_id) if a.site_id else ("unit", a.unit_id)
        subject = subjects.setdefault(
            key,
            {
                "name": a.site.name if a.site_id else (a.unit.name if a.unit_id else "—"),
                "criteria_set_id": a.criteria_set_id,
                "self": None,
                "precheck": None,
            },
        )
        subject["self" if a.kind == Assessment.Kind.SELF else "precheck"] = a
    wanted = [a.pk for s in subjects.values() for a in (s["self"], s["precheck"]) if a]
    scores = defaultdict(dict)
    for score in ItemScore.objects.filter(assessment__in=wanted).prefetch_related(
        Prefetch(
            "evidence",
            queryset=Evidence.objects.filter(kind=Evidence.Kind.IMAGE).select_related("record"),
        )
    ):
        scores[score.assessment_id][score.item_id] = score
    items_by_set = defaultdict(list)
    for item in (
        CriteriaItem.objects.filter(
            criteria_set__in={s["criteria_set_id"] for s in subjects.values()}
        )
        .select_related("group")
        .order_by("group__order", "order", "id")
    ):
        items_by_set[item.criteria_set_id].append(item)
    result = []
    for subject in subjects.values():
        own, pre = subject["self"], subject["precheck"]
        rows = []
        totals = {"points": 0, "self": 0, "precheck": 0}
        for item in items_by_set[subject["criteria_set_id"]]:
            s = scores[own.pk].get(item.pk) if own else None
            p = scores[pre.pk].get(item.pk) if pre else None
            evidence, seen = [], set()
            for sc in (s, p):
                for ev in sc.evidence.all() if sc else []:
                    if ev.pk in seen:
                        continue
                    seen.add(ev.pk)
                    evidence.append(
                        book.add(
                            ev.thumbnail.name or ev.file.name,
                            THUMB_PX,
                            ev.record.title,
                            _("%(subject)s · 第%(code)s条")
                            % {"subject": subject["name"], "code": item.code},
                        )
                    )
            totals["points"] += item.points
            totals["self"] += (s.score or 0) if s else 0
            totals["precheck"] += (p.score or 0) if p else 0
            rows.append(
                {
                    "item": item,
                    "self": s,
                    "precheck": p,
                    "evidence": evidence,
                }
            )
        result.append({**subject, "rows": rows, "totals": totals})
    return result


def _rectifications(campaign: Campaign) -> list:
    from assessments.models import Rectification

    return list(
        Rectification.objects.filter(campaign=campaign)
        .select_related("unit", "rechecked_by")
        .order_by("unit__name", "deadline", "id")
    )


def build(campaign: Campaign, parameters: dict, today: dt.date | None = None) -> dict:
    today = today_or(today)
    book = PhotoBook()
    figures = _domain_figures(campaign, today)
    context = {
        "report_title": f"{campaign.name}申报验收材料",
        "header_text": header_for(campaign),
        "campaign": campaign,
        "township": campaign.township,
        "today": today,
        "parameters": parameters,
        "summary": _summary(campaign),
        "timeline": _timeline(campaign),
        "figures": figures,
        "figures_total": _figures_total(figures),
        "records": _in_figures_order(_records(campaign, parameters, book), figures),
        "sites": _sites(campaign, book),
        "checklist": _checklist(campaign, book),
        "rectifications": _rectifications(campaign),
        "photos": book.entries,
    }
    context["warnings"] = book.prepare()
    context["chapters"] = chapters(context)
    context["index_title"] = _("%(n)s、佐证材料索引") % {
        "n": numeral(sum(1 for c in context["chapters"] if c["title"]) + 1)
    }
    context["index_parts"] = _index_parts(context)
    context["pages"] = {}
    return context


def _index_parts(context: dict) -> list[dict]:
    """The evidence index — every record (with the numbers of its printed photos) and every
    photo — cut into parts of at most INDEX_ROWS_PER_PART rows: one long table takes WeasyPrint
    superlinear time and memory, parts are laid out side by side by the workers."""
    by_record = defaultdict(list)
    for ph in context["photos"]:
        if ph["record"]:
            by_record[ph["record"]].append(ph)
    rows = [
        {"record": r, "photos": by_record.get(r["record"].pk, [])}
        for d in context["records"]
        for r in d["records"]
    ]
    n = INDEX_ROWS_PER_PART
    parts = [
        {"records": rows[i : i + n], "start": i, "records_first": i == 0}
        for i in range(0, len(rows), n)
    ] or [{"records": [], "start": 0, "records_first": True}]
    photos = context["photos"]
    parts += [
        {"photos": photos[i : i + n], "photos_first": i == 0} for i in range(0, len(photos), n)
    ] or [{"photos": [], "photos_first": True}]
    for number, part in enumerate(parts):
        part["key"] = f"index-{number}"
        part["first"] = number == 0
    return parts


def record_chunks(records: list[dict], size: int | None = None) -> list[dict]:
    """A domain's records in chunks of one month each, a long month cut into pieces of `size`
    (its later pieces marked continued)."""
    size = size or RECORDS_PER_CHUNK
    chunks = []
    for month, group in groupby(records, key=lambda r: r["record"].date.replace(day=1)):
        rows = list(group)
        chunks += [
            {"records": rows[i : i + size], "month": month, "continued": i > 0}
            for i in range(0, len(rows), size)
        ]
    return chunks


def chapters(context: dict) -> list[dict]:
    """The dossier's chapters in order; long ones cut into chunks laid out separately.
    Every chunk carries the number of its chapter; only a chapter's first chunk has a title."""
    tpl = "reports/dossier/chapter.html"
    result: list[dict] = []
    count = 0

    def add(key, title, part, items=None, items_key="", per_chunk=1, chunks=None, **extra):
        nonlocal count
        count += 1
        full = f"{numeral(count)}、{title}"
        if items is None and chunks is None:
            result.append(
                {"key": key, "title": full, "template": tpl, "part": part, "first": True, **extra}
            )
            return
        if chunks is None:
            chunks = [
                {items_key: items[i : i + per_chunk]} for i in range(0, len(items), per_chunk)
            ]
        for index, chunk in enumerate(chunks or [{items_key: []}]):
            result.append(
                {
                    "key": f"{key}-{index}",
                    "title": full if index == 0 else None,
                    "heading": full,
                    "template": tpl,
                    "part": part,
                    "first": index == 0,
                    **chunk,
                    **extra,
                }
            )

    add("summary", _("创建工作概况"), "summary")
    add("timeline", _("实施步骤"), "timeline")
    add("figures", _("各领域工作数据"), "figures")
    for d in context["records"]:
        add(
            f"records-{d['domain'].code}",
            _("%(domain)s活动开展情况") % {"domain": d["domain"].name},
            "records",
            chunks=record_chunks(d["records"]),
            domain=d["domain"],
            record_total=len(d["records"]),
        )
    add("sites", _("示范点档案"), "sites", context["sites"], "sites", SITES_PER_CHUNK)
    add(
        "checklist",
        _("对照评审标准逐条自查情况"),
        "checklist",
        context["checklist"],
        "subjects",
        SUBJECTS_PER_CHUNK,
    )
    add("rectifications", _("整改落实情况"), "rectifications")
    return result


def render(context: dict, progress=None):
    from reports.chapters import render_dossier

    return render_dossier(context, context["chapters"], progress)
