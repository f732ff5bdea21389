"""Make sure the benchmark database holds the district-scale dataset (built once).

    DATABASE_URL=postgres://… python bench/prepare.py [generate_scale_data options]

Migrates, then runs `generate_scale_data` unless the data is already there — and as large as
asked: a database holding fewer records, evidence rows or tasks than the options ask for (say the
200,000-record set when `--records 2000000` is asked) is rebuilt. Pass --rebuild to drop the
public schema first and build from scratch whatever is there.

The 10× set for the dashboards' flatness figures (bench/run.py BENCH_LARGE_DATABASE_URL):

    DATABASE_URL=postgres://…/qingfeng_bench_2m python bench/prepare.py \
        --records 2000000 --evidence 5000000 --tasks 50000
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
    rebuild = "--rebuild" in argv
    if not rebuild:
        call_command("migrate", "--noinput", verbosity=0)
        present = held()
        if present is not None:
            short = smaller_than_asked(present, asked(args))
            if not short:
                print(f"bench: scale data already present ({describe(present)})")
                return 0
            print(f"bench: the database holds less than asked ({', '.join(short)}): rebuilding")
            rebuild = True
    if rebuild:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        call_command("migrate", "--noinput", verbosity=0)
    call_command("generate_scale_data", *args)
    return 0


SIZES = ("records", "evidence", "tasks")


def asked(args: list[str]) -> dict[str, int]:
    """The sizes the generate_scale_data options ask for (its defaults where not given)."""
    from organisations.management.commands.generate_scale_data import Command

    options = Command().create_parser("manage.py", "generate_scale_data").parse_args(args)
    return {name: getattr(options, name) for name in SIZES}


def held() -> dict[str, int] | None:
    """The sizes of the scale data in the database (None when there is none)."""
    from activities.models import ActivityRecord, Evidence
    from campaigns.models import Task
    from organisations.models import Organisation

    if not Organisation.objects.filter(code="bench-district").exists():
        return None
    return {
        "records": ActivityRecord.objects.count(),
        "evidence": Evidence.objects.count(),
        # the big campaign's tasks (other parts add a few of their own elsewhere)
        "tasks": Task.objects.filter(campaign__name="规模测试活动1").count(),
    }


def smaller_than_asked(present: dict[str, int], wanted: dict[str, int]) -> list[str]:
    return [
        f"{name} {present[name]:,} < {wanted[name]:,}"
        for name in SIZES
        if present[name] < wanted[name]
    ]


def describe(present: dict[str, int]) -> str:
    return ", ".join(f"{present[name]:,} {name}" for name in SIZES)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
