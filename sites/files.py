"""Sending stored files (plans, photos, rectification evidence) after an access check.

Files live under MEDIA_ROOT, never served publicly: a view checks access with a getter, then
calls `send_file`; with PROTECTED_MEDIA_ACCEL_PREFIX set, nginx sends the bytes.
"""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.utils.encoding import escape_uri_path


def send_file(name: str, download_name: str, *, inline: bool = False) -> HttpResponse:
    if not name:
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    prefix = settings.PROTECTED_MEDIA_ACCEL_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + name
    else:
        try:
            handle = default_storage.open(name, "rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = (
        f"{disposition}; filename*=UTF-8''{escape_uri_path(download_name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
