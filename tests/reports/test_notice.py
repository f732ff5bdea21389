import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from assessments.models import Notice, NoticeEntry
from reports.contexts import notice as notice_ctx
from reports.engine import render_pdf
from tests.factories import TODAY
from tests.reports.conftest import pdf_text


@pytest.fixture
def notice_a(world):
    notice = Notice.objects.create(
        campaign=world.campaign_a,
        title="关于廉政文化示范区域创建工作进展情况的通报",
        doc_number="甲纪办〔2026〕7号",
        intro="为推动创建工作落实，现将进展情况通报如下。\n请被通报单位限期整改。<script>alert(1)</script>",
        as_of=dt.date(2026, 6, 10),
        status="published",
    )
    NoticeEntry.objects.create(
        notice=notice, unit=world.unit_a1, category="overdue_tasks", count=3, detail="逾期任务3项"
    )
    NoticeEntry.objects.create(notice=notice, unit=world.unit_a2, category="overdue_tasks", count=1)
    NoticeEntry.objects.create(
        notice=notice,
        unit=world.unit_a2,
        category="missing_reports",
        count=2,
        detail="5月、6月月报未报",
    )
    NoticeEntry.objects.create(
        notice=notice,
        unit=world.unit_a1,
        category="other",
        count=9,
        detail="不列入",
        included=False,
    )
    return notice


@time_machine.travel(TODAY)
def test_notice_context_groups_included_entries(world, notice_a, django_assert_num_queries):
    with django_assert_num_queries(2):
        ctx = notice_ctx.build(world.campaign_a, {"notice": notice_a.pk})
    # in the configured order of importance (settings.NOTICE_CATEGORY_ORDER), not by code
    assert [s["heading"] for s in ctx["sections"]] == [
        "一、任务逾期（2个单位）",
        "二、月报未报（1个单位）",
    ]
    assert ctx["title_lines"] and ctx["organ_size"] <= 36
    assert ctx["issuer"] == "甲镇廉政文化示范区域创建办公室"


@time_machine.travel(TODAY)
def test_notice_praise_beside_criticism_and_closing(world, notice_a):
    NoticeEntry.objects.create(
        notice=notice_a, unit=world.unit_a1, category="best_practice", detail="“清风故事会”"
    )
    notice_a.closing = "各单位要限期整改。"
    notice_a.save()
    ctx = notice_ctx.build(world.campaign_a, {"notice": notice_a.pk})
    assert [s["heading"] for s in ctx["sections"]] == [
        "一、表扬",
        "（一）典型经验（1个单位）",
        "二、批评",
        "（一）任务逾期（2个单位）",
        "（二）月报未报（1个单位）",
    ]
    assert ctx["closing"] == ["各单位要限期整改。"]


def test_notice_missing_is_a_clear_error(world):
    with pytest.raises(ValidationError) as exc:
        notice_ctx.build(world.campaign_a, {})
    assert "还没有通报" in str(exc.value)


@time_machine.travel(TODAY)
def test_notice_pdf_layout_and_text(world, notice_a, tmp_path, needs_poppler):
    import io

    from pypdf import PdfReader

    rendered = render_pdf("reports/notice.html", notice_ctx.build(world.campaign_a, {}))
    text = pdf_text(rendered.pdf, tmp_path)
    flat = text.replace(" ", "")
    joined = flat.replace("\n", "")
    assert "甲纪办〔2026〕7号" in flat
    assert "关于廉政文化示范区域创建工作进展情况的通报" in joined
    assert "甲镇廉政文化示范区域创建办公室\n" in flat  # the red organ mark on one line
    assert "1.甲一村：逾期任务3项" in flat
    assert "2.甲二村：共1项" in flat
    assert "不列入" not in flat
    assert "<script>alert(1)</script>" in flat  # shown as text
    assert "—1—" in flat
    page = PdfReader(io.BytesIO(rendered.pdf)).pages[0]
    assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842
