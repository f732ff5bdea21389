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

from django.db.models import Count, Prefetch, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from activities.models import ActivityRecord
from activities.types import ActivityType
from campaigns.models import Campaign
from campaigns.progress import domain_counts
from reports.contexts.common import header_for, today_or
from reports.images import PHOTO_PX, THUMB_PX, report_image

TYPE_LABELS = dict(ActivityType.choices)
SITES_PER_CHUNK = 10
SUBJECTS_PER_CHUNK = 5


class PhotoBook:
    """Numbers every picture of the dossier (for the evidence index) and downscales it."""

    def __init__(self):
        self.entries: list[dict] = []

    def add(self, name: str | None, max_px: int, caption: str, source: str) -> dict:
        entry = {
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
    return {
        "documents": list(campaign.documents.all()),
        "leadership": list(campaign.leadership.all()),
        "domains": list(campaign.campaign_domains.select_related("domain", "lead_unit")),
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
    for dc in domain_counts(campaign, today):
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


def _sites(campaign: Campaign, book: PhotoBook) -> list[dict]:
    from sites.models import Site, SiteEvent

    sites = (
        Site.objects.filter(campaign=campaign)
        .select_related("unit", "domain")
        .annotate(visitors_total=Coalesce(Sum("visitor_counts__visitors"), 0))
        .prefetch_related(
            "photos",
            Prefetch("events", queryset=SiteEvent.objects.select_related("by")),
        )
        .order_by("domain__order", "name")
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
        .select_related("unit")
        .order_by("unit__name", "deadline", "id")
    )


def build(campaign: Campaign, parameters: dict, today: dt.date | None = None) -> dict:
    today = today_or(today)
    book = PhotoBook()
    context = {
        "report_title": f"{campaign.name}申报验收材料",
        "header_text": header_for(campaign),
        "campaign": campaign,
        "township": campaign.township,
        "today": today,
        "summary": _summary(campaign),
        "timeline": _timeline(campaign),
        "figures": _domain_figures(campaign, today),
        "sites": _sites(campaign, book),
        "checklist": _checklist(campaign, book),
        "rectifications": _rectifications(campaign),
        "photos": book.entries,
    }
    context["warnings"] = book.prepare()
    context["chapters"] = chapters(context)
    context["pages"] = {}
    return context


def chapters(context: dict) -> list[dict]:
    """The dossier's chapters in order; long ones cut into chunks laid out separately."""
    tpl = "reports/dossier/chapter.html"
    result = [
        {"key": "summary", "title": _("一、创建工作概况"), "template": tpl, "part": "summary"},
        {"key": "timeline", "title": _("二、实施步骤"), "template": tpl, "part": "timeline"},
        {"key": "figures", "title": _("三、各领域工作数据"), "template": tpl, "part": "figures"},
    ]
    sites = context["sites"]
    chunks = [sites[i : i + SITES_PER_CHUNK] for i in range(0, len(sites), SITES_PER_CHUNK)]
    for index, chunk in enumerate(chunks or [[]]):
        result.append(
            {
                "key": f"sites-{index}",
                "title": _("四、示范点档案") if index == 0 else None,
                "template": tpl,
                "part": "sites",
                "sites": chunk,
                "first": index == 0,
            }
        )
    subjects = context["checklist"]
    chunks = [
        subjects[i : i + SUBJECTS_PER_CHUNK] for i in range(0, len(subjects), SUBJECTS_PER_CHUNK)
    ]
    for index, chunk in enumerate(chunks or [[]]):
        result.append(
            {
                "key": f"checklist-{index}",
                "title": _("五、对照评审标准逐条自查情况") if index == 0 else None,
                "template": tpl,
                "part": "checklist",
                "subjects": chunk,
                "first": index == 0,
            }
        )
    result.append(
        {
            "key": "rectifications",
            "title": _("六、整改落实情况"),
            "template": tpl,
            "part": "rectifications",
        }
    )
    return result


def render(context: dict, progress=None):
    from reports.chapters import render_dossier

    return render_dossier(context, context["chapters"], progress)
