"""Report rendering on the big campaign: context builds in-process, PDFs in a subprocess.

The PDFs run through `manage.py render_report --stats` in a fresh process each time so that
the peak memory (ru_maxrss of the render process, plus the peak of its chapter workers) belongs
to one render. The dossier gets a fixed sample on top of the scale data: 40 sites with 4 photos
each (2000 × 1500 JPEGs, downscaled before layout), a self-assessment and a pre-check of 20
criteria per site with evidence photos, rectifications — about 300 photos and 200 pages.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.harness import Figure, percentile

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_REPORT_RUNS", "3"))


def _big_campaign():
    from campaigns.models import Campaign

    named = Campaign.objects.filter(name__startswith="规模测试活动").order_by("id")
    return max(named, key=lambda c: c.records.count()) if named else Campaign.objects.first()


def _dossier_campaign(big):
    """A campaign of its own for the dossier sample (the scale campaigns have 200 sites and
    80 self-assessments each, a 380-page dossier, measured separately)."""
    from django.db import transaction

    from campaigns.models import Campaign, CampaignDomain
    from tests.reports.factories import make_dossier_data

    with transaction.atomic():
        return _make_dossier_campaign(big, Campaign, CampaignDomain, make_dossier_data)


def _make_dossier_campaign(big, Campaign, CampaignDomain, make_dossier_data):
    campaign, created = Campaign.objects.get_or_create(
        township=big.township,
        year=big.year - 3,
        defaults={
            "name": f"{big.township.name}{big.year - 3}年创建廉政文化示范区域（报告基准）",
            # Fixed dates inside the sample's own year (replacing the year of both dates put
            # the end before the start for a campaign that crosses a year end).
            "start_date": dt.date(big.year - 3, 3, 20),
            "end_date": dt.date(big.year - 3, 7, 20),
            "guiding_ideology": big.guiding_ideology,
            "overall_goal": big.overall_goal,
        },
    )
    if not created:
        return campaign
    for cd in CampaignDomain.objects.filter(campaign=big):
        CampaignDomain.objects.create(
            campaign=campaign, domain=cd.domain, lead_unit=cd.lead_unit, order=cd.order
        )
    make_dossier_data(
        campaign,
        sites=50,
        photos_per_site=4,
        items=48,
        evidence_per_item=1,
        evidence_every=24,
        photo_size=(2000, 1500),
        rectifications=3,
    )
    return campaign


def _inside(campaign, *, days: int) -> dt.date:
    """A day `days` after the campaign's start (its last day at most): bench dates follow the
    data, not the calendar (the scale campaign starts 300 days before the day it was made and
    crosses a year end)."""
    return min(campaign.start_date + dt.timedelta(days=days), campaign.end_date)


def _ensure_notice(campaign):
    from assessments.models import Notice, NoticeEntry
    from organisations.models import Organisation

    notice = Notice.objects.filter(
        campaign=campaign, title__startswith="基准测试通报（20页）"
    ).first()
    if notice:
        return notice
    notice = Notice.objects.create(
        campaign=campaign,
        title="基准测试通报（20页）：关于廉政文化示范区域创建工作进展情况的通报",
        doc_number="基准〔2026〕2号",
        intro="为推动创建工作落实，现将各单位进展情况通报如下。\n" * 3,
        # a day inside the campaign, whatever today is
        as_of=_inside(campaign, days=120),
        status="published",
    )
    units = list(Organisation.objects.units().filter(township=campaign.township)[:130])
    categories = [
        "overdue_tasks",
        "missing_reports",
        "overdue_rectifications",
        "incomplete_archives",
    ]
    NoticeEntry.objects.bulk_create(
        NoticeEntry(
            notice=notice,
            unit=unit,
            category=categories[i % 4],
            count=1 + i % 5,
            detail=f"逾期任务{1 + i % 5}项，台账资料不健全，月报未按时报送，请于7月1日前整改到位。",
            order=i,
        )
        for i, unit in enumerate(units + units[:70])
    )
    return notice


def _render(kind: str, campaign, *extra: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{kind}.pdf"
        result = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "render_report",
                kind,
                "--campaign",
                str(campaign.pk),
                "-o",
                str(out),
                "--stats",
                *extra,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(result.stdout.strip().splitlines()[-1])


def _cold(run: int = 0) -> None:
    """Empty the chapter cache: a figure not named warm lays every part out."""
    import shutil

    from django.conf import settings

    from reports import chaptercache

    shutil.rmtree(Path(settings.MEDIA_ROOT) / chaptercache.DIR, ignore_errors=True)


def _pdf_figure(h, name: str, kind: str, campaign, *extra: str, before=_cold) -> None:
    """`before(run)` prepares each run: by default an empty chapter cache; None keeps it warm."""
    runs = []
    load = os.getloadavg()
    for run in range(RUNS):
        if before is not None:
            before(run)
        runs.append(_render(kind, campaign, *extra))
    load_after = os.getloadavg()
    seconds = [r["seconds"] * 1000 for r in runs]
    main = max(r["main_peak_mib"] for r in runs)
    cpu = sorted(r["cpu_seconds"] for r in runs)[len(runs) // 2]
    workers = max(r["worker_peak_mib"] for r in runs)
    pre_merge = max(r.get("main_before_merge_mib") or r["main_peak_mib"] for r in runs)
    h.record(
        Figure(
            name=name,
            p50_ms=round(percentile(seconds, 50), 1),
            p95_ms=round(percentile(seconds, 95), 1),
            queries=None,
            # the workers stop before the merge: the peak is the larger of the two phases
            peak_mib=round(max(pre_merge + 2 * workers, main), 1),
            note=(
                f"{runs[0]['pages']} pages; CPU {cpu:.1f} s (all processes); "
                f"RSS main {main:.0f} MiB + 2 workers × {workers:.0f} MiB; laid out "
                f"{runs[-1].get('laid_out')}, reused {runs[-1].get('reused')}; "
                f"load {load[0]:.1f} → {load_after[0]:.1f}"
            ),
            extra={
                "cpu_s": cpu,
                "pages": runs[0]["pages"],
                "main_peak_mib": main,
                "worker_peak_mib": workers,
                "laid_out": runs[-1].get("laid_out"),
                "reused": runs[-1].get("reused"),
                "load_1min": [round(load[0], 2), round(load_after[0], 2)],
            },
        )
    )


def _monthly_figures(h, campaign, month: str) -> None:
    """The district-scale month: laid out from scratch, again unchanged, and after one record of
    the month changed its title (put back afterwards: the bench database is shared)."""
    from activities.models import ActivityRecord
    from reports.contexts.monthly import month_bounds

    _pdf_figure(h, "reports: monthly report PDF", "monthly", campaign, "--month", month)
    _pdf_figure(
        h,
        "reports: monthly report PDF, unchanged (warm chapter cache)",
        "monthly",
        campaign,
        "--month",
        month,
        before=None,
    )
    first, last = month_bounds(month)
    record = (
        ActivityRecord.objects.counted()
        .filter(campaign=campaign, date__gte=first, date__lte=last)
        .order_by("date", "id")
        .first()
    )
    if record is None:
        return
    title = record.title

    def change(run: int) -> None:
        ActivityRecord.objects.filter(pk=record.pk).update(title=f"{title}（修订{run + 1}）")

    try:
        _pdf_figure(
            h,
            "reports: monthly report PDF, one record changed (warm chapter cache)",
            "monthly",
            campaign,
            "--month",
            month,
            before=change,
        )
    finally:
        ActivityRecord.objects.filter(pk=record.pk).update(title=title)


def run(h) -> None:
    from reports.contexts import dossier, work_report

    campaign = _big_campaign()
    sample = _dossier_campaign(campaign)
    notice = _ensure_notice(campaign)
    h.call(
        "reports: work report context", lambda: work_report.build(campaign, {}), runs=5, warmup=1
    )
    h.call(
        "reports: dossier context (300 photos)",
        lambda: dossier.build(sample, {}),
        runs=3,
        warmup=1,
    )
    _pdf_figure(
        h,
        "reports: dossier PDF (~200 pages, 300 photos)",
        "dossier",
        sample,
        "--today",
        f"{sample.year}-07-15",
    )
    if os.environ.get("BENCH_REPORT_SCALE_DOSSIER"):
        _pdf_figure(h, "reports: dossier PDF (scale campaign, 200 sites)", "dossier", campaign)
    _pdf_figure(
        h, "reports: notice PDF (GB/T 9704)", "notice", campaign, "--notice", str(notice.pk)
    )
    _pdf_figure(h, "reports: work report PDF", "work-report", campaign)
    month = _inside(campaign, days=120).replace(day=1)
    _monthly_figures(h, campaign, f"{month:%Y-%m}")
