"""Demo reminders: the campaign's policy written out, one liaison on the daily digest, and the
sweeps of the last two weeks replayed (each at its morning) so that bells and the office's
"who is late" digest have something to show. Emails go to the console backend once a worker
runs. Replayed only on the first load: a second load changes nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from notifications.models import Preference, ReminderPolicy, SweepRun
from notifications.sweep import run_sweep

REPLAY_DAYS = 13


def load(ctx) -> None:
    if ctx.campaign is None:
        return
    ReminderPolicy.objects.get_or_create(campaign=ctx.campaign)
    digest_user = ctx.users.get("liaison-school-primary")
    if digest_user is not None:
        Preference.objects.get_or_create(
            user=digest_user, defaults={"email_mode": Preference.EmailMode.DIGEST}
        )
    if SweepRun.objects.exists():
        return
    tz = timezone.get_current_timezone()
    sent = 0
    for days_ago in range(REPLAY_DAYS, -1, -1):
        day = ctx.today - dt.timedelta(days=days_ago)
        # past mornings before the digest hour; today after it, so today's digests go out
        at = dt.time(8, 40) if days_ago else dt.time(9, 0)
        run = run_sweep(now=dt.datetime.combine(day, at, tzinfo=tz))
        sent += run.sent if run else 0
    ctx.write(
        f"  reminders: {sent} sent over the last {REPLAY_DAYS + 1} mornings "
        "(`manage.py remind --dry-run` lists what is due now)"
    )
