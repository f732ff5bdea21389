"""Laid-out chapters kept on disk, keyed by a hash of their inputs.

A chapter's PDF depends only on its HTML (which names every picture by a cache path that
changes with the picture's content), the fonts and the layout options. `key(html, options)` is
the SHA-256 of those; `get(key)` answers the stored layout (the PDF path, page count and anchor
pages) or None, `put(key, pdf_path, answer)` stores one. So re-rendering a dossier after one
record changed lays out only the chunk that holds that record (and the index or front matter
if their page numbers moved).

The cache lives in MEDIA_ROOT/report-cache/chapters/ and is bounded: `prune()` removes the
least recently used entries beyond REPORT_CHAPTER_CACHE_MB (default 512 MiB).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from django.conf import settings

# Bump when the layout pipeline changes in a way the HTML does not show.
LAYOUT_VERSION = "1"
DIR = "report-cache/chapters"


def cache_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / DIR


def limit_bytes() -> int:
    mb = getattr(settings, "REPORT_CHAPTER_CACHE_MB", None) or os.environ.get(
        "REPORT_CHAPTER_CACHE_MB", "512"
    )
    return int(mb) * 1024 * 1024


def key(html: str, options: dict) -> str:
    import weasyprint

    h = hashlib.sha256()
    h.update(f"{LAYOUT_VERSION}|{weasyprint.__version__}|".encode())
    h.update(json.dumps(options, sort_keys=True).encode())
    h.update(html.encode("utf-8"))
    return h.hexdigest()


def _paths(k: str) -> tuple[Path, Path]:
    base = cache_dir() / k[:2] / k
    return base.with_suffix(".pdf"), base.with_suffix(".json")


def get(k: str) -> dict | None:
    pdf, meta = _paths(k)
    try:
        answer = json.loads(meta.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not pdf.is_file():
        return None
    os.utime(meta)  # recently used
    return {**answer, "path": str(pdf), "cached": True}


def put(k: str, pdf_path: str, answer: dict) -> str:
    pdf, meta = _paths(k)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    partial = pdf.with_suffix(f".{os.getpid()}.part")
    shutil.copyfile(pdf_path, partial)
    partial.replace(pdf)
    kept = {k2: answer[k2] for k2 in ("pages", "anchors") if k2 in answer}
    partial_meta = meta.with_suffix(f".{os.getpid()}.jpart")
    partial_meta.write_text(json.dumps(kept), "utf-8")
    partial_meta.replace(meta)
    return str(pdf)


def prune() -> int:
    """Drop the least recently used entries beyond the limit; answers the bytes removed."""
    root = cache_dir()
    if not root.is_dir():
        return 0
    entries = []
    for meta in root.glob("*/*.json"):
        pdf = meta.with_suffix(".pdf")
        try:
            size = meta.stat().st_size + (pdf.stat().st_size if pdf.exists() else 0)
            entries.append((meta.stat().st_mtime, size, meta, pdf))
        except OSError:
            continue
    total = sum(e[1] for e in entries)
    removed = 0
    for _, size, meta, pdf in sorted(entries, key=lambda e: e[0]):
        if total <= limit_bytes():
            break
        meta.unlink(missing_ok=True)
        pdf.unlink(missing_ok=True)
        total -= size
        removed += size
    return removed
