"""The acceptance dossier at district scale: ≈500 pages, 1,000 photos, and a re-render after
one record changed.

Self-contained: builds (once) its own township and campaign with fixed dates — 1,500 approved
records in eight domains, 300 of them with three photos (1200 × 900 JPEGs), 50 sites with two
photos each, a self-assessment and a pre-check of 24 criteria per site, rectifications — so it
runs on any migrated PostgreSQL database, with or without `generate_scale_data`.

Figures, each from `manage.py render_report dossier --stats` in a fresh process:
* full render with an empty chapter cache (pictures already downscaled, as after the first
  report of a campaign);
* re-render after one record's title changed (only its chunk and the index are laid out again).
Peak memory: the workers are stopped before the merge, so the report's peak is the larger of
(render process before the merge + 2 workers) and (render process at its own peak, merging);
each from ru_maxrss. The plain sum of the three peaks is in the note too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.harness import Figure

ROOT = Path(__file__).resolve().parent.parent
CODE = "bench-dossier"
RECORDS = 1500
WITH_PHOTOS = 300
PHOTOS_PER_RECORD = 3


def campaign():
    from django.db import transaction

    from campaigns.models import Campaign

    existing = Campaign.objects.filter(township__code=f"{CODE}-township").first()
    if existing:
        _restore_files(existing)
        return existing
    with transaction.atomic():
        return _build()


def _restore_files(c) -> None:
    """The rows outlive the files: a campaign built from another checkout (its own MEDIA_ROOT)
    has no photos here, and the dossier would print 1,000 placeholders. Write the missing ones
    again, like `_build` and `make_dossier_data` made them."""
    from django.conf import settings

    from activities.models import Evidence
    from sites.models import SitePhoto
    from tests.reports.factories import jpeg_bytes

    media = Path(settings.MEDIA_ROOT)
    wanted = [(e.file.name, (1200, 900), 7) for e in Evidence.objects.filter(record__campaign=c)]
    wanted += [(p.image.name, (1600, 1200), 1) for p in SitePhoto.objects.filter(site__campaign=c)]
    made: dict = {}
    for name, size, seed in wanted:
        path = media / name
        if name and not path.exists():
            if (size, seed) not in made:
                made[size, seed] = jpeg_bytes(*size, seed=seed)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(made[size, seed])


def _build():
    from django.conf import settings

    from activities.models import ActivityRecord, Evidence
    from campaigns.models import Campaign, CampaignDomain
    from organisations.models import Domain, Organisation
    from tests.reports.factories import jpeg_bytes, make_dossier_data

    district = Organisation.objects.create(
        name="档案基准区", code=f"{CODE}-district", level=Organisation.Level.DISTRICT
    )
    township = Organisation.objects.create(
        name="档案基准镇",
        code=f"{CODE}-township",
        level=Organisation.Level.TOWNSHIP,
        parent=district,
    )
    c = Campaign.objects.create(
        township=township,
        year=2025,
        name="档案基准镇2025年创建廉政文化示范区域",
        start_date=dt.date(2025, 3, 20),
        end_date=dt.date(2025, 7, 20),
        guiding_ideology="以习近平新时代中国特色社会主义思想为指导。" * 4,
        overall_goal="建成一批廉政文化示范点。" * 4,
    )
    domains = list(Domain.objects.order_by("order")[:8])
    units = []
    for i, d in enumerate(domains):
        CampaignDomain.objects.create(campaign=c, domain=d, order=i)
        for u in range(5):
            units.append(
                Organisation.objects.create(
                    name=f"{d.name.removeprefix('进')}基准单位{u + 1}号（档案基准镇）",
                    code=f"{CODE}-{d.code}-{u}",
                    level=Organisation.Level.UNIT,
                    parent=township,
                    main_domain=d,
                )
            )
    records = ActivityRecord.objects.bulk_create(
        ActivityRecord(
            campaign=c,
            township=township,
            unit=units[i % len(units)],
            domain=units[i % len(units)].main_domain,
            type=["lecture", "film", "contest", "forum", "banner"][i % 5],
            title=f"第{i + 1}次廉政文化主题活动",
            date=dt.date(2025, 3, 20) + dt.timedelta(days=i % 120),
            place="村委会会议室",
            participants=20 + i % 80,
            description="组织党员干部学习廉政法规，观看警示教育片，交流心得体会。",
            status=ActivityRecord.Status.APPROVED,
        )
        for i in range(RECORDS)
    )
    media = Path(settings.MEDIA_ROOT)
    photo = jpeg_bytes(1200, 900, seed=7)
    evidence = []
    for record in records[:WITH_PHOTOS]:
        for p in range(PHOTOS_PER_RECORD):
            digest = hashlib.sha256(f"{CODE}-{record.pk}-{p}".encode()).hexdigest()
            name = f"evidence/{digest[:2]}/{digest}.jpg"
            (media / name).parent.mkdir(parents=True, exist_ok=True)
            (media / name).write_bytes(photo)
            evidence.append(
                Evidence(
                    record=record,
                    kind=Evidence.Kind.IMAGE,
                    file=name,
                    original_name=f"现场{p + 1}.jpg",
                    mime_type="image/jpeg",
                    extension=".jpg",
                    size=len(photo),
                    sha256=digest,
                )
            )
    Evidence.objects.bulk_create(evidence)
    make_dossier_data(
        c,
        sites=50,
        photos_per_site=2,
        items=24,
        evidence_per_item=0,
        photo_size=(1600, 1200),
        rectifications=2,
    )
    return c


def _render(c, out: Path) -> dict:
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "render_report",
            "dossier",
            "--campaign",
            str(c.pk),
            "-o",
            str(out),
            "--stats",
            "--today",
            "2025-07-15",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _figure(h, name: str, stats: dict, photos: int, load: tuple) -> None:
    before = stats.get("main_before_merge_mib") or stats["main_peak_mib"]
    workers = 2 * stats["worker_peak_mib"]
    summed = stats["main_peak_mib"] + workers
    peak = max(before + workers, stats["main_peak_mib"])
    load_after = os.getloadavg()[0]
    h.record(
        Figure(
            name=name,
            p50_ms=round(stats["seconds"] * 1000, 1),
            p95_ms=None,
            queries=None,
            peak_mib=round(peak, 1),
            note=(
                f"{stats['pages']} pages, {photos} photos; wall {stats['seconds']:.1f} s, "
                f"CPU {stats['cpu_seconds']:.1f} s (all processes); laid out "
                f"{stats.get('laid_out')}, reused {stats.get('reused')}; RSS main "
                f"{stats['main_peak_mib']:.0f} MiB + 2 workers × {stats['worker_peak_mib']:.0f} MiB "
                f"(main before merge {before:.0f} MiB; sum of peaks {summed:.0f} MiB); "
                f"load {load[0]:.1f} → {load_after:.1f}"
            ),
            extra={
                "wall_s": stats["seconds"],
                "cpu_s": stats["cpu_seconds"],
                "pages": stats["pages"],
                "photos": photos,
                "laid_out": stats.get("laid_out"),
                "reused": stats.get("reused"),
                "main_peak_mib": stats["main_peak_mib"],
                "worker_peak_mib": stats["worker_peak_mib"],
                "load_1min": [round(load[0], 2), round(load_after, 2)],
                "records": RECORDS,
            },
        )
    )


def run(h) -> None:
    from django.conf import settings

    from activities.models import ActivityRecord
    from reports import chaptercache
    from reports.contexts import dossier

    c = campaign()
    context = dossier.build(c, {})  # downscales every picture once (kept in report-cache)
    photos = len(context["photos"])
    shutil.rmtree(Path(settings.MEDIA_ROOT) / chaptercache.DIR, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dossier.pdf"
        load = os.getloadavg()
        stats = _render(c, out)
        _figure(h, "reports: dossier PDF, full (empty chapter cache)", stats, photos, load)
        record = ActivityRecord.objects.filter(campaign=c).order_by("id")[700]
        suffix = "（修订）" if not record.title.endswith("（修订）") else ""
        record.title = record.title.removesuffix("（修订）") + suffix
        record.save(update_fields=["title"])
        load = os.getloadavg()
        stats = _render(c, out)
        _figure(
            h, "reports: dossier PDF, one record changed (warm chapter cache)", stats, photos, load
        )
