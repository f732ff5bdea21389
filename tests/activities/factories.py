"""Files for evidence tests: real photos (with EXIF), documents, and forgeries."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from activities.models import Evidence


def jpeg_bytes(
    size=(1200, 900),
    *,
    taken: dt.datetime | None = dt.datetime(2026, 6, 1, 9, 30),
    gps: tuple[float, float] | None = (31.2304, 121.4737),
    color=(200, 30, 30),
    quality=90,
) -> bytes:
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    if taken:
        exif[0x0132] = taken.strftime("%Y:%m:%d %H:%M:%S")
        exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
    if gps:
        lat, lon = gps

        def dms(value):
            value = abs(value)
            d = int(value)
            m = int((value - d) * 60)
            s = round(((value - d) * 60 - m) * 60, 4)
            return (float(d), float(m), float(s))

        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1] = "N" if lat >= 0 else "S"
        gps_ifd[2] = dms(lat)
        gps_ifd[3] = "E" if lon >= 0 else "W"
        gps_ifd[4] = dms(lon)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=quality)
    return out.getvalue()


def png_bytes(size=(400, 300), mode="RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (0, 128, 0, 128) if mode == "RGBA" else (0, 128, 0)).save(out, "PNG")
    return out.getvalue()


def webp_bytes(size=(400, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 0, 200)).save(out, "WEBP")
    return out.getvalue()


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def docx_bytes() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document/>",
        }
    )


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    wb = Workbook()
    wb.active["A1"] = "签到表"
    wb.save(out)
    return out.getvalue()


def exe_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def photo(name: str = "现场.jpg", **kwargs):
    return upload(name, jpeg_bytes(**kwargs), "image/jpeg")


def add_evidence(record, *, sha256: str = "a" * 64, duplicate: bool = False, **kwargs) -> Evidence:
    """An evidence row without a real file (for list and queue tests)."""
    return Evidence.objects.create(
        record=record,
        kind=kwargs.pop("kind", Evidence.Kind.IMAGE),
        file=kwargs.pop("file", f"evidence/{sha256[:2]}/{sha256}.jpg"),
        original_name=kwargs.pop("original_name", "photo.jpg"),
        mime_type="image/jpeg",
        extension=".jpg",
        size=kwargs.pop("size", 1000),
        sha256=sha256,
        duplicate=duplicate,
        **kwargs,
    )
