"""The verbs of the notifications app: reading notifications, policies and preferences.

The sweep itself is `notifications.sweep.run_sweep`, called by the beat task and `manage.py remind`.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from notifications.models import Notification, Preference, ReminderPolicy


def unread_count(user) -> int:
    """`Notification.objects.filter(user=user, read_at__isnull=True).count()` in plain SQL: the
    navigation badge asks on every page."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {Notification._meta.db_table}"  # noqa: S608 - table name from model meta
            " WHERE user_id = %s AND read_at IS NULL",
            [user.pk],
        )
        return cursor.fetchone()[0]


def mark_read(notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_read(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def policy_of(campaign) -> ReminderPolicy:
    """The campaign's policy, or an unsaved default (the defaults apply until edited)."""
    try:
        return campaign.reminder_policy
    except ReminderPolicy.DoesNotExist:
        return ReminderPolicy(campaign=campaign)


@transaction.atomic
def save_policy(campaign, data: dict, by) -> ReminderPolicy:
    """Store the campaign's policy; it applies from the next sweep (rows already planned for
    today keep their schedule, future ones follow the new policy)."""
    policy = policy_of(campaign)
    for field, value in data.items():
        setattr(policy, field, value)
    policy._history_user = by
    policy.save()
    return policy


def preference_of(user) -> Preference:
    try:
        return user.notification_preference
    except Preference.DoesNotExist:
        return Preference(user=user)


@transaction.atomic
def save_preference(user, email_mode: str) -> Preference:
    preference, _ = Preference.objects.update_or_create(
        user=user, defaults={"email_mode": email_mode}
    )
    return preference
