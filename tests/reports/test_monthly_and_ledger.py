import datetime as dt

import pytest
import time_machine

from reports.contexts import ledger, monthly
from reports.engine import render_pdf
from tests.factories import TODAY, RecordFactory, UnitFactory, domain
from tests.reports.conftest import pdf_text


def squash(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines()]


@time_machine.travel(TODAY)
def test_monthly_context_counts_the_month_only(world, ledger_a, django_assert_num_queries):
    RecordFactory(
        campaign=world.campaign_a, unit=world.unit_a1, date=dt.date(2026, 5, 3), participants=11
    )
    from monthly import services as reports

    with django_assert_num_queries(6):
        ctx = monthly.build(world.campaign_a, {"month": "2026-06"})
    assert ctx["records"] == 9  # the ledger_a records are all on 2026-06-01
    assert ctx["participants"] == sum(r.participants for r in ledger_a)
    # June's reports are due on 5 July: nobody is missing yet
    assert ctx["units_total"] == 2 and not ctx["month_due"] and ctx["silent_units"] == []
    # May: a1 submitted its own report (records alone are not a report), a2 did not
    draft = reports.save_draft(
        world.campaign_a, world.unit_a1, dt.date(2026, 5, 1), summary="五月", notes="", by=None
    )
    reports.submit_report(draft, by=None, today=dt.date(2026, 6, 3))
    may = monthly.build(world.campaign_a, {"month": "2026-05"})
    assert may["records"] == 1 and may["participants"] == 11
    assert [u.name for u in may["silent_units"]] == ["甲二村"]
    assert may["completeness"] == 50 and may["late_units"] == []
    march = monthly.build(world.campaign_a, {"month": "2026-03"})  # covered from the 20th
    assert not march["month_covered"] and march["silent_units"] == []


@time_machine.travel(TODAY)
def test_monthly_query_count_fixed(world, django_assert_num_queries):
    units = [UnitFactory(parent=world.township_a) for _ in range(8)]
    for i in range(40):
        RecordFactory(
            campaign=world.campaign_a, unit=units[i % 8], date=dt.date(2026, 6, 1 + i % 20)
        )
    with django_assert_num_queries(6):
        ctx = monthly.build(world.campaign_a, {"month": "2026-06"})
    assert ctx["records"] == 40


@time_machine.travel(TODAY)
def test_monthly_pdf_equals_database(world, ledger_a, tmp_path, needs_poppler):
    ctx = monthly.build(world.campaign_a, {"month": "2026-06"})
    text = pdf_text(render_pdf("reports/monthly.html", ctx).pdf, tmp_path)
    flat = text.replace(" ", "")
    assert "甲镇2026年6月廉政信息月报" in flat
    people = sum(r.participants for r in ledger_a)
    assert f"全镇共开展廉政文化活动9次，参加{people}人次" in flat
    assert "本月月报于2026年7月5日前报送，尚未到期" in flat
    for r in ledger_a:
        assert r.title in text


@time_machine.travel(TODAY)
def test_ledger_context_and_pdf(
    world, ledger_a, tmp_path, django_assert_num_queries, needs_poppler
):
    for _i in range(20):
        RecordFactory(campaign=world.campaign_a, unit=world.unit_a2, domain=domain("families"))
    with django_assert_num_queries(5):  # + the township's wording of the measures
        ctx = ledger.build(world.campaign_a, {})
    assert [d["records"] for d in ctx["domains"]] == [3, 6, 20]
    assert ctx["summary"].records == 29
    text = pdf_text(render_pdf("reports/ledger.html", ctx).pdf, tmp_path)
    lines = squash(text)
    assert f"合计 29 {ctx['summary'].participants}" in lines
    assert "进学校 3 303" in lines
    assert text.count("廉政党课第") >= 26  # every record title is listed


