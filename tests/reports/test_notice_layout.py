"""The notice measured against GB/T 9704-2012 with pdfplumber, on a one-page and a four-page
notice: page size, type area, 28 characters × 22 lines, fonts and sizes, the red mark 35 mm
below the top of the type area, balanced title lines, the signature kept with the text and the
版记 on the bottom edge of the type area of the last page."""

from __future__ import annotations

import pytest

from reports import gbt9704
from reports.engine import render_pdf
from tests.reports.notice_layout import embedded_faces, measure, notice_context

TOP, BOTTOM, LEFT, RIGHT = 37.0, 262.0, 28.0, 184.0
TOLERANCE = 0.3  # mm


@pytest.fixture(scope="module")
def notices():
    one = render_pdf("reports/notice.html", notice_context(0)).pdf
    four = render_pdf("reports/notice.html", notice_context(18)).pdf
    return {"one": (one, measure(one)), "four": (four, measure(four))}


@pytest.mark.parametrize("kind,pages", [("one", 1), ("four", 4)])
def test_page_size_type_area_and_fonts(notices, kind, pages):
    pdf, m = notices[kind]
    assert m.pages == pages
    assert (round(m.width_mm, 1), round(m.height_mm, 1)) == (210.0, 297.0)
    body = [ln for ln in m.lines if ln.size == 16.0]
    assert body
    for line in body:  # every body character inside the 156 × 225 mm type area
        assert line.x0_mm >= LEFT - TOLERANCE and line.x1_mm <= RIGHT + TOLERANCE, line
        assert line.baseline_mm - 0.88 * 16 / gbt9704.PT_PER_MM >= TOP - TOLERANCE, line
        assert line.baseline_mm <= BOTTOM, line
        assert line.fonts <= {"QF-FangSong", "QF-Sans-Bold,-Bold"}, line
    assert {"QF-FangSong"} in [ln.fonts for ln in body]
    # the left edge of full lines is the 28 mm binding margin, the right edge 184 mm
    full = [ln for ln in body if ln.chars == gbt9704.CHARS_PER_LINE]
    assert full and all(abs(ln.x1_mm - RIGHT) < TOLERANCE for ln in full)
    indent = 2 * (16 - 0.21) / gbt9704.PT_PER_MM
    assert {round(ln.x0_mm, 1) for ln in body if ln.fonts == {"QF-FangSong"}} <= {
        LEFT,
        round(LEFT + indent, 1),
    } | {
        round(ln.x0_mm, 1) for ln in body if ln.text.startswith(("清溪镇廉政", "2026年", "清纪发"))
    }
    titles = [ln for ln in m.lines if ln.size == 22.0]
    assert titles and all(ln.fonts == {"QF-Title-Heavy"} for ln in titles)
    faces = embedded_faces(pdf)
    assert faces["QF-FangSong"] == "Zhuque Fangsong Regular"  # 朱雀仿宋, 3号 body
    assert faces["QF-Title-Heavy"] == "Noto Serif CJK SC Black"  # the 小标宋-like face


@pytest.mark.parametrize("kind", ["one", "four"])
def test_28_characters_a_line(notices, kind):
    _pdf, m = notices[kind]
    counts = [ln.chars for ln in m.lines if ln.size == 16.0]
    assert max(counts) == 28
    # an indented first line holds 26 (two characters of indent)
    assert any(ln.chars == 26 and abs(ln.x0_mm - LEFT - 11.14) < 0.1 for ln in m.lines)


def test_22_lines_on_every_full_page(notices):
    _pdf, m = notices["four"]
    for page in (2, 3):
        lines = m.body_lines(page)
        assert len(lines) == gbt9704.LINES_PER_PAGE
        pitches = {
            round(b.baseline_mm - a.baseline_mm, 1) for a, b in zip(lines, lines[1:], strict=False)
        }
        assert pitches <= {10.1, 10.2, 10.3}  # 28.95 pt = 10.21 mm (headings' face: ±0.1)


@pytest.mark.parametrize("kind", ["one", "four"])
def test_red_organ_mark_35_mm_below_the_type_area_top(notices, kind):
    _pdf, m = notices[kind]
    assert m.organ_top_mm == pytest.approx(TOP + 35, abs=TOLERANCE)
    red, green, blue = m.organ_color
    assert red > 0.8 and green < 0.1 and blue < 0.2
    assert m.organ_font.endswith("QF-Title-Heavy")
    mark = next(ln for ln in m.lines if ln.page == 1 and ln.size > 22)
    assert mark.x0_mm >= LEFT and mark.x1_mm <= RIGHT  # within the type area, centred
    assert abs((mark.x0_mm - LEFT) - (RIGHT - mark.x1_mm)) < 1
    rule = next(r for r in m.rules if r["page"] == 1 and r["color"][0] > 0.8)
    assert (rule["x0_mm"], rule["x1_mm"]) == (pytest.approx(LEFT), pytest.approx(RIGHT))


