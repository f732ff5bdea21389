"""The acceptance dashboard at district scale: the big township, an ordinary one, the district.

The big township (bench-t0) holds the big campaign (all tasks and their periods) and its share
of the records; the district view puts every township side by side.
"""

from __future__ import annotations

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dashboard.figures import district_figures, township_figures
from organisations.models import Organisation


def run(h) -> None:
    big = Organisation.objects.get(code="bench-t0")
    other = Organisation.objects.filter(code="bench-t1").first() or big
    district = Organisation.objects.get(code="bench-district")
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM activities_activityrecord")
        records = cursor.fetchone()[0]
    note = f"{records} records"
    h.page(
        "dashboard: township (office, big campaign)",
        "bench-office-0",
        reverse("dashboard:township"),
        note=note,
    )
    h.page(
        "dashboard: township (leader, big campaign)",
        "bench-leader-0",
        reverse("dashboard:township_detail", args=[big.pk]),
        note=note,
    )
    h.page(
        "dashboard: township (office, ordinary)",
        f"bench-office-{1 if other != big else 0}",
        reverse("dashboard:township"),
        note=note,
    )
    h.page(
        "dashboard: township drill-in (district reviewer)",
        "bench-reviewer",
        reverse("dashboard:township_detail", args=[big.pk]),
        note=note,
    )
    h.page(
        "dashboard: district (reviewer)", "bench-reviewer", reverse("dashboard:district"), note=note
    )
    h.page("dashboard: leader home (headline panel)", "bench-leader-0", reverse("home"), note=note)
    h.call("dashboard: township_figures() service", lambda: township_figures(big, today), note=note)
    h.call(
        "dashboard: district_figures() service",
        lambda: district_figures(district, today),
        note=note,
    )
