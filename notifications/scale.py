"""Scale data for the reminder sweep: 100,000 open deadlines, 20,000 of them due a reminder today.

They live in a township of their own ("提醒规模测试镇", code `bench-remind`) so that the other
apps' per-township figures are not changed by them: 200 units with one liaison each (with an
email address, so the email outbox is exercised), 2,000 tasks with 50 periods each. Every fifth
period falls on one of today's reminder dates under the default policy (7 and 1 days ahead,
today, 3…15 days overdue); the rest fall due later. Another 10,000 periods on today's reminder
dates are already done (their progress reached the target) and must be skipped.

`SCALE_REMINDER_DEADLINES` (environment) changes the number of open deadlines (0 skips this).
"""

from __future__ import annotations

import datetime as dt
import os

from django.contrib.auth.hashers import make_password

from campaigns.models import Campaign, Task, TaskPeriod
from organisations.models import Domain, Organisation, Role, User

TOWNSHIP_CODE = "bench-remind"
UNITS = 200
PERIODS_PER_TASK = 50
REMINDER_OFFSETS = [-7, -1, 0, 3, 6, 9, 12, 15]  # the default policy's
PASSWORD = "bench-pass"


def generate(ctx) -> None:
    total = int(os.environ.get("SCALE_REMINDER_DEADLINES", "100000"))
    if total <= 0 or Organisation.objects.filter(code=TOWNSHIP_CODE).exists():
        return
    today = ctx.today
    district = Organisation.objects.get(pk=ctx.district_id)
    township = Organisation(
        code=TOWNSHIP_CODE,
        name="提醒规模测试镇",
        level=Organisation.Level.TOWNSHIP,
        parent=district,
    )
    township.save()
    villages = Domain.objects.get(code="villages")
    units = Organisation.objects.bulk_create(
        [
            Organisation(
                code=f"bench-remind-u{u}",
                name=f"提醒测试村{u + 1}",
                level=Organisation.Level.UNIT,
                unit_type=Organisation.UnitType.VILLAGE,
                main_domain=villages,
                parent=township,
                township=township,
                district=district,
            )
            for u in range(UNITS)
        ]
    )
    password = make_password(PASSWORD)
    users = User.objects.bulk_create(
        [
            User(
                username=f"bench-remind-liaison-{u}",
                full_name=f"提醒联络员{u}",
                email=f"bench-remind-{u}@bench.qingfeng.local",
                password=password,
            )
            for u in range(UNITS)
        ]
        + [User(username="bench-remind-office", full_name="提醒办公室", password=password)]
    )
    Role.objects.bulk_create(
        [
            Role(user=user, organisation=unit, kind=Role.Kind.LIAISON)
            for user, unit in zip(users, units, strict=False)
        ]
        + [Role(user=users[-1], organisation=township, kind=Role.Kind.OFFICE)]
    )
    campaign = Campaign.objects.create(
        township=township,
        year=today.year,
        name="提醒规模测试活动",
        start_date=today - dt.timedelta(days=300),
        end_date=today + dt.timedelta(days=60),
    )

    done_extra = total // 10
    n_periods = total + done_extra
    n_tasks = -(-n_periods // PERIODS_PER_TASK)
    tasks = Task.objects.bulk_create(
        [
            Task(
                campaign=campaign,
                domain=villages,
                title=f"提醒规模测试任务{t + 1}",
                lead_unit=units[t % UNITS],
                target_count=2,
                start_date=campaign.start_date,
                due_date=today + dt.timedelta(days=400),
            )
            for t in range(n_tasks)
        ],
        batch_size=2000,
    )
    batch: list[TaskPeriod] = []
    for k in range(n_periods):
        task = tasks[k // PERIODS_PER_TASK]
        index = k % PERIODS_PER_TASK + 1
        if k < total:
            due_today = k % 5 == 0
            achieved = 0
        else:  # already done, on a reminder date: must be skipped
            due_today, achieved = True, 2
        if due_today:
            due = today - dt.timedelta(days=REMINDER_OFFSETS[(k // 5) % len(REMINDER_OFFSETS)])
        else:
            due = today + dt.timedelta(days=8 + k % 300)
        batch.append(
            TaskPeriod(
                task=task,
                index=index,
                code=f"part:{index}",
                start_date=campaign.start_date,
                due_date=due,
                achieved=achieved,
            )
        )
        if len(batch) >= 5000:
            TaskPeriod.objects.bulk_create(batch)
            batch = []
    if batch:
        TaskPeriod.objects.bulk_create(batch)
    ctx.extra["reminder_township_id"] = township.pk
    ctx.write(f"    reminders: {total} open deadlines ({total // 5} due today), {n_tasks} tasks")
