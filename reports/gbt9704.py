"""Measures of an official document (党政机关公文格式, GB/T 9704-2012) that the notice uses.

A4 paper; type area 156 mm × 225 mm, top margin (天头) 37 mm, binding margin (订口, left) 28 mm;
body in 3号 (16 pt) 仿宋, 22 lines of 28 characters; title in 2号 (22 pt) 小标宋; the red
发文机关标志 with its top edge 35 mm below the top of the type area (§7.2.1); 版记 at the foot
of the last page, its last rule on the bottom edge of the type area (§7.4.1).
"""

from __future__ import annotations

import math

PT_PER_MM = 72 / 25.4
TYPE_WIDTH_MM = 156
TYPE_HEIGHT_MM = 225
TOP_MM = 37
LEFT_MM = 28
BODY_PT = 16
TITLE_PT = 22
CHARS_PER_LINE = 28
LINES_PER_PAGE = 22
ORGAN_MARK_TOP_MM = 35  # below the top of the type area
# One line of the grid: 225 mm / 22, a hair under so rounding never pushes the 22nd line over.
LINE_PT = 28.95
# The advance of a body character so that 28 fill the 156 mm line: 16 pt − 0.21 pt.
BODY_LETTER_SPACING_PT = -0.21

TITLE_CHARS_PER_LINE = 20  # 156 mm / 22 pt = 20.1
# A break is poor before closing punctuation, after opening punctuation, and inside a number.
_NO_BREAK_BEFORE = set("，。、；：？！）》”’〕」』】…—·")
_NO_BREAK_AFTER = set("（《“‘〔「『【")
# Words a title line reads well ending with (the notices' own vocabulary).
_GOOD_ENDINGS = (
    "关于",
    "年度",
    "廉政文化",
    "示范区域",
    "创建工作",
    "工作",
    "情况",
    "镇",
    "村",
    "社区",
    "单位",
)


def _width(text: str) -> float:
    """Width in ems: ASCII letters and digits are half an em in these faces."""
    return sum(0.5 if ord(ch) < 0x2000 else 1.0 for ch in text)


def _penalty(text: str, i: int) -> float:
    before, after = text[i - 1], text[i]
    penalty = 0.0
    if after in _NO_BREAK_BEFORE or before in _NO_BREAK_AFTER:
        penalty += 10
    if before.isascii() and after.isascii() and before.isalnum() and after.isalnum():
        penalty += 10
    if not any(text[max(0, i - len(w)) : i] == w for w in _GOOD_ENDINGS):
        penalty += 3.5  # inside a phrase: only where no phrase boundary is near the middle
    return penalty


def title_lines(title: str, per_line: int = TITLE_CHARS_PER_LINE) -> list[str]:
    """The title in as few lines as fit, of balanced length (梯形/菱形, never one character
    alone): each break is chosen among positions near the even split, preferring word-like
    boundaries, never inside a number or next to the wrong punctuation."""
    title = " ".join(title.split())
    total = _width(title)
    if total <= per_line:
        return [title]
    count = math.ceil(total / per_line)
    lines, rest = [], title
    for remaining in range(count, 1, -1):
        target = _width(rest) / remaining
        best, best_score = None, None
        for i in range(2, len(rest) - 1):
            head = _width(rest[:i])
            if head > per_line or _width(rest[i:]) > per_line * (remaining - 1):
                continue
            score = abs(head - target) + _penalty(rest, i)
            if best_score is None or score < best_score:
                best, best_score = i, score
        if best is None:
            best = min(len(rest) - 2, per_line)
        lines.append(rest[:best])
        rest = rest[best:]
    lines.append(rest)
    return lines


# Noto Serif CJK (the 小标宋-like face): line ascent 1.151 em, descent 0.286 em, ideographic em
# box 0.88 em above the baseline. In a line box exactly one em tall the baseline sits
# (1 + 1.151 - 0.286) / 2 em below the line's top, so the em box's top is 0.0525 em below it.
TITLE_FACE_EM_TOP_IN_LINE = (1 + 1.151 - 0.286) / 2 - 0.88


def organ_mark_offset(size_pt: float) -> float:
    """How far (pt) the mark's top edge lies below the top of its one-em line box."""
    return round(TITLE_FACE_EM_TOP_IN_LINE * size_pt, 2)


def organ_mark_size(issuer: str) -> float:
    """Font size (pt) of the red organ mark: as large as the type area's width allows for the
    name (with its letter-spacing), at most 36 pt, at least 2号 (22 pt) shrunk only if needed."""
    width_pt = TYPE_WIDTH_MM * PT_PER_MM
    n = max(len(issuer), 1)
    size = (width_pt - 4) / n - 2  # 2 pt letter-spacing per character, 4 pt to spare
    return round(min(36.0, size), 1)
