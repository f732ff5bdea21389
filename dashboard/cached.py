"""The township figures, kept for a short while in the cache (50 leaders reloading one page).

The figures are computed from the rows (dashboard.figures); a copy is kept under a key that
changes whenever the campaign's approved records change (dashboard.tallies bumps the
campaign's version after each commit that touches them) and at midnight (today is part of
the key). Anything else (a task's target edited, a site assessed, a rectification closed)
shows within `DASHBOARD_CACHE_SECONDS` (60 s by default; 0 turns the cache off).

With Redis (REDIS_URL) every process sees the same versions; with the local-memory cache of a
development run each process keeps its own copy, still bounded by the same time limit.
"""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.core.cache import cache

from dashboard.figures import TownshipFigures, township_figures

PREFIX = "qf:dashboard"


def seconds() -> int:
    return int(getattr(settings, "DASHBOARD_CACHE_SECONDS", 60))


def _version_key(campaign_id: int) -> str:
    return f"{PREFIX}:v:{campaign_id}"


def records_changed(campaign_ids) -> None:
    """Called by dashboard.tallies after a commit that changed these campaigns' records."""
    stamp = time.time_ns()
    cache.set_many({_version_key(c): stamp for c in campaign_ids}, timeout=None)


def township(township, today: dt.date, campaign, campaign_domains) -> TownshipFigures:
    """`township_figures(...)`, from the cache when a fresh copy is there."""
    ttl = seconds()
    if campaign is None or ttl <= 0:
        return township_figures(
            township, today, campaign=campaign, campaign_domains=campaign_domains
        )
    version = cache.get(_version_key(campaign.pk), 0)
    # created_at tells two campaigns that happen to reuse an id apart (test databases)
    key = f"{PREFIX}:t:{campaign.pk}:{campaign.created_at.timestamp()}:{version}:{today}"
    figures = cache.get(key)
    if figures is None:
        figures = township_figures(
            township, today, campaign=campaign, campaign_domains=campaign_domains
        )
        cache.set(key, figures, timeout=ttl)
    return figures
