"""The township and district figures, kept for a short while in the cache (50 leaders
reloading one page).

The figures are computed from the rows (dashboard.figures); a copy is kept under a key that
changes whenever

* the campaign's approved records change (activities.recount bumps the campaign's version after
  each commit that touches them);
* anything else that alters a figure or a label changes: a save or delete of a unit, domain,
  campaign, phase, milestone, task, task period, site, criteria, assessment, score,
  rectification, notice or monthly report bumps one generation shared by every dashboard,
  after the commit (`connect()` wires the signals);
* the day changes (today is part of the key).

Bulk updates that bypass save() (progress recomputed after records change) are covered by the
record version; `figures_changed()` may be called by any other bulk writer.

With Redis (REDIS_URL) every process sees the same versions; with the local-memory cache of a
development run each process keeps its own copy, still bounded by the same time limit.
"""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from dashboard.figures import (
    DistrictFigures,
    TownshipFigures,
    district_figures,
    township_figures,
)

PREFIX = "qf:dashboard"


def seconds() -> int:
    return int(getattr(settings, "DASHBOARD_CACHE_SECONDS", 60))


GENERATION = f"{PREFIX}:gen"


def _generation() -> int:
    return cache.get(GENERATION, 0)


def _bump() -> None:
    cache.set(GENERATION, time.time_ns(), timeout=None)


def figures_changed() -> None:
    """Drop every cached dashboard after the current transaction commits (nothing if it rolls
    back). Each call registers its own callback: a set of one key, cheap even for a few hundred
    saves in one transaction (bulk loads bypass save() and bump once themselves)."""
    transaction.on_commit(_bump)


WATCHED = (
    "organisations.Organisation",
    "organisations.Domain",
    "campaigns.Campaign",
    "campaigns.CampaignDomain",
    "campaigns.Phase",
    "campaigns.Milestone",
    "campaigns.Task",
    "campaigns.TaskPeriod",
    "sites.Site",
    "assessments.CriteriaSet",
    "assessments.CriteriaItem",
    "assessments.Assessment",
    "assessments.ItemScore",
    "assessments.Rectification",
    "assessments.Notice",
    "assessments.NoticeEntry",
    "assessments.YearEndScore",
    "monthly.MonthlyReport",
)


def _changed(sender, raw=False, **kwargs) -> None:
    if not raw:
        figures_changed()


def connect() -> None:
    """From AppConfig.ready(): every save or delete of a watched model drops the caches."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    for label in WATCHED:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        uid = f"dashboard_figures_{label}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}_save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}_delete")


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
    key = f"{PREFIX}:d:{place.pk}:{place.code}:{version}:{_generation()}:{today}"
    figures = cache.get(key)
    if figures is None:
        figures = district_figures(place, today)
        cache.set(key, figures, timeout=ttl)
    return figures


def township_key(campaign, today: dt.date) -> str:
    """The key of the campaign's figures now ("" when nothing is cached)."""
    if campaign is None or seconds() <= 0:
        return ""
    versions = cache.get_many([_version_key(campaign.pk), GENERATION])
    version = versions.get(_version_key(campaign.pk), 0)
    generation = versions.get(GENERATION, 0)
    # created_at tells two campaigns that happen to reuse an id apart (test databases)
    stamp = campaign.created_at.timestamp()
    return f"{PREFIX}:t:{campaign.pk}:{stamp}:{version}:{generation}:{today}"


def township(township, today: dt.date, campaign, key: str | None = None) -> TownshipFigures:
    """`township_figures(...)`, from the cache when a fresh copy is there."""
    key = township_key(campaign, today) if key is None else key
    if not key:
        return township_figures(township, today, campaign=campaign)
    figures = cache.get(key)
    if figures is None:
        figures = township_figures(township, today, campaign=campaign)
        figures.cache_key = key
        cache.set(key, figures, timeout=seconds())
    return figures
