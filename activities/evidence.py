"""Evidence files: check what an upload really is, re-encode photos, and store files safely.

* `inspect_upload(file)` reads an uploaded file once, sniffs its type from the content (never
  from the name), hashes it (SHA-256 of the original bytes) and, for a photo, re-encodes it:
  EXIF orientation applied, downscaled to at most `MAX_SIDE` px, saved as a JPEG without EXIF,
  with a thumbnail; the capture time and GPS position are kept as metadata. It raises
  `EvidenceError` (a Chinese message) for anything it does not accept.
* `check_upload(file)` is the request's cheap part for activity records: size, type by the
  first bytes, a picture's declared dimensions (the header only, the decompression-bomb guard);
  it returns a `Staged` file that `activities.photos` processes in a Celery task with
  `prepare_bytes` (the same work as `inspect_upload`).
* `store(prepared)` writes the files under MEDIA_ROOT (content-addressed names, the user's
  file name never reaches the disk) and returns the names it created, so a failed submit
  can remove exactly those (`discard`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

if TYPE_CHECKING:
    from activities.models import Evidence

try:  # HEIC photos from phones, when the HEIF plugin is installed here
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIF = True
except ImportError:  # pragma: no cover - depends on the host
    HEIF = False

MAX_SIDE = 2000
THUMB_SIDE = 320
JPEG_QUALITY = 85
# Decompression-bomb guard: `_prepare_image` refuses a picture whose header declares more than
# IMAGE_MAX_PIXELS before decoding a single pixel (Pillow's own guard is set to the same figure
# in OrganisationsConfig.ready; it only raises above twice its limit).

IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"} | ({"image/heic"} if HEIF else set())
DOCUMENT_TYPES = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
# The zip members that tell an Office Open XML document from any other zip.
OOXML_MARKERS = {
    ".docx": "word/document.xml",
    ".xlsx": "xl/workbook.xml",
}


class EvidenceError(ValueError):
    """An upload the portal does not accept; the message is shown to the user."""


@dataclass
class Prepared:
    """One checked upload, ready to be stored and saved as an `Evidence` row."""

    original_name: str
    kind: str  # Evidence.Kind value
    mime_type: str
    extension: str
    size: int  # bytes of the original upload
    sha256: str
    content: bytes  # what is stored: the re-encoded photo or the document as uploaded
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None
    taken_at: dt.datetime | None = None
    gps_lat: Decimal | None = None
    gps_lon: Decimal | None = None
    stored_file: str = ""  # storage names, filled in by store()
    stored_thumbnail: str = ""

    @property
    def file_name(self) -> str:
        return f"evidence/{self.sha256[:2]}/{self.sha256}{self.extension}"

    @property
    def thumbnail_name(self) -> str:
        return f"evidence/thumbs/{self.sha256[:2]}/{self.sha256}.jpg"


def file_limit() -> int:
    return settings.FILE_UPLOAD_MAX_MB * 1024 * 1024


def record_limit() -> int:
    return settings.RECORD_UPLOAD_MAX_MB * 1024 * 1024


def check_file_count(existing: int, adding: int) -> None:
    """Refuse a change that would leave more than RECORD_MAX_FILES files on one record."""
    limit = settings.RECORD_MAX_FILES
    if adding and existing + adding > limit:
        raise EvidenceError(
            _("每条记录最多 %(limit)s 个文件：已有 %(existing)s 个，本次又选了 %(adding)s 个。")
            % {"limit": limit, "existing": existing, "adding": adding}
        )


def pixel_error(name: str, size: tuple[int, int] | None = None, pixels: int | None = None):
    """A picture larger than IMAGE_MAX_PIXELS (a decompression bomb, or simply too big)."""
    limit = settings.IMAGE_MAX_PIXELS // 10_000
    if size:
        found = _("%(width)s×%(height)s 像素") % {"width": size[0], "height": size[1]}
    elif pixels:
        found = _("%(n)s 万像素") % {"n": pixels // 10_000}
    else:
        found = _("尺寸未知")
    return EvidenceError(
        _("图片过大（像素超过 %(limit)s 万）：“%(name)s”为 %(found)s，请缩小后再上传。")
        % {"limit": limit, "name": name, "found": found}
    )


def clean_name(name: str) -> str:
    """The bare file name: any directory part (either slash) and control characters removed."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[:200] or "file"


