"""The circulated notice (通报) from `assessments.Notice`, laid out per GB/T 9704-2012.

The notice itself (title, 文号, intro, the units named and why) is drafted and published in the
assessments app; this module turns it into what the template prints, in plain pieces:

* `sections` — [{"heading": "一、任务逾期（2个单位）" or "", "paragraphs": [...]}]: the body after
  the intro. `_sections(notice)` is the one place that reads the notice's entries, so a change
  in how a notice is organised (categories, 表扬 …) changes only that function;
* `title_lines` — the title broken into balanced lines (`reports.gbt9704.title_lines`);
* `issuer`, `issued_on`, `copy_to`, `printer` — the signature and the 版记.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaigns.models import Campaign
from reports import gbt9704
from reports.contexts.common import today_or
from reports.contexts.work_report import ordinal


def _notice_for(campaign: Campaign, parameters: dict):
    from assessments.models import Notice

    notices = Notice.objects.filter(campaign=campaign)
    if parameters.get("notice"):
        notice = notices.filter(pk=parameters["notice"]).first()
    else:
        notice = notices.order_by("-status", "-as_of", "-id").first()  # published first
    if notice is None:
        raise ValidationError(_("该创建工作还没有通报，请先在评审验收中起草通报。"))
    return notice


def _groups(entries, sub: bool) -> list[dict]:
    """One section per category: 一、… at the top level, （一）… inside 表扬 / 批评."""
    sections = []
    for index, (_category, items) in enumerate(groupby(entries, key=lambda e: e.category)):
        items = list(items)
        units = len({e.unit_id for e in items})
        count = ngettext("%(n)s个单位", "%(n)s个单位", units) % {"n": units}
        label = items[0].get_category_display()
        number = f"（{ordinal(index)}）" if sub else f"{ordinal(index)}、"
        sections.append(
            {
                "heading": f"{number}{label}（{count}）",
                "paragraphs": [
                    f"{n}.{e.unit.name}：" + (e.detail or _("共%(n)s项。") % {"n": e.count})
                    for n, e in enumerate(items, start=1)
                ],
            }
        )
    return sections


def _sections(notice) -> list[dict]:
    """Praise (表扬) beside criticism (批评), categories in the configured order of importance
    (assessments.notice.category_order), not by internal code."""
    from assessments.notice import rank

    entries = sorted(
        notice.entries.filter(included=True).select_related("unit"),
        key=lambda e: (rank(e.category), e.order, e.pk),
    )
    praise = [e for e in entries if e.is_praise]
    criticism = [e for e in entries if not e.is_praise]
    if not praise:
        sections = _groups(criticism, sub=False)
    else:
        sections = [{"heading": _("一、表扬"), "paragraphs": []}, *_groups(praise, sub=True)]
        if criticism:
            sections += [
                {"heading": _("二、批评"), "paragraphs": []},
                *_groups(criticism, sub=True),
            ]
    if not sections:
        sections.append({"heading": "", "paragraphs": [_("本期无通报单位。")]})
    return sections


def build(campaign: Campaign, parameters: dict, today: dt.date | None = None) -> dict:
    today = today_or(today)
    notice = _notice_for(campaign, parameters)
    issuer = _("%(township)s廉政文化示范区域创建办公室") % {"township": campaign.township.name}
    issued_on = notice.published_at.date() if notice.published_at else notice.as_of
    return layout(
        {
            "report_title": notice.title,
            "header_text": "",
            "campaign": campaign,
            "township": campaign.township,
            "today": today,
            "notice": notice,
            "draft": notice.status != "published",
            "doc_number": notice.doc_number,
            "recipient": _("各村（社区）、镇直各单位："),
            "issuer": issuer,
            "issued_on": issued_on,
            "copy_to": getattr(notice, "copy_to", ""),
            "printer": issuer,
            "intro": [p.strip() for p in notice.intro.splitlines() if p.strip()],
            "sections": _sections(notice),
            "closing": [p.strip() for p in notice.closing.splitlines() if p.strip()],
            "warnings": [] if notice.status == "published" else [_("通报尚未印发，本稿为草稿。")],
        }
    )


def layout(context: dict) -> dict:
    """Add what the GB/T 9704 layout derives from the text: the title's lines and the size of
    the red organ mark (as wide as the type area allows, 小标宋 at most 2号+)."""
    context["title_lines"] = gbt9704.title_lines(context["report_title"])
    context["organ_size"] = gbt9704.organ_mark_size(context["issuer"])
    context["organ_offset"] = gbt9704.organ_mark_offset(context["organ_size"])
    rows = 2 if context.get("copy_to") else 1
    context["colophon_height_pt"] = round(rows * gbt9704.LINE_PT + 2, 2)
    context.setdefault("closing", [])
    return context
