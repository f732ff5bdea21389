"""Scale data: the district's 60-item criteria set, assessments and rectification items.

* a criteria set of 60 items in six groups (10 scored automatically from the ledger);
* a completed self-assessment for every site at "self-assessed" or beyond;
* the benchmark's pre-check: a draft pre-check of the site whose unit has the most approved
  records, its 60 items linking 2,000 (item, record) pairs between them;
* 300 rectification items across the district, a third past their deadline.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from activities.models import ActivityRecord
from assessments.models import (
    Assessment,
    CriteriaGroup,
    CriteriaItem,
    CriteriaSet,
    ItemScore,
    LinkedRecord,
    Rectification,
)
from organisations.models import User
from sites.models import Site, Status

ITEMS = 60
LINKS = 2000
AUTO_TYPES = ["lecture", "film", "contest", "exhibition", "forum"]
ASSESSED = [Status.SELF_ASSESSED, Status.PRECHECKED, Status.NAMED, Status.REVIEW_DUE]


def generate(ctx) -> None:
    if not ctx.district_id or not ctx.campaign_ids:
        return
    rng = random.Random(ctx.seed + 12)
    cs = CriteriaSet.objects.create(
        district_id=ctx.district_id,
        name="规模测试示范区域标准",
        pass_line=Decimal(360),
        frozen=True,
    )
    groups = CriteriaGroup.objects.bulk_create(
        CriteriaGroup(criteria_set=cs, kind=kind, name=label, order=n)
        for n, (kind, label) in enumerate(CriteriaGroup.Kind.choices[:6])
    )
    items = CriteriaItem.objects.bulk_create(
        CriteriaItem(
            criteria_set=cs,
            group=groups[n % len(groups)],
            code=f"{n % len(groups) + 1}.{n // len(groups) + 1}",
            text=f"规模测试评审条目{n + 1}",
            points=Decimal(10),
            evidence_wanted="台账、照片",
            order=n,
            auto_target=rng.randint(2, 6) if n < 10 else None,
            auto_type=AUTO_TYPES[n % len(AUTO_TYPES)] if n < 10 else "",
        )
        for n in range(ITEMS)
    )
    sites = list(
        Site.objects.filter(district_id=ctx.district_id).values(
            "id", "unit_id", "township_id", "campaign_id", "status"
        )
    )
    today = ctx.today
    now = timezone.now()
    office = dict(
        User.objects.filter(username__startswith="bench-office-").values_list("username", "id")
    )
    township_index = {t: i for i, t in enumerate(ctx.township_ids)}

    assessed = [s for s in sites if s["status"] in ASSESSED]
    assessments = Assessment.objects.bulk_create(
        Assessment(
            kind=Assessment.Kind.SELF,
            status=Assessment.Status.COMPLETED,
            criteria_set=cs,
            campaign_id=s["campaign_id"],
            township_id=s["township_id"],
            district_id=ctx.district_id,
            site_id=s["id"],
            unit_id=s["unit_id"],
            assessed_on=today - dt.timedelta(days=20),
            completed_at=now,
            passed=True,
        )
        for s in assessed
    )
    scores = [
        ItemScore(
            assessment=a,
            item=item,
            score=Decimal(rng.randint(6, 10)),
            passed=True,
        )
        for a in assessments
        for item in items
    ]
    ItemScore.objects.bulk_create(scores, batch_size=5000)

    # The benchmark's pre-check: the site whose unit has the most approved records this year.
    year_start = dt.date(today.year, 1, 1)
    busiest = (
        ActivityRecord.objects.counted()
        .filter(unit_id__in=[s["unit_id"] for s in sites], date__gte=year_start)
        .values("unit_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if busiest:
        site = next(s for s in sites if s["unit_id"] == busiest["unit_id"])
        Site.objects.filter(pk=site["id"]).update(status=Status.SELF_ASSESSED)
        precheck = Assessment.objects.create(
            kind=Assessment.Kind.PRECHECK,
            criteria_set=cs,
            campaign_id=site["campaign_id"],
            site_id=site["id"],
            assessed_on=today,
            assessor_id=office.get(f"bench-office-{township_index.get(site['township_id'], 0)}"),
        )
        sheet = ItemScore.objects.bulk_create(
            ItemScore(assessment=precheck, item=item, score=Decimal(8), passed=True)
            for item in items
        )
        records = list(
            ActivityRecord.objects.counted()
            .filter(unit_id=site["unit_id"], date__gte=year_start, date__lte=today)
            .values_list("id", flat=True)[:LINKS]
        )
        links = []
        for n in range(LINKS):
            links.append(
                (sheet[n % len(sheet)].pk, records[(n // len(sheet) * 7 + n) % len(records)])
            )
        LinkedRecord.objects.bulk_create(
            (LinkedRecord(item_score_id=a, record_id=b) for a, b in set(links)),
            batch_size=5000,
        )
        ctx.extra["bench_precheck_id"] = precheck.pk
        ctx.write(f"assessments: pre-check {precheck.pk} with {len(set(links))} links")

    rects = []
    for n in range(300):
        s = sites[rng.randrange(len(sites))]
        rects.append(
            Rectification(
                campaign_id=s["campaign_id"],
                township_id=s["township_id"],
                unit_id=s["unit_id"],
                title=f"规模测试整改事项{n + 1}",
                requirement="补齐佐证材料",
                deadline=today + dt.timedelta(days=rng.randint(-30, 60)),
                status=rng.choice(
                    [
                        Rectification.Status.OPEN,
                        Rectification.Status.ANSWERED,
                        Rectification.Status.CLOSED,
                    ]
                ),
            )
        )
    Rectification.objects.bulk_create(rects, batch_size=1000)
    ctx.write(f"assessments: {len(assessments)} self-assessments, {len(rects)} rectification items")