def test_title_lines_are_balanced(notices):
    _pdf, m = notices["four"]
    titles = [ln for ln in m.lines if ln.size == 22.0]
    assert [ln.text for ln in titles] == [
        "关于2026年度清溪镇廉政文化",
        "示范区域创建工作推进情况的通报",
    ]
    for title in (
        "关于清溪镇廉政文化示范区域创建工作进展情况的通报报",
        "关于对2026年第二季度廉政文化示范区域创建工作中任务逾期、月报未报和整改逾期单位的通报",
        "关于表扬清溪村等十二个廉政文化示范区域创建工作先进单位的通报",
    ):
        lines = gbt9704.title_lines(title)
        assert "".join(lines) == title
        assert all(len(line) >= 5 for line in lines), lines
        assert max(map(len, lines)) - min(map(len, lines)) <= 8, lines
        assert all(gbt9704._width(line) <= gbt9704.TITLE_CHARS_PER_LINE for line in lines)


@pytest.mark.parametrize("kind", ["one", "four"])
def test_signature_with_the_text_and_colophon_at_the_foot(notices, kind):
    _pdf, m = notices[kind]
    last = m.pages
    signature = next(
        ln for ln in m.lines if ln.text == "清溪镇廉政文化示范区域创建办公室" and ln.size == 16
    )
    date = next(ln for ln in m.lines if ln.text == "2026年6月15日" and ln.size == 16)
    assert signature.page == date.page == last
    text_before = [ln for ln in m.body_lines(last) if ln.baseline_mm < signature.baseline_mm]
    assert len(text_before) >= 2  # never alone on its page
    # the signature ends two characters from the right, the date starts two right of it
    assert RIGHT - signature.x1_mm == pytest.approx(2 * 5.57, abs=0.6)
    assert date.x0_mm - signature.x0_mm == pytest.approx(2 * 5.57, abs=0.6)
    colophon = [ln for ln in m.lines if ln.page == last and ln.size == 14 and "—" not in ln.text]
    assert [ln.text[:3] for ln in colophon] == ["抄送：", "清溪镇"]
    assert colophon[-1].text.endswith("印发")
    assert colophon[0].baseline_mm > date.baseline_mm
    rules = [r for r in m.rules if r["page"] == last and r["color"] == (0, 0, 0)]
    assert max(r["bottom_mm"] for r in rules) == pytest.approx(BOTTOM, abs=TOLERANCE)
    assert all(
        r["x0_mm"] == pytest.approx(LEFT) and r["x1_mm"] == pytest.approx(RIGHT) for r in rules
    )
    assert not [r for r in m.rules if r["page"] < last and r["color"] == (0, 0, 0)]


def test_signature_is_kept_with_the_last_paragraph():
    """A body that ends on the last line of a page takes its last paragraph (at least its last
    line, two when it has more: widows) over with the signature."""
    context = notice_context(18)
    for extra in range(12):
        context["closing"] = ["各单位要高度重视。"] * extra
        m = measure(render_pdf("reports/notice.html", context).pdf)
        signature = next(
            ln for ln in m.lines if ln.text == "清溪镇廉政文化示范区域创建办公室" and ln.size == 16
        )
        before = [
            ln for ln in m.body_lines(signature.page) if ln.baseline_mm < signature.baseline_mm
        ]
        assert before, extra
        if signature.page == 5:
            return  # the case: the text filled page 4 and the signature moved on with 2 lines
    pytest.fail("no variant pushed the signature over a page")


def test_page_numbers(notices):
    _pdf, m = notices["four"]
    numbers = [ln for ln in m.lines if ln.size == 14 and ln.text.startswith("—")]
    assert [ln.text for ln in numbers] == ["—1—", "—2—", "—3—", "—4—"]
    for ln in numbers:  # 7 mm below the type area; odd pages right, even pages left
        assert ln.baseline_mm - 0.88 * 14 / gbt9704.PT_PER_MM == pytest.approx(BOTTOM + 7, abs=1)
        if ln.page % 2:
            assert ln.x1_mm == pytest.approx(RIGHT - 4.94, abs=0.3)
        else:
            assert ln.x0_mm == pytest.approx(LEFT + 4.94, abs=0.3)
