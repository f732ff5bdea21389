"""Locked accounts an office may see and unlock: those of people who hold a role in one of
the office's townships (the township itself or its units)."""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from organisations.models import Role, User


def township_usernames(township_ids) -> set[str]:
    return set(
        User.objects.filter(roles__organisation__township_id__in=township_ids).values_list(
            "username", flat=True
        )
    ) | set(
        Role.objects.filter(organisation_id__in=township_ids).values_list(
            "user__username", flat=True
        )
    )


def locked_usernames(usernames: set[str]) -> list[tuple[str, int]]:
    """(username, failures) of the accounts now locked, among `usernames`."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(username__in=usernames, attempt_time__gte=since)
        .values("username")
        .annotate(failures=Sum("failures_since_start"))
        .order_by("username")
    )
    return [
        (row["username"], row["failures"])
        for row in rows
        if row["failures"] >= settings.AXES_FAILURE_LIMIT
    ]


def unlock(username: str) -> int:
    return reset(username=username)


def cooloff_minutes() -> int:
    cooloff: dt.timedelta = settings.AXES_COOLOFF_TIME
    return int(cooloff.total_seconds() // 60)
