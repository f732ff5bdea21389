"""Fixtures of the ledger tests: a private media folder, a record-changed spy, tasks."""

from __future__ import annotations

import pytest

from activities import recount
from tests.factories import TODAY, TaskFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Each test writes evidence into its own folder (other suites share var/test-media)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.PROTECTED_MEDIA_ACCEL_PREFIX = ""
    return settings.MEDIA_ROOT


def files_on_disk(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def changed(monkeypatch):
    """(record ids, task ids counted before) passed to the one hook, call by call; calls that
    touch nothing counted (a draft saved, a record submitted) are left out."""
    calls: list[list[int]] = []

    def spy(record_ids=(), before=()):
        before = list(before)
        now = recount.footprints(record_ids).values()
        if any(f.counted for f in [*before, *now]):
            tasks = set().union(*(f.task_ids for f in before if f.counted))
            calls.append((sorted(record_ids), sorted(tasks)))

    monkeypatch.setattr("activities.recount.records_changed", spy)
    return calls


@pytest.fixture
def today(time_machine):
    time_machine.move_to(TODAY.isoformat() + " 10:00:00+08:00", tick=False)
    return TODAY


@pytest.fixture
def task_a1(world):
    return TaskFactory(campaign=world.campaign_a, lead_unit=world.unit_a1)


@pytest.fixture
def task_a2(world):
    return TaskFactory(campaign=world.campaign_a, lead_unit=world.unit_a2)
