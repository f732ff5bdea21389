"""`generate_scale_data` runs every app's part on a small size (PostgreSQL gets the full size in make bench)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from organisations.models import Organisation, Role

pytestmark = pytest.mark.django_db


def test_small_scale_dataset():
    out = io.StringIO()
    call_command(
        "generate_scale_data",
        "--townships",
        "2",
        "--units",
        "12",
        "--tasks",
        "40",
        "--records",
        "200",
        "--evidence",
        "300",
        "--allow-sqlite",
        stdout=out,
    )
    assert (
        Organisation.objects.filter(
            level=Organisation.Level.TOWNSHIP, code__startswith="bench-t"
        ).count()
        == 2
    )
    assert (
        Organisation.objects.filter(
            level=Organisation.Level.UNIT, code__startswith="bench-u"
        ).count()
        == 12
    )
    assert (
        Role.objects.filter(
            kind=Role.Kind.LIAISON, organisation__code__startswith="bench-u"
        ).count()
        == 12
    )
    assert "规模数据已生成" in out.getvalue()


def test_refuses_sqlite_without_flag(settings):
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("only meaningful on SQLite")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("generate_scale_data", stdout=io.StringIO())


def test_rejects_impossible_sizes():
    with pytest.raises(CommandError):
        call_command(
            "generate_scale_data",
            "--units",
            "1",
            "--townships",
            "5",
            "--allow-sqlite",
            stdout=io.StringIO(),
        )