@dataclass
class Staged:
    """An upload checked cheaply in the request (nothing decoded, nothing hashed): what its bytes
    say it is and the size its header declares. `activities.photos` processes it later."""

    upload: object  # the UploadedFile (on disk when large: TemporaryFileUploadHandler)
    original_name: str
    kind: str
    mime_type: str
    size: int
    width: int | None = None
    height: int | None = None
    stored: str = ""  # storage name of the kept original, filled in by the service


def _unsupported(name: str) -> EvidenceError:
    return EvidenceError(
        _(
            "文件“%(name)s”的类型不受支持：只接受照片（JPEG、PNG、WebP%(heic)s）和 PDF、Word（docx）、Excel（xlsx）文档。"
        )
        % {"name": name, "heic": _("、HEIC") if HEIF else ""}
    )


def _check_size(name: str, size: int) -> None:
    if size > file_limit():
        raise EvidenceError(
            _("文件“%(name)s”超过 %(mb)s MB 的大小限制。")
            % {"name": name, "mb": settings.FILE_UPLOAD_MAX_MB}
        )
    if size == 0:
        raise EvidenceError(_("文件“%(name)s”是空文件。") % {"name": name})


def header_size(name: str, source) -> tuple[int, int]:
    """The pixel size a picture's header declares, read without decoding any pixel; a picture
    over IMAGE_MAX_PIXELS (a decompression bomb) or an unreadable header is refused."""
    try:
        with Image.open(source) as image:
            size = image.size
    except Image.DecompressionBombError as exc:
        # Pillow itself refuses above twice its limit; its message carries the pixel count.
        found = re.search(r"\((\d+) pixels\)", str(exc))
        raise pixel_error(name, pixels=int(found.group(1)) if found else None) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise EvidenceError(_("照片“%(name)s”已损坏或无法读取。") % {"name": name}) from None
    if size[0] * size[1] > settings.IMAGE_MAX_PIXELS:
        raise pixel_error(name, size=size)
    return size


def check_upload(upload) -> Staged:
    """The request's cheap check of one evidence file: its size, its type by its first bytes,
    a picture's declared dimensions (header only), an Office document's zip directory. Reads a
    few kilobytes whatever the file's size; raises EvidenceError (a Chinese message)."""
    name = clean_name(upload.name)
    _check_size(name, upload.size)
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    staged = Staged(upload=upload, original_name=name, kind="", mime_type=mime, size=upload.size)
    if mime in IMAGE_TYPES:
        staged.kind = "image"
        staged.width, staged.height = header_size(name, upload)
    elif mime == "application/pdf":
        staged.kind = "document"
    elif mime in DOCUMENT_TYPES or mime == "application/zip":
        extension = _ooxml_extension(upload)
        if not extension:
            raise _unsupported(name)
        staged.kind = "document"
        staged.mime_type = next(m for m, ext in DOCUMENT_TYPES.items() if ext == extension)
    else:
        raise _unsupported(name)
    upload.seek(0)
    return staged


def prepare_bytes(name: str, data: bytes) -> Prepared:
    """The full processing of one file's bytes (the Celery task's part): hash, and for a photo
    decode, EXIF, re-encode and thumbnail. Raises EvidenceError like `inspect_upload`."""
    _check_size(name, len(data))
    digest = hashlib.sha256(data).hexdigest()
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else ""
    if mime in IMAGE_TYPES:
        return _prepare_image(name, data, digest)
    if mime == "application/pdf":
        return _document(name, data, digest, mime, ".pdf")
    if mime in DOCUMENT_TYPES or mime == "application/zip":
        extension = _ooxml_extension(data)
        if extension:
            mime = next(m for m, ext in DOCUMENT_TYPES.items() if ext == extension)
            return _document(name, data, digest, mime, extension)
    raise _unsupported(name)


