"""`make clean` leaves the embedded database and media alone; `make clean-data` asks first
(issue 11 item 10). Run in a scratch copy of the Makefile, never in the checkout."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def scratch(tmp_path):
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / "var" / "media" / "evidence").mkdir(parents=True)
    (tmp_path / "var" / "qingfeng.sqlite3").write_bytes(b"SQLite format 3\0")
    (tmp_path / "var" / "media" / "evidence" / "photo.jpg").write_bytes(b"\xff\xd8")
    (tmp_path / "var" / "static").mkdir()
    return tmp_path


def make(folder: Path, target: str, answer: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "-s", target], cwd=folder, input=answer, capture_output=True, text=True
    )


def test_clean_keeps_the_data(scratch):
    assert make(scratch, "clean").returncode == 0
    assert not (scratch / ".venv").exists() and not (scratch / "var" / "static").exists()
    assert (scratch / "var" / "qingfeng.sqlite3").exists()
    assert (scratch / "var" / "media" / "evidence" / "photo.jpg").exists()


def test_clean_data_asks_first(scratch):
    assert make(scratch, "clean-data", "no\n").returncode != 0
    assert (scratch / "var" / "qingfeng.sqlite3").exists()
    assert make(scratch, "clean-data", "yes\n").returncode == 0
    assert not (scratch / "var").exists()
