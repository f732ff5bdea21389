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


def get_township_for_channels(user, pk):
    """A township whose channel settings the user manages (its office): an outsider gets 404,
    someone who only reads the township (a leader) 403."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from organisations.access import scope_for
    from organisations.models import Organisation

    try:
        township = Organisation.objects.townships().get(pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    scope = scope_for(user)
    if scope.manages_township(township.pk):
        return township
    if scope.reads_township(township.pk, township.district_id):
        raise PermissionDenied
    raise Http404


def _office_writes(scope, obj) -> bool:
    township_id = getattr(obj, "township_id", None)
    if township_id is None:
        township_id = obj.config.township_id
    return scope.manages_township(township_id)


def get_channel_for(user, pk):
    """A channel setting: only its township's office may open it (leaders 403, others 404)."""
    from notifications.channel_models import ChannelConfig

    return get_object_for(
        user,
        ChannelConfig.objects.select_related("township", "unit"),
        pk,
        write=True,
        can_write=_office_writes,
    )


def get_channel_message_for(user, pk):
    from notifications.channel_models import OutboundMessage

    return get_object_for(
        user,
        OutboundMessage.objects.select_related("config"),
        pk,
        write=True,
        can_write=_office_writes,
    )
