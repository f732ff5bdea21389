from organisations.access import scope_for
from organisations.models import Role
from organisations.navigation import nav_items, page_url


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    notifications_url = page_url("notifications:list")
    return {
        "nav_items": nav_items(scope, request.path),
        # the user's roles as Role.__str__ words them, from the roles scope_for read already
        "nav_roles": [
            f"{user} · {Role.Kind(kind).label} · {name}" for kind, name in scope.role_names
        ],
        "notifications_url": notifications_url,
        "qf_scope": scope,
    }
