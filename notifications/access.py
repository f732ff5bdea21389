"""Who may see and change what in the notifications app (through organisations.access)."""

from __future__ import annotations

from campaigns.models import Campaign
from notifications.models import Notification, ReminderPolicy
from organisations.access import get_object_for


class OwnQuerySet:
    """A user's notifications are theirs alone: anyone else gets 404."""

    def __init__(self, queryset):
        self.queryset = queryset
        self.model = queryset.model

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.queryset.none()
        return self.queryset.filter(user=user)


def get_notification_for(user, pk) -> Notification:
    return get_object_for(user, OwnQuerySet(Notification.objects.all()), pk)


def get_campaign_for_policy(user, pk, *, write: bool = False) -> Campaign:
    """Office staff of the township edit a campaign's reminder policy; whoever may read the
    campaign may read it; everyone else gets 404."""
    return get_object_for(
        user,
        Campaign.objects.select_related("township"),
        pk,
        write=write,
        can_write=lambda scope, campaign: scope.manages_township(campaign.township_id),
    )


def get_policy_for(user, pk) -> ReminderPolicy:
    return get_object_for(user, ReminderPolicy.objects.select_related("campaign"), pk)
