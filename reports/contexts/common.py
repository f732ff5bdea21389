"""Pieces every report context shares: the header line, the date, the approximate figures."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today_or(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def header_for(campaign) -> str:
    return campaign.name


def approx(n: int) -> str:
    """A figure the way reports quote it: exact below 100, else "220余" (floored, 余 if cut)."""
    if n < 100:
        return str(n)
    step = 100 if n >= 1000 else 10
    floored = n - n % step
    return f"{floored}余" if floored != n else str(n)
