"""The leaders' home panel: the headline figures of their township's dashboard."""

from __future__ import annotations

from django.utils import timezone

from organisations.home import home_panel
from organisations.models import Organisation


@home_panel("leader", order=10)
def leader_headline(request, scope) -> dict | None:
    from dashboard.figures import township_figures

    township_ids = sorted(scope.leader_townships)
    if not township_ids:
        return None
    township = Organisation.objects.townships().filter(pk=township_ids[0]).first()
    if township is None:
        return None
    figures = township_figures(township, timezone.localdate())
    if figures.campaign is None:
        return None
    return {"template": "dashboard/_partials/home_leader.html", "figures": figures}
