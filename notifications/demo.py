"""Demo reminders: the campaign's policy written out, one liaison on the daily digest, and this
morning's sweep run so that bells have something to show (emails go to the console backend)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from notifications.models import Preference, ReminderPolicy
from notifications.sweep import run_sweep


def load(ctx) -> None:
    if ctx.campaign is None:
        return
    ReminderPolicy.objects.get_or_create(campaign=ctx.campaign)
    digest_user = ctx.users.get("liaison-school-primary")
    if digest_user is not None:
        Preference.objects.get_or_create(
            user=digest_user, defaults={"email_mode": Preference.EmailMode.DIGEST}
        )
    morning = dt.datetime.combine(ctx.today, dt.time(9, 0), tzinfo=timezone.get_current_timezone())
    run = run_sweep(now=morning)
    if run is not None:
        ctx.write(
            f"  reminders: {run.sent} sent this morning, {run.digests} digests "
            f"(run `manage.py remind --dry-run` to see what is due now)"
        )
