from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (keeps filters across pages)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def percent(part, whole) -> int:
    try:
        return round(100 * float(part) / float(whole)) if whole else 0
    except (TypeError, ValueError):
        return 0


@register.simple_tag(takes_context=True)
def person_phone(context, person) -> str:
    """{% person_phone user %}: the phone as the viewing user may see it (organisations.display)."""
    from organisations.display import phone_for

    request = context.get("request")
    return phone_for(getattr(request, "user", None), person)