@time_machine.travel(TODAY)
@pytest.mark.parametrize("workers", [1, 2])
def test_long_ledger_is_laid_out_in_parts(
    world, ledger_a, tmp_path, settings, monkeypatch, workers, needs_poppler
):
    settings.REPORT_WORKERS = workers
    for i in range(60):
        RecordFactory(
            campaign=world.campaign_a,
            unit=world.unit_a2,
            domain=domain("families"),
            title=f"家庭助廉活动{i:02d}",
        )
    monkeypatch.setattr(ledger, "PART_ROWS", 25)
    ctx = ledger.build(world.campaign_a, {})
    assert [p["rows"] for p in ctx["parts"]] == [9, 25, 25, 10]
    rendered = ledger.render(ctx)
    text = pdf_text(rendered.pdf, tmp_path)
    flat = text.replace(" ", "")
    for i in range(60):
        assert f"家庭助廉活动{i:02d}" in flat
    assert "进家庭（续）" in flat
    assert f"合计{ctx['summary'].records}{ctx['summary'].participants}" in flat.replace("\n", "")
    pages = text.split("\f")
    for number, page in enumerate(pages[: rendered.pages], start=1):
        assert f"第{number}页共{rendered.pages}页" in page.replace(" ", "")


@time_machine.travel(TODAY)
@pytest.mark.parametrize("workers", [1, 2])
def test_long_monthly_report_is_laid_out_in_parts(
    world, tmp_path, settings, monkeypatch, workers, needs_poppler
):
    """A long month goes through the chapter workers and the chapter cache like the dossier:
    parts of whole days, footers on every page, an outline entry per section, and a record
    changed on one day lays out that day's part only."""
    import pikepdf

    from activities.models import ActivityRecord

    settings.REPORT_WORKERS = workers
    records = [
        RecordFactory(
            campaign=world.campaign_a,
            unit=world.unit_a1 if i % 2 else world.unit_a2,
            date=dt.date(2026, 6, 1 + i % 10),
            title=f"六月廉政活动{i:02d}",
            participants=10 + i,
        )
        for i in range(40)
    ]
    monkeypatch.setattr(monthly, "PART_ROWS", 10)
    monkeypatch.setattr(monthly, "PART_MAX_ROWS", 7)
    ctx = monthly.build(world.campaign_a, {"month": "2026-06"})
    parts = ctx["parts"]
    # four a day: days 1–3 (12 rows: 7 + 5), 4–6, 7–9 (the same), 10 (4), then the grid
    assert [len(p["rows"]) for p in parts] == [7, 5, 7, 5, 7, 5, 4, 0]
    assert parts[0]["head"] and parts[-1]["grid"]
    assert [p["span"]["first"].day for p in parts[:-1]] == [1, 2, 4, 5, 7, 8, 10]
    assert parts[1]["span"]["continued"] and not parts[2]["span"]["continued"]
    rendered = monthly.render(ctx)
    assert ctx["_laid_out"] >= len(parts) and ctx["_reused"] == 0
    (tmp_path / "monthly.pdf").write_bytes(rendered.pdf)
    text = pdf_text(rendered.pdf, tmp_path)
    flat = text.replace(" ", "")
    people = sum(r.participants for r in records)
    assert f"全镇共开展廉政文化活动40次，参加{people}人次" in flat
    for r in records:
        assert r.title in flat
    assert "6月2日至6月3日（续）" in flat and "6月4日至6月5日" in flat
    pages = text.split("\f")
    for number, page in enumerate(pages[: rendered.pages], start=1):
        assert f"第{number}页共{rendered.pages}页" in page.replace(" ", "")
    with pikepdf.open(tmp_path / "monthly.pdf") as pdf:
        assert str(pdf.Root.Lang) == "zh-CN" and pdf.open_metadata().pdfa_status == "3B"
        with pdf.open_outline() as outline:
            entries = [(i.title, pdf.pages.index(i.destination[0])) for i in outline.root]
    assert [t for t, _ in entries] == [
        "一、本月概况",
        "二、月报报送情况",
        "三、活动明细",
        "四、各单位逐月活动记录",
    ]
    assert "四、各单位逐月活动记录" in pages[entries[-1][1]].replace(" ", "")
    # the same month again: every part from the chapter cache; one title changed: its part
    again = monthly.build(world.campaign_a, {"month": "2026-06"})
    monthly.render(again)
    assert again["_laid_out"] == 0
    ActivityRecord.objects.filter(pk=records[4].pk).update(title="六月廉政活动（改）")  # 6月5日
    changed = monthly.build(world.campaign_a, {"month": "2026-06"})
    rendered = monthly.render(changed)
    assert changed["_laid_out"] == 1
    assert "六月廉政活动（改）" in pdf_text(rendered.pdf, tmp_path).replace(" ", "")
