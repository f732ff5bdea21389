"""Every URL of the portal refuses a signed-in user who holds no role.

The demo campaign is loaded so that real objects sit behind the small primary keys tried
here; each view must answer an outsider with 403, 404 or 405, or (list pages) with a page
that shows none of the demo township's data — whatever the method. The few pages any
signed-in user may open are listed.
"""

from __future__ import annotations

import io
import itertools

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Pages that are a user's own, or public: (namespace-qualified) URL names.
OPEN_TO_ANY_USER = {
    "home",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    # the user's own account security: second factor, recovery codes
    "accounts:otp_verify",
    "accounts:otp_enroll",
    "accounts:security",
    "accounts:recovery_codes",
    "set_language",
    "health",
    "favicon",
    "notifications:list",
    "notifications:health",
    "notifications:mark_read",
    "notifications:mark_all_read",
    "notifications:read_all",
    "notifications:preferences",
    "notifications:channel_preferences",
    "notifications:open",
}
SKIP_NAMESPACES = {"admin"}
REFUSED = {403, 404, 405}


def walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns in SKIP_NAMESPACES:
                continue
            full_ns = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else ns
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), full_ns or "")
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield name, prefix + str(entry.pattern), entry.pattern.converters


def urls_to_try():
    for name, route, converters in walk(get_resolver().url_patterns):
        if name in OPEN_TO_ANY_USER or route.startswith(("static/", "media/", "__")):
            continue
        if not converters:
            yield name, "/" + route.split("<")[0]
            continue
        values = []
        for arg, converter in converters.items():
            kind = type(converter).__name__
            if kind == "IntConverter":
                values.append([(arg, str(n)) for n in (1, 2)])
            elif arg == "label":
                values.append([(arg, "organisations.organisation")])
            elif arg in {"kind", "report_kind"}:
                values.append(
                    [(arg, k) for k in ("dossier", "work-report", "notice", "monthly", "ledger")]
                )
            else:
                values.append([(arg, "x")])
        for combo in itertools.product(*values):
            path = route
            for arg, value in combo:
                path = path.replace(f"<{arg}>", value)
                for conv in ("int", "str", "slug", "path", "uuid"):
                    path = path.replace(f"<{conv}:{arg}>", value)
            yield name, "/" + path


def demo_secrets() -> list[str]:
    from campaigns.models import Campaign
    from organisations.models import Organisation

    township = Organisation.objects.get(code="qingxi-town")
    names = list(Organisation.objects.filter(township=township).values_list("name", flat=True))
    names += list(Campaign.objects.filter(township=township).values_list("name", flat=True))
    return [n for n in names if n]


def test_outsider_is_refused_everywhere(client, caplog):
    caplog.set_level("ERROR", logger="django.request")
    call_command("load_demo", stdout=io.StringIO())
    secrets = demo_secrets()
    outsider = UserFactory(username="no-role-at-all")
    client.force_login(outsider)
    leaks = []
    tried = 0
    for name, path in urls_to_try():
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            tried += 1
            if response.status_code in REFUSED:
                continue
            body = response.content.decode(errors="replace") if response.status_code == 200 else ""
            shown = [secret for secret in secrets if secret in body]
            if response.status_code != 200 or shown:
                leaks.append(
                    f"{method.upper()} {path} ({name}) -> {response.status_code} {shown[:3]}"
                )
    assert tried > 10
    assert not leaks, "outsider reached:\n" + "\n".join(leaks)