def inspect_upload(upload) -> Prepared:
    """Check and prepare one uploaded file at once, in the caller's process (site photos, plans,
    clippings; raises EvidenceError with a Chinese message). Activity records check cheaply with
    `check_upload` and leave the rest to the worker."""
    name = clean_name(upload.name)
    _check_size(name, upload.size)
    upload.seek(0)
    return prepare_bytes(name, upload.read())


def _ooxml_extension(data) -> str | None:
    """`data`: the bytes, or a seekable file (only the zip's directory is read)."""
    source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    try:
        with zipfile.ZipFile(source) as archive:
            members = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in members:
        return None
    for extension, marker in OOXML_MARKERS.items():
        if marker in members:
            return extension
    return None


def _document(name: str, data: bytes, digest: str, mime: str, extension: str) -> Prepared:
    return Prepared(
        original_name=name,
        kind="document",
        mime_type=mime,
        extension=extension,
        size=len(data),
        sha256=digest,
        content=data,
    )


@contextlib.contextmanager
def _whole_images_only():
    """Decode strictly: WeasyPrint (imported by the same worker for reports) switches Pillow to
    accept truncated images process-wide, which would turn a photo cut short in transfer into
    evidence with a grey lower half. Processes decode one photo at a time (prefork, sync)."""
    saved = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = saved


def _prepare_image(name: str, data: bytes, digest: str) -> Prepared:
    with _whole_images_only():
        return _decode_image(name, data, digest)


def _decode_image(name: str, data: bytes, digest: str) -> Prepared:
    broken = EvidenceError(_("照片“%(name)s”已损坏或无法读取。") % {"name": name})
    try:
        # Opening reads the header only; the size it declares is checked before any decoding.
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        # Pillow itself refuses above twice its limit; its message carries the pixel count.
        found = re.search(r"\((\d+) pixels\)", str(exc))
        raise pixel_error(name, pixels=int(found.group(1)) if found else None) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise broken from None
    if image.width * image.height > settings.IMAGE_MAX_PIXELS:
        raise pixel_error(name, size=image.size)
    try:
        taken_at, lat, lon = _exif_metadata(image)
        if image.format == "JPEG" and max(image.size) > MAX_SIDE:
            # Decode at a reduced scale straight from the JPEG (fast, little memory): the
            # request keeps the aspect ratio so that the long side lands at >= MAX_SIDE.
            ratio = MAX_SIDE / max(image.size)
            image.draft("RGB", (round(image.width * ratio), round(image.height * ratio)))
        image.load()
        image = ImageOps.exif_transpose(image)
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            background = Image.new("RGB", image.size, (255, 255, 255))
            background.paste(image, mask=image.getchannel("A"))
            image = background
        elif image.mode != "RGB":
            image = image.convert("RGB")
        # After the draft decode the scale is close to 1: bilinear is enough, and cheap.
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.BILINEAR)
        out = io.BytesIO()
        # A fresh JPEG with no metadata: Pillow would carry the source's comment (COM), XMP
        # and ICC segments over from `info`, and a comment can hide an HTML payload (a
        # JPEG/HTML polyglot). No exif= argument either: the copy carries no EXIF at all.
        image.info = {}
        image.save(out, "JPEG", quality=JPEG_QUALITY)
        thumb = image.copy()
        thumb.info = {}
        thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.BILINEAR)
        thumb_out = io.BytesIO()
        thumb.save(thumb_out, "JPEG", quality=80)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise broken from None
    return Prepared(
        original_name=name,
        kind="image",
        mime_type="image/jpeg",
        extension=".jpg",
        size=len(data),
        sha256=digest,
        content=out.getvalue(),
        thumbnail=thumb_out.getvalue(),
        width=image.width,
        height=image.height,
        taken_at=taken_at,
        gps_lat=lat,
        gps_lon=lon,
    )


