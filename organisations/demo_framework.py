"""What `load_demo` and `generate_scale_data` share: the order of the apps' parts.

Each app may have a `demo.py` with `load(ctx: DemoContext)` and a `scale.py` with
`generate(ctx: ScaleContext)`; the commands call them in this order, so each part can use
what the earlier parts made (the campaign before its tasks, tasks before records, …).
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from dataclasses import dataclass, field
from typing import Any

PART_ORDER = [
    "organisations",
    "campaigns",
    "activities",
    "monthly",
    "sites",
    "assessments",
    "notifications",
    "reports",
    "dashboard",
]


def parts(module_name: str):
    for app in PART_ORDER:
        name = f"{app}.{module_name}"
        if importlib.util.find_spec(name) is not None:
            yield app, importlib.import_module(name)


@dataclass
class DemoContext:
    today: dt.date
    write: Any  # a callable that prints a line
    district: Any = None
    township: Any = None
    units: dict[str, Any] = field(default_factory=dict)  # unit code -> Organisation
    users: dict[str, Any] = field(default_factory=dict)  # login -> User
    campaign: Any = None
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (login, password, what)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ScaleContext:
    today: dt.date
    write: Any
    townships: int
    units: int
    tasks: int
    records: int
    evidence: int
    seed: int = 2026
    # filled in as the parts run
    district_id: int | None = None
    township_ids: list[int] = field(default_factory=list)
    unit_ids: list[int] = field(default_factory=list)
    unit_township: dict[int, int] = field(default_factory=dict)
    campaign_ids: dict[int, int] = field(default_factory=dict)  # township id -> campaign id
    extra: dict[str, Any] = field(default_factory=dict)
