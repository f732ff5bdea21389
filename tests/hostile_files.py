"""Hostile files built byte by byte: a PNG decompression bomb and a JPEG/HTML polyglot."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

SCRIPT = b"<script>alert(document.cookie)</script>"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int = 12000) -> bytes:
    """An RGB PNG of side×side black pixels: a few hundred kB that decode to side²×3 bytes
    (432 MB for 12000). Compressed row by row, so building it costs little memory."""
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)  # 8-bit RGB
    compressor = zlib.compressobj(9)
    rows = b"\x00" * (1 + 3 * side) * 100  # 100 rows: filter byte + pixels each
    parts = [compressor.compress(rows) for _ in range(side // 100)]
    parts.append(compressor.compress(b"\x00" * (1 + 3 * side) * (side % 100)))
    parts.append(compressor.flush())
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", b"".join(parts))
        + _chunk(b"IEND", b"")
    )


def jpeg_polyglot(size=(640, 480)) -> bytes:
    """A valid JPEG whose comment (COM) and an APP segment carry an HTML script: a browser
    sniffing it as HTML would run the script."""
    out = io.BytesIO()
    Image.new("RGB", size, (90, 140, 200)).save(out, "JPEG", comment=b"<html>" + SCRIPT)
    data = out.getvalue()
    app = b"qingfeng" + SCRIPT  # an APP12 segment right after SOI
    segment = b"\xff\xec" + struct.pack(">H", len(app) + 2) + app
    return data[:2] + segment + data[2:]


def jpeg_segments(data: bytes) -> list[int]:
    """The marker bytes of a JPEG's header segments, up to the start of scan."""
    markers, i = [], 2
    while i < len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: image data follows
            break
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        i += 2 + length
    return markers
