"""Evidence processing: content sniffing, re-encoding, metadata, limits."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from PIL import Image

from activities import evidence
from activities.evidence import EvidenceError, clean_name, inspect_upload
from tests.activities.factories import (
    _zip,
    docx_bytes,
    exe_bytes,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    upload,
    webp_bytes,
    xlsx_bytes,
)


def test_phone_photo_is_downscaled_reencoded_without_exif_and_keeps_metadata():
    data = jpeg_bytes((4000, 3000), taken=dt.datetime(2026, 6, 1, 9, 30), gps=(31.2304, 121.4737))
    prepared = inspect_upload(upload("IMG_0001.JPG", data))
    assert prepared.kind == "image"
    assert prepared.sha256 == hashlib.sha256(data).hexdigest()
    assert prepared.size == len(data)
    stored = Image.open(io.BytesIO(prepared.content))
    assert stored.format == "JPEG"
    assert max(stored.size) == 2000 and stored.size == (2000, 1500)
    assert (prepared.width, prepared.height) == (2000, 1500)
    assert not stored.getexif()  # served copies carry no EXIF
    assert b"Exif" not in prepared.content[:200]
    thumb = Image.open(io.BytesIO(prepared.thumbnail))
    assert max(thumb.size) <= evidence.THUMB_SIDE
    assert prepared.taken_at.astimezone(dt.UTC) == dt.datetime(2026, 6, 1, 1, 30, tzinfo=dt.UTC)
    assert prepared.gps_lat == Decimal("31.230400")
    assert prepared.gps_lon == Decimal("121.473700")


def test_small_photo_is_not_enlarged_and_has_no_metadata_when_camera_gave_none():
    prepared = inspect_upload(upload("a.jpg", jpeg_bytes((800, 600), taken=None, gps=None)))
    assert (prepared.width, prepared.height) == (800, 600)
    assert prepared.taken_at is None and prepared.gps_lat is None


def test_southern_western_coordinates_are_negative():
    prepared = inspect_upload(upload("a.jpg", jpeg_bytes((100, 100), gps=(-33.5, -70.25))))
    assert prepared.gps_lat == Decimal("-33.500000")
    assert prepared.gps_lon == Decimal("-70.250000")


@pytest.mark.parametrize("make", [png_bytes, webp_bytes])
def test_png_and_webp_become_jpeg(make):
    prepared = inspect_upload(upload("x.png", make()))
    assert prepared.kind == "image" and prepared.extension == ".jpg"
    assert Image.open(io.BytesIO(prepared.content)).mode == "RGB"


def test_heic_from_a_phone_is_accepted_when_pillow_reads_it():
    pillow_heif = pytest.importorskip("pillow_heif")
    image = Image.new("RGB", (300, 200), (10, 20, 30))
    out = io.BytesIO()
    try:
        pillow_heif.from_pillow(image).save(out, quality=50)
    except Exception as exc:  # noqa: BLE001 - no HEIF encoder in this libheif build
        pytest.skip(f"no HEIC encoder here: {exc}")
    prepared = inspect_upload(upload("IMG_1.HEIC", out.getvalue()))
    assert prepared.kind == "image" and (prepared.width, prepared.height) == (300, 200)


@pytest.mark.parametrize(
    ("make", "extension"),
    [(pdf_bytes, ".pdf"), (docx_bytes, ".docx"), (xlsx_bytes, ".xlsx")],
)
def test_documents_are_recognised_by_content_not_name(make, extension):
    prepared = inspect_upload(upload("签到表.bin", make()))
    assert prepared.kind == "document"
    assert prepared.extension == extension
    assert prepared.content == make() or extension == ".xlsx"


@pytest.mark.parametrize(
    "content",
    [exe_bytes(), b"#!/bin/sh\nrm -rf /\n", _zip({"a.txt": b"hi"}), b"just text"],
    ids=["exe", "script", "plain-zip", "text"],
)
def test_forged_or_unknown_types_are_refused_in_chinese(content):
    with pytest.raises(EvidenceError, match="类型不受支持"):
        inspect_upload(upload("photo.jpg", content))


def test_broken_image_is_refused():
    data = jpeg_bytes((500, 500))[:400]  # the header says JPEG, the rest is missing
    with pytest.raises(EvidenceError, match="已损坏"):
        inspect_upload(upload("broken.jpg", data))


def test_oversize_file_is_refused(settings):
    settings.FILE_UPLOAD_MAX_MB = 1
    with pytest.raises(EvidenceError, match="超过 1 MB"):
        inspect_upload(upload("big.pdf", pdf_bytes() + b"0" * (1024 * 1024)))


def test_empty_file_is_refused():
    with pytest.raises(EvidenceError, match="空文件"):
        inspect_upload(upload("empty.jpg", b""))


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("C:\\Users\\me\\Desktop\\现场.jpg", "现场.jpg"),
        ("..", "file"),
        ("a\x00b.jpg", "ab.jpg"),
    ],
)
def test_file_names_lose_their_path(raw, clean):
    assert clean_name(raw) == clean
