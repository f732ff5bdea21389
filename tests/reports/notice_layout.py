"""Measure a rendered notice with pdfplumber: what GB/T 9704-2012 asks, in millimetres."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field

MM = 72 / 25.4
# The ideographic em box of the Noto CJK and Zhuque faces: 0.88 em above the baseline.
EM_TOP = 0.88


@dataclass
class Line:
    page: int
    baseline_mm: float  # from the top of the page
    size: float
    fonts: set[str]
    text: str
    x0_mm: float
    x1_mm: float
    chars: int


@dataclass
class Measured:
    width_mm: float
    height_mm: float
    pages: int
    lines: list[Line] = field(default_factory=list)
    organ_top_mm: float | None = None  # the red mark's top edge, from the top of the page
    organ_color: tuple | None = None
    organ_font: str = ""
    rules: list[dict] = field(default_factory=list)  # black horizontal rules: page, y_mm, x0, x1, h

    def body_lines(self, page: int) -> list[Line]:
        return [ln for ln in self.lines if ln.page == page and abs(ln.size - 16) < 0.1]


def _color(char) -> tuple:
    colour = char.get("non_stroking_color")
    return tuple(round(c, 2) for c in colour) if isinstance(colour, list | tuple) else ()


def measure(pdf: bytes) -> Measured:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        first = doc.pages[0]
        result = Measured(first.width / MM, first.height / MM, len(doc.pages))
        for number, page in enumerate(doc.pages, start=1):
            rows = defaultdict(list)
            for char in page.chars:
                if not char["text"].strip():
                    continue
                baseline = page.height - char["matrix"][5]
                rows[(round(baseline, 1), round(char["size"], 1))].append(char)
                if _color(char)[:1] and _color(char)[0] > 0.8 and char["size"] > 20:
                    top = (baseline - EM_TOP * char["size"]) / MM
                    if result.organ_top_mm is None or top < result.organ_top_mm:
                        result.organ_top_mm = top
                        result.organ_color = _color(char)
                        result.organ_font = char["fontname"]
            for (baseline, size), chars in sorted(rows.items()):
                chars.sort(key=lambda c: c["x0"])
                result.lines.append(
                    Line(
                        page=number,
                        baseline_mm=baseline / MM,
                        size=size,
                        fonts={c["fontname"].split("+")[-1] for c in chars},
                        text="".join(c["text"] for c in chars),
                        x0_mm=chars[0]["x0"] / MM,
                        x1_mm=chars[-1]["x1"] / MM,
                        chars=len(chars),
                    )
                )
            for rect in page.rects + page.lines:
                height = abs(rect["bottom"] - rect["top"])
                width = rect["x1"] - rect["x0"]
                # rules are drawn as filled outlines around their box: as wide as the text
                if width > 150 * MM and height < 15 * MM:
                    colour = rect.get("non_stroking_color") or rect.get("stroking_color")
                    result.rules.append(
                        {
                            "page": number,
                            "top_mm": rect["top"] / MM,
                            "bottom_mm": rect["bottom"] / MM,
                            "x0_mm": rect["x0"] / MM,
                            "x1_mm": rect["x1"] / MM,
                            "color": tuple(colour) if isinstance(colour, list | tuple) else colour,
                        }
                    )
    return result


PARAGRAPH = (
    "各单位要对照创建标准逐条查漏补缺，落实主体责任，按期完成工作任务，及时报送活动台账和佐证材料，"
    "确保创建工作有序推进、取得实效。"
)


def notice_context(
    paragraphs: int,
    *,
    copy_to: str = "区纪委监委，镇党委、政府领导班子成员",
    intro: str = PARAGRAPH,
) -> dict:
    """A notice with this many body paragraphs (1 with a short intro: one page; 18: four)."""
    sections = []
    for s in range(max(1, paragraphs // 6)):
        sections.append(
            {
                "heading": f"{'一二三四五六七八九十'[s % 10]}、第{s + 1}类问题（3个单位）",
                "paragraphs": [f"{i + 1}.清溪镇第{i + 1}村民委员会：{PARAGRAPH}" for i in range(6)],
            }
        )
    if paragraphs < 6:
        sections = [{"heading": "", "paragraphs": [PARAGRAPH] * paragraphs}]
    from reports.contexts.notice import layout

    return layout(
        {
            "report_title": "关于2026年度清溪镇廉政文化示范区域创建工作推进情况的通报",
            "header_text": "",
            "draft": False,
            "doc_number": "清纪发〔2026〕4号",
            "recipient": "各村（社区）、镇直各单位：",
            "issuer": "清溪镇廉政文化示范区域创建办公室",
            "issued_on": dt.date(2026, 6, 15),
            "copy_to": copy_to,
            "printer": "清溪镇纪委办公室",
            "intro": [intro],
            "sections": sections,
            "warnings": [],
        }
    )


def embedded_faces(pdf: bytes) -> dict[str, str]:
    """{PDF font name without subset tag: the embedded font's own full name}."""
    import pikepdf
    from fontTools.ttLib import TTFont

    faces = {}
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            for font in page.Resources.Font.values():
                descendants = font.get("/DescendantFonts")
                descriptor = (descendants[0] if descendants else font).get("/FontDescriptor")
                if descriptor is None:
                    continue
                name = str(descriptor.FontName).lstrip("/").split("+")[-1]
                for key in ("/FontFile2", "/FontFile3"):
                    if key in descriptor and name not in faces:
                        data = descriptor[key].read_bytes()
                        faces[name] = TTFont(io.BytesIO(data))["name"].getDebugName(4)
    return faces
