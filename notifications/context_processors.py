from notifications.services import unread_count


def unread(request):
    """The unread-notification count for the navigation badge (one COUNT per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": unread_count(user)}
