"""Run every bench/bench_*.py against the scale dataset and write bench/results.json.

DATABASE_URL=postgres://… python bench/run.py [name-filter]
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


def main(argv: list[str]) -> int:
    if connection.vendor != "postgresql":
        print(
            "bench: DATABASE_URL must point at PostgreSQL holding generate_scale_data output",
            file=sys.stderr,
        )
        return 2
    only = argv[1] if len(argv) > 1 else ""
    harness = Harness(runs=int(os.environ.get("BENCH_RUNS", "30")))
    for path in sorted((ROOT / "bench").glob("bench_*.py")):
        if only and only not in path.stem:
            continue
        print(f"# {path.stem}", flush=True)
        module = importlib.import_module(f"bench.{path.stem}")
        module.run(harness)
    out = ROOT / "bench" / "results.json"
    existing = []
    if only and out.exists():
        names = {f.name for f in harness.figures}
        existing = [row for row in json.loads(out.read_text()) if row["name"] not in names]
    out.write_text(
        json.dumps(existing + [f.as_dict() for f in harness.figures], ensure_ascii=False, indent=2)
    )
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
