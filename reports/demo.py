"""Demo part of `load_demo`: what every report kind needs to render on the demo campaign.

The dossier is ready from the earlier parts (approved records with photos, sites, the
self-assessment and pre-check with rectifications); the notice needs a published 通报, so one
is drafted from the lagging units and published with its 文号 (once).
"""

from __future__ import annotations

import datetime as dt

DOC_NUMBER = "清纪发〔{year}〕4号"


def load(ctx) -> None:
    from assessments.models import Notice
    from assessments.notice import draft_notice, publish_notice

    campaign = ctx.campaign
    if campaign is None or Notice.objects.filter(campaign=campaign, status="published").exists():
        return
    office = ctx.users["office"]
    notice = draft_notice(campaign, as_of=ctx.today - dt.timedelta(days=1), by=office)
    if not notice.entries.exists():
        notice.delete()
        ctx.write("reports: no lagging unit, no demo notice")
        return
    publish_notice(notice, doc_number=DOC_NUMBER.format(year=ctx.today.year), by=office)
    ctx.write(f"reports: notice {notice.pk} published as {DOC_NUMBER.format(year=ctx.today.year)}")
