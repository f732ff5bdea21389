"""Home-page panels: the current reminders, for liaisons and office staff.

One line per item: a rectification reminded 7 days before, on the day and twice while overdue
has four notifications; the panel shows the latest one only, and none once the item is done
(its provider no longer lists it as open)."""

from __future__ import annotations

from notifications.deadlines import PROVIDERS
from notifications.models import Notification
from notifications.titles import localise
from organisations.home import home_panel

SHOWN = 5
SCANNED = 60  # unread notifications looked at to find the current ones


def item_key(notification: Notification) -> tuple:
    """What a notification is about: the same item reminded again gives the same key (a
    monthly report is one item per month)."""
    reminder = notification.reminder
    if reminder is None:
        return ("notification", notification.pk)
    if reminder.kind == "monthly_report":
        return (reminder.kind, reminder.object_id, reminder.unit_id, reminder.deadline)
    return (reminder.kind, reminder.object_id, reminder.unit_id)


def current(notifications: list[Notification]) -> list[Notification]:
    """The latest notification per item, leaving out items no longer open."""
    latest: dict[tuple, Notification] = {}
    for notification in notifications:  # newest first
        latest.setdefault(item_key(notification), notification)
    by_kind: dict[str, set[int]] = {}
    for notification in latest.values():
        if notification.reminder is not None and notification.reminder.kind in PROVIDERS:
            by_kind.setdefault(notification.reminder.kind, set()).add(
                notification.reminder.object_id
            )
    still_open = {
        (kind, object_id)
        for kind, ids in by_kind.items()
        for kind_, object_id, _due in PROVIDERS[kind].open_keys(ids)
        if kind_ == kind
    }
    return [
        n
        for n in latest.values()
        if n.reminder is None
        or n.reminder.kind not in PROVIDERS
        or (n.reminder.kind, n.reminder.object_id) in still_open
    ]


def _unread(request, scope):
    recent = list(
        Notification.objects.filter(user=request.user, read_at__isnull=True)
        .select_related("reminder")
        .order_by("-id")[:SCANNED]
    )
    shown = localise(current(recent)[:SHOWN])
    if not shown:
        return None
    return {"template": "notifications/_partials/home_panel.html", "notifications": shown}


home_panel("liaison", order=5)(_unread)
home_panel("office", order=5)(_unread)
