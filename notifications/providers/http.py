"""The one HTTP call every provider adapter makes, with the two ways it can fail told apart.

`NotSent`: the request never reached the provider (no connection, refused, reset while the
request was written): retrying cannot send twice. `NoAnswer`: the request went out and no
answer came back (timeout, connection closed): the provider may or may not have acted on it.
"""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit


class NotSent(Exception):
    pass


class NoAnswer(Exception):
    pass


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> tuple[int, bytes]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NotSent(f"bad url scheme: {parts.scheme}")
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = cls(parts.hostname, parts.port, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        try:
            connection.connect()
            connection.request(method, path, body=body, headers=headers or {})
        except OSError as exc:
            raise NotSent(repr(exc)) from exc
        try:
            response = connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise NoAnswer(repr(exc)) from exc
    finally:
        connection.close()


def post_json(url: str, payload: dict, *, timeout: float = 10) -> tuple[int, dict | None]:
    """POST a JSON body; (status, parsed JSON answer or None when the answer is not JSON)."""
    status, raw = request(
        "POST",
        url,
        body=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        timeout=timeout,
    )
    return status, _json(raw)


def get_json(url: str, *, timeout: float = 10) -> tuple[int, dict | None]:
    status, raw = request("GET", url, timeout=timeout)
    return status, _json(raw)


def _json(raw: bytes) -> dict | None:
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None
