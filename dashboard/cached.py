"""The township and district figures, kept for a short while in the cache (50 leaders
reloading one page).

The figures are computed from the rows (dashboard.figures); a copy is kept under a key that
changes whenever the campaign's approved records change (activities.recount bumps the
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

from dashboard.figures import (
    DistrictFigures,
    TownshipFigures,
    district_figures,
    township_figures,
)

PREFIX = "qf:dashboard"


def seconds() -> int:
    return int(getattr(settings, "DASHBOARD_CACHE_SECONDS", 60))


def _version_key(campaign_id: int) -> str:
    return f"{PREFIX}:v:{campaign_id}"


def _district_key(district_id: int) -> str:
    return f"{PREFIX}:dv:{district_id}"


def records_changed(campaign_ids, district_ids=()) -> None:
    """Called by activities.recount (and dashboard.tallies.rebuild) after a commit that changed these campaigns' records (in
    these districts)."""
    stamp = time.time_ns()
    keys = {_version_key(c): stamp for c in campaign_ids}
    keys.update({_district_key(d): stamp for d in district_ids if d})
    cache.set_many(keys, timeout=None)


def district(place, today: dt.date) -> DistrictFigures:
    """`district_figures(...)`, from the cache when a fresh copy is there."""
    ttl = seconds()
    if ttl <= 0:
        return district_figures(place, today)
    version = cache.get(_district_key(place.pk), 0)
    key = f"{PREFIX}:d:{place.pk}:{place.code}:{version}:{today}"
    figures = cache.get(key)
    if figures is None:
        figures = district_figures(place, today)
        cache.set(key, figures, timeout=ttl)
    return figures


def township_key(campaign, today: dt.date) -> str:
    """The key of the campaign's figures now ("" when nothing is cached)."""
    if campaign is None or seconds() <= 0:
        return ""
    version = cache.get(_version_key(campaign.pk), 0)
    # created_at tells two campaigns that happen to reuse an id apart (test databases)
    return f"{PREFIX}:t:{campaign.pk}:{campaign.created_at.timestamp()}:{version}:{today}"


def township(
    township, today: dt.date, campaign, campaign_domains, key: str | None = None
) -> TownshipFigures:
    """`township_figures(...)`, from the cache when a fresh copy is there."""
    key = township_key(campaign, today) if key is None else key
    if not key:
        return township_figures(
            township, today, campaign=campaign, campaign_domains=campaign_domains
        )
    figures = cache.get(key)
    if figures is None:
        figures = township_figures(
            township, today, campaign=campaign, campaign_domains=campaign_domains
        )
        figures.cache_key = key
        cache.set(key, figures, timeout=seconds())
    return figures
