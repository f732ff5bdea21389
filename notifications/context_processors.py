def unread(request):
    """The unread-notification count for the navigation badge (filled in by the reminders work)."""
    return {"unread_notifications": 0}
