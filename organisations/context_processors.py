from django.urls import NoReverseMatch, reverse

from organisations.access import scope_for
from organisations.navigation import nav_items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    try:
        notifications_url = reverse("notifications:list")
    except NoReverseMatch:
        notifications_url = ""
    return {
        "nav_items": nav_items(scope, request.path),
        "nav_roles": [str(role) for role in user.roles.select_related("organisation")],
        "notifications_url": notifications_url,
        "qf_scope": scope,
    }
