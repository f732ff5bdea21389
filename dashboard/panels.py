"""The leaders' home panel: the headline figures of their township's dashboard."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from organisations.home import home_panel


@home_panel("leader", order=10)
def leader_headline(request, scope) -> dict | None:
    from dashboard import cached
    from dashboard.access import get_township_for

    township_ids = sorted(scope.leader_townships)
    if not township_ids:
        return None
    today = timezone.localdate()
    found = get_township_for(request.user, township_ids[0], today=today)
    if found.campaign is None:
        return None
    figures = cached.township(found.township, today, found.campaign)
    return {
        "template": "dashboard/_partials/home_leader.html",
        "figures": figures,
        "owes_base": reverse("dashboard:township_detail", args=[found.township.pk]),
    }
