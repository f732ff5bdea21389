"""Make sure the benchmark database holds the district-scale dataset (built once).

    DATABASE_URL=postgres://… python bench/prepare.py [generate_scale_data options]

Migrates, then runs `generate_scale_data` unless the data is already there. Pass --rebuild to
drop the public schema first and build from scratch.
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

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def main(argv: list[str]) -> int:
    if connection.vendor != "postgresql":
        print("bench: DATABASE_URL must point at PostgreSQL", file=sys.stderr)
        return 2
    args = [a for a in argv[1:] if a != "--rebuild"]
    if "--rebuild" in argv:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", "--noinput", verbosity=0)
    from organisations.models import Organisation

    if Organisation.objects.filter(code="bench-district").exists():
        print("bench: scale data already present (use --rebuild to regenerate)")
        return 0
    call_command("generate_scale_data", *args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
