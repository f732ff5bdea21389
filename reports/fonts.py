"""Every character of a report shows, or the user is told which ones do not.

The bundled faces (static/fonts) cover the CJK Unified Ideographs and Extension A. Names may
use characters beyond them (𬌗 U+2C317 is in the 通用规范汉字表, Extension E). Before a report is
laid out, `with_fallback(html, where)` checks the text against the bundled faces' cmap; the
characters they lack are looked up in the fallback faces (HanaMin A/B, Debian `fonts-hanazono`,
which cover Extensions B–F); those found are cut into a small subset font for this document,
cached under MEDIA_ROOT/report-cache/fonts/, and declared as one more face of the "QF Fallback"
family that every font stack of the report templates ends with (fontconfig then tries it for
the characters the other face of that family lacks). What no face has (e.g. Extension G) is returned
as a warning naming the characters and where they occur.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

# Where the report templates' <style> accepts the fallback @font-face rule.
MARKER = "/*qf-ext-font*/"
BUNDLED = ("NotoSansSC-Regular.ttf",)
FALLBACK_FACES = (
    "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",
    "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
)
CACHE_DIR = "report-cache/fonts"
TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)
SNIPPET = 8


def _static_fonts_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "static" / "fonts"


@lru_cache(maxsize=8)
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, lazy=True) as font:
            return frozenset(font.getBestCmap() or {})
    except (OSError, Exception):  # a broken or absent face covers nothing
        return frozenset()


def bundled_coverage() -> frozenset[int]:
    covered: set[int] = set()
    for name in BUNDLED:
        covered |= _cmap(str(_static_fonts_dir() / name))
    return frozenset(covered)


def fallback_faces() -> list[str]:
    configured = os.environ.get("QF_REPORT_FALLBACK_FONTS")
    faces = configured.split(os.pathsep) if configured else FALLBACK_FACES
    return [f for f in faces if f and Path(f).is_file()]


def text_of(html: str) -> str:
    return htmllib.unescape(TAG.sub(" ", html))


def _shown(char: str) -> bool:
    """Characters that need a glyph (not spaces, controls, format or private-use marks)."""
    return ord(char) > 0x7E and unicodedata.category(char)[0] not in ("C", "Z")


def uncovered(text: str) -> list[str]:
    covered = bundled_coverage()
    return sorted({c for c in text if _shown(c) and ord(c) not in covered})


def _subset(face: str, codepoints: list[int], media_root: str) -> str:
    """A subset of `face` with just these characters, cached; its media-relative path."""
    digest = hashlib.sha256(f"{face}:{','.join(map(str, codepoints))}".encode()).hexdigest()
    relative = f"{CACHE_DIR}/{digest[:24]}.ttf"
    target = Path(media_root) / relative
    if not target.exists():
        from fontTools import subset

        options = subset.Options()
        options.layout_features = ["*"]
        options.hinting = False
        font = subset.load_font(face, options, lazy=True)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints)
        subsetter.subset(font)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.part")
        subset.save_font(font, str(partial), options)
        partial.replace(target)
    return relative


def with_fallback(
    html: str, where: str, media_root: str, extra_text: str = ""
) -> tuple[str, list[str]]:
    """The HTML with a fallback @font-face for the characters the bundled faces lack, and a
    warning for each character no face has."""
    text = text_of(html) + " " + extra_text
    missing = uncovered(text)
    if not missing:
        return html, []
    rules = []
    left = {ord(c) for c in missing}
    for face in fallback_faces():
        found = sorted(left & _cmap(face))
        if not found:
            continue
        relative = _subset(face, found, media_root)
        rules.append(f'@font-face {{ font-family: "QF Fallback"; src: url(/media/{relative}); }}')
        left -= set(found)
    if rules and MARKER in html:
        html = html.replace(MARKER, "\n".join(rules), 1)
    warnings = [missing_warning(chr(cp), text, where) for cp in sorted(left)]
    return html, warnings


def missing_warning(char: str, text: str, where: str) -> str:
    at = text.find(char)
    before = text[max(0, at - SNIPPET) : at].split()
    after = text[at + 1 : at + 1 + SNIPPET].split()
    snippet = (before[-1] if before else "") + char + (after[0] if after else "")
    return (
        f"缺字：字符「{char}」（U+{ord(char):04X}）在报告字体中没有字形，PDF 中无法显示；"
        f"出现在“{where}”：“{snippet}”"
    )
