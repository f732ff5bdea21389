"""Scale data: one campaign per township with the three phases and all eight domains.

All `ctx.tasks` tasks go into the first township's campaign (the benchmark's big campaign:
5,000 monthly tasks × 12 periods = 60,000 periods by default), spread over that township's
units and the eight domains, half of them with a co-host unit. Progress stays zero until the
ledger's part links records and calls `campaigns.progress.recompute_campaign`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random

from activities.types import ActivityType
from campaigns.models import Campaign, CampaignDomain, Milestone, Phase, Task, TaskPeriod
from campaigns.periods import period_windows
from organisations.models import Domain

MONTHS = 12


def _months_later_end(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def generate(ctx) -> None:
    rng = random.Random(ctx.seed + 3)
    start = ctx.today - dt.timedelta(days=300)
    end = max(ctx.today + dt.timedelta(days=30), _months_later_end(start, MONTHS - 1))
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
    if campaigns and ctx.tasks:
        _tasks(ctx, rng, campaigns[0], domains, start)


def _tasks(ctx, rng, campaign, domains, start) -> None:
    units = [u for u in ctx.unit_ids if ctx.unit_township[u] == campaign.township_id]
    due = _months_later_end(start, MONTHS - 1)
    measures = [Task.Measure.ACTIVITIES] * 6 + [Task.Measure.PARTICIPANTS] * 3
    types = [t.value for t in ActivityType]
    windows = period_windows(Task.Recurrence.MONTHLY, start, due)
    tasks = []
    for i in range(ctx.tasks):
        measure = rng.choice(measures + [Task.Measure.PERCENT])
        tasks.append(
            Task(
                campaign=campaign,
                domain=domains[i % len(domains)],
                title=f"规模任务{i + 1}",
                lead_unit_id=units[i % len(units)],
                measure=measure,
                target_count=100 if measure != Task.Measure.ACTIVITIES else rng.randint(1, 3),
                target_unit="次" if measure == Task.Measure.ACTIVITIES else "人次",
                target_base=rng.randint(50, 300) if measure == Task.Measure.PERCENT else None,
                recurrence=Task.Recurrence.MONTHLY,
                start_date=start,
                due_date=due,
                activity_types=rng.sample(types, 2) if i % 3 == 0 else [],
                open_due=windows[0].due_date,  # nothing achieved yet: the first period is open
            )
        )
    Task.objects.bulk_create(tasks, batch_size=2000)
    periods, co = [], []
    through = Task.co_units.through
    for i, task in enumerate(tasks):
        for index, w in enumerate(windows, start=1):
            periods.append(
                TaskPeriod(
                    task=task,
                    index=index,
                    code=w.code,
                    start_date=w.start_date,
                    due_date=w.due_date,
                )
            )
        if i % 2 and len(units) > 1:
            co.append(through(task_id=task.pk, organisation_id=units[(i + 1) % len(units)]))
        if len(periods) >= 20000:
            TaskPeriod.objects.bulk_create(periods, batch_size=5000)
            periods = []
    TaskPeriod.objects.bulk_create(periods, batch_size=5000)
    through.objects.bulk_create(co, batch_size=5000)
    CampaignDomain.objects.filter(campaign=campaign).update(lead_unit_id=units[0])
    ctx.extra["big_campaign_id"] = campaign.pk
    ctx.write(
        f"    {len(tasks)} tasks, {len(tasks) * len(windows)} periods in campaign {campaign.pk}"
    )
