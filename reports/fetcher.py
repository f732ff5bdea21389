"""The URL fetcher every report renders with: static and media files from disk, nothing else.

Templates refer to files as `/static/...` and `/media/...`; the document's base URL is the
reserved origin below, so WeasyPrint asks for `http://report.invalid/static/...`. The fetcher
maps those two prefixes onto directories and refuses every other URL (other hosts, `file://`,
`data:` with anything but images, paths that climb out of their root). It imports nothing from
Django so that the chapter worker processes can use it as they are.
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

BASE_URL = "http://report.invalid/"


class RefusedURL(ValueError):
    """A report asked for a resource outside static and media."""


class LocalFetcher(URLFetcher):
    """Serves `/static/<path>` from the static directories and `/media/<path>` from MEDIA_ROOT."""

    def __init__(self, static_dirs: list[str], media_root: str, **kwargs):
        super().__init__(allowed_protocols=["http"], allow_redirects=False, **kwargs)
        self.roots = {
            "static": [Path(d).resolve() for d in static_dirs],
            "media": [Path(media_root).resolve()],
        }
        self.refused: list[str] = []

    def resolve(self, url: str) -> Path:
        """The file on disk for an allowed URL; RefusedURL for anything else."""
        parts = urlsplit(url)
        if parts.scheme != "http" or parts.netloc != urlsplit(BASE_URL).netloc:
            raise RefusedURL(url)
        path = unquote(parts.path)
        prefix, _, rest = path.lstrip("/").partition("/")
        if prefix not in self.roots or not rest or "\x00" in rest:
            raise RefusedURL(url)
        for root in self.roots[prefix]:
            candidate = (root / rest).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate
        raise RefusedURL(url)

    def fetch(self, url, headers=None):
        try:
            path = self.resolve(url)
        except RefusedURL:
            self.refused.append(url)
            raise
        mime, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(
            url, path.open("rb"), {"Content-Type": mime or "application/octet-stream"}
        )


def fetcher_from_env() -> LocalFetcher:
    """A fetcher configured from the environment of a chapter worker process."""
    static_dirs = [d for d in os.environ.get("QF_REPORT_STATIC_DIRS", "").split(os.pathsep) if d]
    return LocalFetcher(static_dirs, os.environ.get("QF_REPORT_MEDIA_ROOT", "/nonexistent"))


def django_fetcher() -> LocalFetcher:
    """A fetcher configured from Django settings (static dirs and MEDIA_ROOT)."""
    return LocalFetcher(static_dirs(), media_root())


def static_dirs() -> list[str]:
    from django.conf import settings

    dirs = [str(d) for d in settings.STATICFILES_DIRS]
    from django.apps import apps

    for config in apps.get_app_configs():
        static = Path(config.path) / "static"
        if static.is_dir():
            dirs.append(str(static))
    if settings.STATIC_ROOT:
        dirs.append(str(settings.STATIC_ROOT))
    return dirs


def media_root() -> str:
    from django.conf import settings

    return str(settings.MEDIA_ROOT)