EXIF_IFD = 0x8769
GPS_IFD = 0x8825
DATETIME_ORIGINAL = 0x9003
DATETIME = 0x0132


def _exif_metadata(image) -> tuple[dt.datetime | None, Decimal | None, Decimal | None]:
    try:
        exif = image.getexif()
    except Exception:  # noqa: BLE001 - a broken EXIF block is no reason to refuse the photo
        return None, None, None
    taken_at = None
    try:
        raw = exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL) or exif.get(DATETIME)
        if raw:
            # EXIF time has no zone: the camera clock is local time.
            naive = dt.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007
            taken_at = timezone.make_aware(naive)
    except (ValueError, TypeError, KeyError):
        taken_at = None
    lat = lon = None
    try:
        gps = exif.get_ifd(GPS_IFD)
        if gps and 2 in gps and 4 in gps:
            lat = _degrees(gps[2], gps.get(1, "N"), "S")
            lon = _degrees(gps[4], gps.get(3, "E"), "W")
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                lat = lon = None
    except (ValueError, TypeError, ZeroDivisionError, IndexError, KeyError):
        lat = lon = None
    return taken_at, lat, lon


def _degrees(value, ref, negative_ref) -> Decimal:
    d, m, s = (float(v) for v in value)
    degrees = d + m / 60 + s / 3600
    if str(ref).strip("\x00 ").upper() == negative_ref:
        degrees = -degrees
    return Decimal(f"{degrees:.6f}")


def evidence_row(record, prepared: Prepared, *, duplicate: bool, **uploader) -> Evidence:
    """The (unsaved) Evidence row of a stored prepared file; `uploader` is `uploaded_by=` or
    `uploaded_by_id=`. The one place that maps a processed file onto its row, for the
    synchronous path (services) and the worker's (photos)."""
    from activities.models import Evidence

    return Evidence(
        record=record,
        kind=prepared.kind,
        file=prepared.stored_file,
        thumbnail=prepared.stored_thumbnail,
        original_name=prepared.original_name,
        mime_type=prepared.mime_type,
        extension=prepared.extension,
        size=prepared.size,
        sha256=prepared.sha256,
        width=prepared.width,
        height=prepared.height,
        taken_at=prepared.taken_at,
        gps_lat=prepared.gps_lat,
        gps_lon=prepared.gps_lon,
        duplicate=duplicate,
        **uploader,
    )


def store(prepared: Prepared) -> list[str]:
    """Write the prepared files; return the storage names this call created (not ones that
    already existed: the same photo filed twice shares one file)."""
    created = []

    def put(name: str, content: bytes) -> str:
        if default_storage.exists(name):
            return name
        saved = default_storage.save(name, ContentFile(content))
        created.append(saved)
        return saved

    prepared.stored_file = put(prepared.file_name, prepared.content)
    if prepared.thumbnail is not None:
        prepared.stored_thumbnail = put(prepared.thumbnail_name, prepared.thumbnail)
    return created


def discard(names: list[str]) -> None:
    """Remove files written during a submit that did not go through."""
    for name in names:
        default_storage.delete(name)


def delete_unreferenced(names: set[str]) -> None:
    """Delete stored files that no evidence row refers to any more (run after commit)."""
    from django.db.models import Q

    from activities.models import Evidence

    names = {n for n in names if n}
    if not names:
        return
    used = set(
        Evidence.objects.filter(Q(file__in=names) | Q(thumbnail__in=names)).values_list(
            "file", "thumbnail"
        )
    )
    still = {n for pair in used for n in pair}
    for name in names - still:
        default_storage.delete(name)
