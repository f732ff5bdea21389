"""The acceptance dashboard at district scale: the big township, an ordinary one, the district.

The big township (bench-t0) holds the big campaign (all tasks and their periods) and its share
of the records; the district view puts every township side by side. "cold" figures clear the
cache before every run (the figures computed from the stored tallies); the "warm" ones are what
a reload within a minute costs (dashboard.cached: the figures and the page's tables come from
the cache). The module runs at every data size bench/run.py is given (EVERY_SIZE): the
dashboards must cost the same at 200,000 and at 2,000,000 records.
"""

from __future__ import annotations

from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from activities.models import ActivityRecord
from dashboard.figures import district_figures, township_figures
from organisations.models import Organisation

EVERY_SIZE = True


def clear_caches() -> None:
    """Cold: the shared cache and this process's rendered fragments."""
    for cache in caches.all():
        cache.clear()


def cold(client, url: str):
    """A page load with every cache emptied first."""

    def load():
        clear_caches()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return load


def run(h) -> None:
    big = Organisation.objects.get(code="bench-t0")
    other = Organisation.objects.filter(code="bench-t1").first() or big
    district = Organisation.objects.get(code="bench-district")
    today = timezone.localdate()
    note = f"{ActivityRecord.objects.count()} records"
    mine = reverse("dashboard:township")
    big_url = reverse("dashboard:township_detail", args=[big.pk])

    office = h.client_for("bench-office-0")

    h.call("dashboard: township (office, big campaign, cold)", cold(office, mine), note=note)
    h.page("dashboard: township (office, big campaign, warm)", "bench-office-0", mine, note=note)
    h.page("dashboard: township (leader, big campaign, warm)", "bench-leader-0", big_url, note=note)
    ordinary = "bench-office-1" if other != big else "bench-office-0"
    ordinary_client = h.client_for(ordinary)
    h.call("dashboard: township (office, ordinary, cold)", cold(ordinary_client, mine), note=note)
    h.page(
        "dashboard: township drill-in (district reviewer, warm)",
        "bench-reviewer",
        big_url,
        note=note,
    )
    reviewer = h.client_for("bench-reviewer")
    district_url = reverse("dashboard:district")
    h.call("dashboard: district (reviewer, cold)", cold(reviewer, district_url), note=note)
    h.page(
        "dashboard: district (reviewer, warm)",
        "bench-reviewer",
        reverse("dashboard:district"),
        note=note,
    )
    h.page(
        "dashboard: leader home (headline panel, warm)",
        "bench-leader-0",
        reverse("home"),
        note=note,
    )
    units_url = reverse("dashboard:township_units", args=[big.pk])
    trend_url = reverse("dashboard:township_trend", args=[big.pk])
    h.call(
        "dashboard: every lagging unit (office, big campaign, cold)",
        cold(office, units_url),
        note=note,
    )
    h.page(
        "dashboard: trend by type (office, big campaign, warm)",
        "bench-office-0",
        trend_url,
        note=note,
    )
    h.call(
        "dashboard: township_figures() big campaign",
        lambda: township_figures(big, today),
        note=note,
    )
    h.call("dashboard: district_figures()", lambda: district_figures(district, today), note=note)
