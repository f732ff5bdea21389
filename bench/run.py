"""Run every bench/bench_*.py against the scale dataset and write bench/results.json.

DATABASE_URL=postgres://… [BENCH_LARGE_DATABASE_URL=postgres://…] python bench/run.py [name-filter]

Every figure records the data size it ran on (`records`: the activity records in the database).
With BENCH_LARGE_DATABASE_URL (a second database holding 10× the data, `bench/prepare.py
--records 2000000 --evidence 5000000 --tasks 50000`), the modules that say `EVERY_SIZE = True`
(the dashboards: their cost must not grow with the data) run again on it in the same run, so
results.json holds both sizes side by side (same name, different `records`).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 60)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("HTTPS", "false")
# Pages are measured signed in with force_login: no second-factor step in between.
os.environ.setdefault("TWO_FACTOR_REQUIRED", "false")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from bench.harness import Harness  # noqa: E402


def same_size(row: dict, figure) -> bool:
    before, now = row.get("records"), figure.records
    if not before or not now:
        return True
    return 0.5 < before / now < 2


def data_size() -> int:
    """The size of the data the figures run on: the activity records in the database."""
    from activities.models import ActivityRecord

    return ActivityRecord.objects.count()


def use_database(url: str) -> None:
    """Point the default connection at another database (same schema) and drop the cache, so
    that no figure of the other database is read from it."""
    import dj_database_url
    from django.core.cache import caches
    from django.db import connections

    connection = connections["default"]
    connection.close()
    target = dj_database_url.parse(url)
    for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT"):
        connection.settings_dict[key] = target[key]
    for cache in caches.all():
        cache.clear()


def main(argv: list[str]) -> int:
    if connection.vendor != "postgresql":
        print(
            "bench: DATABASE_URL must point at PostgreSQL holding generate_scale_data output",
            file=sys.stderr,
        )
        return 2
    only = argv[1] if len(argv) > 1 else ""
    harness = Harness(runs=int(os.environ.get("BENCH_RUNS", "30")))
    modules = [
        importlib.import_module(f"bench.{path.stem}")
        for path in sorted((ROOT / "bench").glob("bench_*.py"))
        if not only or only in path.stem
    ]
    harness.records = data_size()
    # How fast this machine runs plain Python now: figures taken on two machines (or under
    # different loads) compare through it. A fixed loop, no database.
    harness.call(
        "machine: reference loop (sum of 10,000,000 integers)",
        lambda: sum(range(10_000_000)),
        runs=5,
        warmup=1,
        count_queries=False,
        measure_memory=False,
        note=f"load average {os.getloadavg()[0]:.2f}",
    )
    for module in modules:
        print(f"# {module.__name__} ({harness.records:,} records)", flush=True)
        module.run(harness)
    large = os.environ.get("BENCH_LARGE_DATABASE_URL", "")
    again = [m for m in modules if getattr(m, "EVERY_SIZE", False)]
    if large and again:
        use_database(large)
        harness.records = data_size()
        for module in again:
            print(f"# {module.__name__} ({harness.records:,} records)", flush=True)
            module.run(harness)
    out = ROOT / "bench" / "results.json"
    existing = []
    if only and out.exists():
        # a partial run replaces its own figures (same name, same size of data: within a
        # factor of two, as records filed by other benches come and go) only
        existing = [
            row
            for row in json.loads(out.read_text())
            if not any(same_size(row, f) for f in harness.figures if f.name == row["name"])
        ]
    out.write_text(
        json.dumps(existing + [f.as_dict() for f in harness.figures], ensure_ascii=False, indent=2)
    )
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
