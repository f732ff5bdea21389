"""Hostile uploads: decompression bombs refused by their declared size before decoding (with the
reason, and without the memory), polyglot comments stripped, and a cap on files per record."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from activities import evidence
from activities.models import ActivityRecord, Evidence
from tests.activities.conftest import files_on_disk
from tests.activities.factories import jpeg_bytes, photo, upload
from tests.activities.test_file_record import form_data
from tests.factories import domain
from tests.hostile_files import jpeg_polyglot, jpeg_segments, png_bomb

URL = reverse("activities:record_create")
MIB = 1024 * 1024


@pytest.fixture(scope="session")
def bomb_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "bomb.png"
    path.write_bytes(png_bomb(12000))
    return path


@pytest.fixture
def liaison(world, login, today):
    return login(world.liaison_a1)


# The memory check runs the upload check in a fresh Python process and reads that process's
# peak resident set size from the kernel (VmHWM), so nothing the test process already holds
# is counted, and nothing is estimated.
MEASURE = textwrap.dedent(
    """
    import os, sys
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "true"
    import django
    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from activities.evidence import EvidenceError, inspect_upload
    data = open(sys.argv[1], "rb").read()
    try:
        inspect_upload(SimpleUploadedFile("bomb.png", data, content_type="image/png"))
        print("ACCEPTED")
    except EvidenceError as exc:
        print("REFUSED", exc)
    # VmHWM: the high-water mark of this process's own memory since exec. (ru_maxrss would
    # also carry the RSS of the forked parent, a pytest worker that may hold hundreds of MiB.)
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]
    print("PEAK_KIB", hwm)
    """
)


def run_check(path: Path, **env) -> tuple[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    lines = result.stdout.strip().splitlines()
    peak_mib = int(lines[-1].split()[1]) / 1024
    return lines[-2], peak_mib


def test_png_bomb_is_refused_with_the_reason_and_little_memory(bomb_file):
    assert bomb_file.stat().st_size < 1 * MIB  # a few hundred kB on the wire
    verdict, peak_mib = run_check(bomb_file)
    assert verdict.startswith("REFUSED")
    assert "图片过大（像素超过 4000 万）" in verdict and "14400 万像素" in verdict
    assert peak_mib < 300, f"peak RSS {peak_mib:.0f} MiB"


def test_the_memory_check_would_catch_a_decoded_bomb(tmp_path):
    """Proof that the measurement can fail: with the cap lifted a smaller bomb (8000×8000)
    is decoded and the process goes past 300 MiB."""
    smaller = tmp_path / "bomb8000.png"
    smaller.write_bytes(png_bomb(8000))
    verdict, peak_mib = run_check(smaller, IMAGE_MAX_PIXELS=str(10**9))
    assert verdict == "ACCEPTED"
    assert peak_mib > 300


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_bomb_within_pillows_own_limit_is_refused_by_its_header(settings):
    """Between the cap and twice the cap Pillow only warns: the header check refuses it."""
    settings.IMAGE_MAX_PIXELS = 1_000_000
    from PIL import Image

    limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS
    try:
        with pytest.raises(
            evidence.EvidenceError, match=r"图片过大（像素超过 100 万）：“big.png”为 1200×1200 像素"
        ):
            evidence.inspect_upload(upload("big.png", png_bomb(1200)))
    finally:
        Image.MAX_IMAGE_PIXELS = limit


def test_bomb_filed_as_evidence_is_refused_and_nothing_is_saved(liaison, bomb_file, media):
    response = liaison.post(
        URL, {**form_data(), "files": [upload("bomb.png", bomb_file.read_bytes(), "image/png")]}
    )
    assert response.status_code == 200
    assert "图片过大（像素超过 4000 万）" in response.text
    assert not ActivityRecord.objects.exists()
    assert files_on_disk(media) == []


def test_bomb_refused_as_site_photo_and_rectification_file(world, login, today, bomb_file):
    from tests.assessments.factories import make_site

    site = make_site(world.campaign_a, world.unit_a1)
    client = login(world.liaison_a1)
    response = client.post(
        reverse("sites:photo_upload", args=[site.pk]),
        {"image": upload("bomb.png", bomb_file.read_bytes(), "image/png")},
        follow=True,
    )
    assert "图片过大（像素超过 4000 万）" in response.text
    assert not site.photos.exists()


def test_polyglot_comment_and_app_segments_are_stripped(liaison, media):
    data = jpeg_polyglot()
    assert b"<script" in data and 0xFE in jpeg_segments(data)
    response = liaison.post(URL, {**form_data(), "files": [upload("poly.jpg", data)]})
    assert response.status_code == 302
    item = Evidence.objects.get()
    for name in (item.file.name, item.thumbnail.name):
        stored = (media / name).read_bytes()
        assert b"<script" not in stored.lower() and b"<html" not in stored.lower()
        segments = jpeg_segments(stored)
        assert 0xFE not in segments  # no comment
        assert all(m == 0xE0 or not 0xE1 <= m <= 0xEF for m in segments)  # JFIF APP0 only


def test_files_per_record_are_capped_before_any_is_read(liaison, settings, media):
    settings.RECORD_MAX_FILES = 3
    files = [photo(f"p{i}.jpg", color=(i, i, i)) for i in range(4)]
    response = liaison.post(URL, {**form_data(), "files": files})
    assert response.status_code == 200
    assert "每条记录最多 3 个文件：已有 0 个，本次又选了 4 个。" in response.text
    assert not ActivityRecord.objects.exists() and files_on_disk(media) == []


def test_files_per_record_count_what_the_record_already_has(world, liaison, settings):
    settings.RECORD_MAX_FILES = 3
    files = [upload(f"p{i}.jpg", jpeg_bytes(color=(i, 9, 9))) for i in range(2)]
    draft = {k: v for k, v in form_data().items() if k != "submit"}
    liaison.post(URL, {**draft, "files": files})
    record = ActivityRecord.objects.get()
    assert record.evidence.count() == 2
    more = [upload(f"q{i}.jpg", jpeg_bytes(color=(i, 50, 9))) for i in range(2)]
    response = liaison.post(
        reverse("activities:record_edit", args=[record.pk]),
        {**draft, "files": more},
    )
    assert "每条记录最多 3 个文件：已有 2 个，本次又选了 2 个。" in response.text
    assert record.evidence.count() == 2


def test_service_refuses_too_many_files_whatever_the_caller(world, settings, today):
    from activities import services

    settings.RECORD_MAX_FILES = 1
    prepared = [evidence.inspect_upload(photo(f"s{i}.jpg", color=(i, 1, 1))) for i in range(2)]
    with pytest.raises(evidence.EvidenceError, match="每条记录最多 1 个文件"):
        services.file_record(
            unit=world.unit_a1,
            campaign=world.campaign_a,
            data={
                "date": dt.date(2026, 6, 1),
                "domain": domain(),
                "type": "lecture",
                "title": "x",
                "participants": 1,
            },
            uploads=prepared,
            by=world.liaison_a1,
        )
    assert not ActivityRecord.objects.exists()
