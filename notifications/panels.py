"""Home-page panels: the latest unread reminders, for liaisons and office staff."""

from __future__ import annotations

from notifications.models import Notification
from organisations.home import home_panel


def _unread(request, scope):
    latest = list(
        Notification.objects.filter(user=request.user, read_at__isnull=True).order_by("-id")[:5]
    )
    if not latest:
        return None
    return {"template": "notifications/_partials/home_panel.html", "notifications": latest}


home_panel("liaison", order=5)(_unread)
home_panel("office", order=5)(_unread)
