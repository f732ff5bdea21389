"""Scale data: one demonstration site per unit of the district, at assorted stages.

Most sites are creating or further along; a tenth are named (some due for re-review), so the
registry and the district readiness have realistic volumes (400 sites by default).
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from organisations.models import Organisation
from sites.models import Level, Site, Status

STAGES = [
    (Status.CANDIDATE, 5),
    (Status.PLAN_SUBMITTED, 5),
    (Status.PLAN_APPROVED, 5),
    (Status.CREATING, 45),
    (Status.SELF_ASSESSED, 15),
    (Status.PRECHECKED, 10),
    (Status.NAMED, 10),
    (Status.REVIEW_DUE, 5),
]


def generate(ctx) -> None:
    if not ctx.unit_ids or not ctx.campaign_ids:
        return
    rng = random.Random(ctx.seed + 11)
    statuses, weights = zip(*STAGES, strict=True)
    now = timezone.now()
    units = Organisation.objects.filter(pk__in=ctx.unit_ids).values(
        "id", "name", "township_id", "district_id", "main_domain_id"
    )
    sites = []
    for unit in units:
        if unit["township_id"] not in ctx.campaign_ids or unit["main_domain_id"] is None:
            continue
        status = rng.choices(statuses, weights)[0]
        named = status in (Status.NAMED, Status.REVIEW_DUE)
        named_on = ctx.today - dt.timedelta(days=rng.randint(100, 900))
        sites.append(
            Site(
                campaign_id=ctx.campaign_ids[unit["township_id"]],
                unit_id=unit["id"],
                township_id=unit["township_id"],
                district_id=unit["district_id"],
                domain_id=unit["main_domain_id"],
                name=f"{unit['name']}廉政文化示范点",
                status=status,
                status_changed_at=now,
                level=rng.choice([Level.TOWNSHIP, Level.DISTRICT, Level.CITY]) if named else "",
                named_doc_number=f"规模〔{named_on.year}〕{rng.randint(1, 99)}号" if named else "",
                named_on=named_on if named else None,
                next_review_due=named_on + dt.timedelta(days=730) if named else None,
            )
        )
    Site.objects.bulk_create(sites, batch_size=1000)
    ctx.extra["site_count"] = len(sites)
    ctx.write(f"sites: {len(sites)} sites")
