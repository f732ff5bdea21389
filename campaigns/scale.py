"""Scale data: one campaign per township with the three phases and all eight domains."""

from __future__ import annotations

import datetime as dt

from campaigns.models import Campaign, CampaignDomain, Milestone, Phase
from organisations.models import Domain


def generate(ctx) -> None:
    start = ctx.today - dt.timedelta(days=300)
    end = ctx.today + dt.timedelta(days=30)
    domains = list(Domain.objects.filter(is_default=True))
    campaigns = Campaign.objects.bulk_create(
        [
            Campaign(
                township_id=t,
                year=start.year,
                name=f"规模测试活动{i + 1}",
                start_date=start,
                end_date=end,
            )
            for i, t in enumerate(ctx.township_ids)
        ]
    )
    ctx.campaign_ids = {c.township_id: c.pk for c in campaigns}
    phases, milestones, cds = [], [], []
    for c in campaigns:
        windows = [
            (Phase.Kind.MOBILISATION, "宣传发动阶段", start, start + dt.timedelta(days=60)),
            (
                Phase.Kind.CREATION,
                "实施创建阶段",
                start + dt.timedelta(days=61),
                ctx.today + dt.timedelta(days=10),
            ),
            (Phase.Kind.APPLICATION, "申报验收阶段", ctx.today + dt.timedelta(days=11), end),
        ]
        for order, (kind, name, s, e) in enumerate(windows, start=1):
            phases.append(
                Phase(campaign=c, kind=kind, name=name, order=order, start_date=s, end_date=e)
            )
        milestones.append(
            Milestone(
                campaign=c,
                kind=Milestone.Kind.PLAN_DUE,
                title="报送创建方案",
                due_date=start + dt.timedelta(days=60),
            )
        )
        milestones.append(
            Milestone(
                campaign=c, kind=Milestone.Kind.APPLICATION_DUE, title="申报验收", due_date=end
            )
        )
        for order, d in enumerate(domains):
            cds.append(CampaignDomain(campaign=c, domain=d, order=order))
    Phase.objects.bulk_create(phases)
    Milestone.objects.bulk_create(milestones)
    CampaignDomain.objects.bulk_create(cds)
