"""The circulated notice (通报) from `assessments.Notice`, laid out per GB/T 9704-2012.

The notice itself (title, 文号, intro, the units named and why) is drafted and published in the
assessments app; this module only arranges it: entries grouped by problem category, each
category numbered 一、二、…, the issuing office and the date at the end.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from campaigns.models import Campaign
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


def build(campaign: Campaign, parameters: dict, today: dt.date | None = None) -> dict:
    today = today_or(today)
    notice = _notice_for(campaign, parameters)
    entries = list(
        notice.entries.filter(included=True)
        .select_related("unit")
        .order_by("category", "order", "id")
    )
    groups = []
    for index, (_category, items) in enumerate(groupby(entries, key=lambda e: e.category)):
        items = list(items)
        groups.append(
            {
                "number": ordinal(index),
                "label": items[0].get_category_display(),
                "entries": items,
                "units": len({e.unit_id for e in items}),
            }
        )
    issuer = _("%(township)s廉政文化示范区域创建办公室") % {"township": campaign.township.name}
    issued_on = notice.published_at.date() if notice.published_at else notice.as_of
    return {
        "report_title": notice.title,
        "header_text": "",
        "campaign": campaign,
        "township": campaign.township,
        "today": today,
        "notice": notice,
        "issuer": issuer,
        # the red organ mark fills the 156 mm type area at most, 36 pt at most
        "organ_size": min(36, round(420 / max(len(issuer), 1) - 2, 1)),
        "issued_on": issued_on,
        "intro": [p.strip() for p in notice.intro.splitlines() if p.strip()],
        "groups": groups,
        "warnings": [] if notice.status == "published" else [_("通报尚未印发，本稿为草稿。")],
    }
