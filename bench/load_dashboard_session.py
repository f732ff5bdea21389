"""Print a `Cookie:` value for a logged-in session of one user (for bench/load_dashboard.sh).

DATABASE_URL=postgres://… python bench/load_dashboard_session.py bench-office-0
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from organisations.models import User  # noqa: E402


def main(username: str) -> int:
    client = Client()
    client.force_login(User.objects.get(username=username))
    print(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "bench-office-0"))
