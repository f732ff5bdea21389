import json

import pytest
import time_machine
from django.core.management import CommandError, call_command

from tests.factories import TODAY


@time_machine.travel(TODAY)
def test_render_report_writes_a_pdf(world, domains_a, ledger_a, tmp_path, capsys):
    out = tmp_path / "work.pdf"
    call_command(
        "render_report", "work-report", "--campaign", str(world.campaign_a.pk), "-o", str(out)
    )
    assert out.read_bytes().startswith(b"%PDF")
    assert "3 pages" in capsys.readouterr().out


@time_machine.travel(TODAY)
def test_render_report_stats(world, ledger_a, tmp_path, capsys):
    out = tmp_path / "monthly.pdf"
    call_command(
        "render_report",
        "monthly",
        "--campaign",
        str(world.campaign_a.pk),
        "--month",
        "2026-06",
        "-o",
        str(out),
        "--stats",
    )
    stats = json.loads(capsys.readouterr().out)
    assert stats["pages"] >= 1 and stats["main_peak_mib"] > 0


def test_render_report_errors(world, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command(
            "render_report", "ledger", "--campaign", "999999", "-o", str(tmp_path / "x.pdf")
        )
    with pytest.raises(CommandError, match="请填写月份"):
        call_command(
            "render_report",
            "monthly",
            "--campaign",
            str(world.campaign_a.pk),
            "-o",
            str(tmp_path / "x.pdf"),
        )
    with pytest.raises(CommandError, match="还没有通报"):
        call_command(
            "render_report",
            "notice",
            "--campaign",
            str(world.campaign_a.pk),
            "-o",
            str(tmp_path / "x.pdf"),
        )
