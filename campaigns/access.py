"""Who may see and change campaigns and tasks: the getters every campaigns view goes through.

Office staff of the township write; leaders (township or district) read; a liaison reads the
campaign of their township (its overview) and only the tasks their unit leads or co-hosts.
Everyone else gets 404.
"""

from __future__ import annotations

from campaigns.models import Campaign, Task
from organisations.access import Scope, get_object_for, scope_for


def _manages_campaign(scope: Scope, campaign: Campaign) -> bool:
    return scope.manages_township(campaign.township_id)


def get_campaign_for(user, pk, write: bool = False) -> Campaign:
    return get_object_for(
        user,
        Campaign.objects.select_related("township"),
        pk,
        write=write,
        can_write=_manages_campaign,
    )


def get_task_for(user, pk, write: bool = False) -> Task:
    return get_object_for(
        user,
        Task.objects.select_related("campaign", "domain", "lead_unit"),
        pk,
        write=write,
        can_write=lambda scope, task: scope.manages_township(task.campaign.township_id),
    )


def can_manage(user, campaign: Campaign) -> bool:
    return scope_for(user).manages_township(campaign.township_id)


def campaigns_for(user):
    """The campaigns the user may open, newest first."""
    return (
        Campaign.objects.visible_to(user)
        .select_related("township")
        .order_by("-year", "township__name")
    )


def current_campaigns(user) -> list[Campaign]:
    """Per township the user sees, its latest campaign (one query)."""
    latest: dict[int, Campaign] = {}
    for campaign in campaigns_for(user):
        latest.setdefault(campaign.township_id, campaign)
    return list(latest.values())
