"""Pictures for reports, downscaled before layout.

WeasyPrint decodes every image at full size; a 12-megapixel phone photo costs ~50 MiB and a
second of layout. `report_image(name, max_px)` answers a media-relative path to a JPEG no
larger than `max_px` on its longer side, cached under `MEDIA_ROOT/report-cache/`. A missing,
unreadable or corrupt file gives None and a warning for the report: a placeholder is drawn
instead and the report still renders.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)
CACHE_DIR = "report-cache"
THUMB_PX = 480  # ~4 cm wide at 300 dpi: sharp enough for a checklist thumbnail
PHOTO_PX = 1000  # a site photo printed half a page wide
RECORD_PX = 640  # an activity photo in a grid of three (~55 mm wide, ~300 dpi)
ORIENTATION = 0x0112


@dataclass
class Picture:
    src: str | None  # "/media/report-cache/…jpg", or None for a placeholder
    width: int = 0
    height: int = 0
    warning: str = ""


def report_image(name: str | None, max_px: int = THUMB_PX, *, label: str = "") -> Picture:
    """A downscaled copy of media file `name` for a report, or a placeholder with a warning."""
    if not name:
        return Picture(None, warning=f"{label}：没有图片文件")
    media = Path(settings.MEDIA_ROOT).resolve()
    source = (media / name).resolve()
    if not source.is_relative_to(media):
        return Picture(None, warning=f"{label}：图片路径无效")
    try:
        stat = source.stat()
    except OSError:
        return Picture(None, warning=f"{label}：图片文件缺失（{name}）")
    key = hashlib.sha256(f"{name}:{stat.st_size}:{stat.st_mtime_ns}:{max_px}".encode()).hexdigest()
    relative = f"{CACHE_DIR}/{key[:2]}/{key}.jpg"
    target = media / relative
    if target.exists():
        try:
            with Image.open(target) as cached:
                return Picture(f"/media/{relative}", *cached.size)
        except (OSError, UnidentifiedImageError):
            target.unlink(missing_ok=True)
    try:
        with Image.open(source) as image:
            # Never decode a decompression bomb: the same cap as uploads.
            if image.width * image.height > settings.IMAGE_MAX_PIXELS:
                return Picture(None, warning=f"{label}：图片过大，无法处理（{name}）")
            if (
                image.format == "JPEG"
                and max(image.size) <= max_px
                and image.getexif().get(ORIENTATION, 1) == 1
            ):
                # Small enough already (e.g. an evidence thumbnail): lay out the file itself.
                return Picture(f"/media/{name}", *image.size)
            scale = min(1.0, max_px / max(image.size))
            size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
            image.draft("RGB", size)  # JPEG: decode at a reduced scale already (1/2, 1/4, 1/8)
            image = ImageOps.exif_transpose(image)
            image.thumbnail((max_px, max_px), Image.Resampling.BICUBIC, reducing_gap=2.0)
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            image.save(partial, "JPEG", quality=82)
            partial.replace(target)
            return Picture(f"/media/{relative}", *image.size)
    except Image.DecompressionBombError:
        return Picture(None, warning=f"{label}：图片过大，无法处理（{name}）")
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        logger.warning("report image %s unreadable: %s", name, exc)
        return Picture(None, warning=f"{label}：图片损坏或无法识别（{name}）")
