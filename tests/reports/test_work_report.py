import time_machine

from reports.contexts import work_report
from reports.contexts.common import approx
from reports.engine import render_pdf
from tests.factories import TODAY, RecordFactory, TaskFactory, domain
from tests.reports.conftest import pdf_fonts, pdf_text


def test_approx_figures_the_way_reports_quote_them():
    assert approx(66) == "66"
    assert approx(100) == "100"
    assert approx(226) == "220余"
    assert approx(4512) == "4500余"
    assert approx(3600) == "3600"


# records by domain and type, units by domain, highlights (marked, largest), task counts (2),
# the township's measures, units taking part, all units, sites, visitors, the current phase,
# publicity items per channel
WORK_REPORT_QUERIES = 13


@time_machine.travel(TODAY)
def test_context_counts_only_approved_records(
    world, domains_a, ledger_a, django_assert_num_queries
):
    with django_assert_num_queries(WORK_REPORT_QUERIES):
        ctx = work_report.build(world.campaign_a, {})
    assert ctx["total_records"] == 9
    assert ctx["total_participants"] == sum(r.participants for r in ledger_a)
    assert ctx["total_units"] == 2
    by_code = {s["domain"].code: s for s in ctx["sections"]}
    assert by_code["villages"]["records"] == 6
    assert by_code["villages"]["participants"] == sum(40 + i for i in range(6))
    (films,) = by_code["schools"]["types"]
    assert (films["type"], films["label"], films["records"], films["participants"]) == (
        "film",
        "电教片",
        3,
        303,
    )
    assert films["quantity"] == 3 and films["measure"].unit == "场"
    assert by_code["schools"]["quantities"] == "组织观看电教片3场"
    assert by_code["families"]["records"] == 0


@time_machine.travel(TODAY)
def test_query_count_does_not_grow_with_records(world, domains_a, django_assert_num_queries):
    for i in range(40):
        RecordFactory(
            campaign=world.campaign_a,
            unit=world.unit_a1 if i % 2 else world.unit_a2,
            domain=domain(["villages", "schools", "families"][i % 3]),
            type=["lecture", "film", "forum", "contest"][i % 4],
        )
    TaskFactory.create_batch(5, campaign=world.campaign_a, lead_unit=world.unit_a1)
    with django_assert_num_queries(WORK_REPORT_QUERIES):
        work_report.build(world.campaign_a, {})


@time_machine.travel(TODAY)
def test_pdf_figures_equal_the_database(world, domains_a, ledger_a, tmp_path, needs_poppler):
    ctx = work_report.build(world.campaign_a, {})
    rendered = render_pdf("reports/work_report.html", ctx)
    text = pdf_text(rendered.pdf, tmp_path)
    assert "甲镇2026年创建廉政文化\n" in text and "示范区域工作情况汇报\n" in text
    people = sum(r.participants for r in ledger_a)
    flowing = "".join(text.split())  # the prose wraps at 28 characters a line
    assert f"共开展廉政文化活动9次，参加{approx(people)}人次" in flowing
    # the table rows: type, records, participants
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "党课/讲座 6 255 6场" in lines
    assert "电教片 3 303 3场" in lines
    assert f"合计 9 {people}" in lines
    assert "—1—" in text.replace(" ", "")
    assert rendered.pages == 3  # the report (two pages), then the table of exact figures


@time_machine.travel(TODAY)
def test_a_cjk_font_is_embedded_and_rare_names_render(world, domains_a, tmp_path, needs_poppler):
    world.unit_a1.name = "堃喆燚犇旸珺镕村"
    world.unit_a1.save()
    from campaigns.models import CampaignDomain

    CampaignDomain.objects.filter(campaign=world.campaign_a).update(lead_unit=world.unit_a1)
    RecordFactory(campaign=world.campaign_a, unit=world.unit_a1)
    rendered = render_pdf("reports/work_report.html", work_report.build(world.campaign_a, {}))
    fonts = pdf_fonts(rendered.pdf, tmp_path)
    assert "QF-Sans" in fonts and "CID TrueType" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # embedded
    assert "堃喆燚犇旸珺镕村牵头" in pdf_text(rendered.pdf, tmp_path)


# --- quantities, highlights, the office's own words (issue 13 work report, issue 14.5) ---------

import re  # noqa: E402

from activities.models import ActivityRecord  # noqa: E402
from reports.kinds import clean_parameters  # noqa: E402


def _prose(ctx) -> str:
    parts = [ctx["overall_quantities"], ctx["publicity_text"], *ctx["problems"]]
    for s in ctx["sections"]:
        parts += [s["quantities"], *(h["sentence"] for h in s["highlights"])]
    return "。".join(parts)


@time_machine.travel(TODAY)
def test_each_type_is_counted_with_its_verb_and_measure(world, domains_a):
    c = world.campaign_a
    RecordFactory(campaign=c, unit=world.unit_a1, type="banner", quantity=30, participants=6)
    RecordFactory(
        campaign=c, unit=world.unit_a1, type="commitment", quantity=3612, participants=3612
    )
    for _ in range(12):
        RecordFactory(campaign=c, unit=world.unit_a2, type="film", participants=50)
    RecordFactory(campaign=c, unit=world.unit_a2, type="books", quantity=1234, participants=80)
    ctx = work_report.build(c, {})
    assert ctx["overall_quantities"] == (
        "组织观看电教片12场、刷写标语30条、签订承诺书3600余份、发放书籍1200余册"
    )
    prose = _prose(ctx)
    assert "开展标语" not in prose and "次，参加" not in ctx["overall_quantities"]
    # never a rounded and an exact figure of 100 or more in one sentence: every figure ≥ 100
    # in the prose is floored (余) or already round
    unquoted = re.sub(r"“[^”]*”", "", prose)  # titles are the records' own words
    for number, tail in re.findall(r"(\d{3,})(余?)", unquoted):
        n = int(number)
        assert tail == "余" or n % (100 if n >= 1000 else 10) == 0, number


@time_machine.travel(TODAY)
def test_office_wording_of_a_measure_is_used(world, domains_a):
    from activities import measures

    measures.save_measures(world.township_a, {"banner": ("张贴", "廉政标语", "幅")}, by=None)
    RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, type="banner", quantity=8)
    ctx = work_report.build(world.campaign_a, {})
    assert ctx["overall_quantities"] == "张贴廉政标语8幅"


@time_machine.travel(TODAY)
def test_highlights_are_the_offices_picks_else_the_largest(world, domains_a, ledger_a):
    ctx = work_report.build(world.campaign_a, {})
    villages = next(s for s in ctx["sections"] if s["domain"].code == "villages")
    # no pick: the two largest by participants (45 and 44)
    assert [h["title"] for h in villages["highlights"]] == [ledger_a[5].title, ledger_a[4].title]
    ActivityRecord.objects.filter(pk=ledger_a[0].pk).update(highlight=True)
    ctx = work_report.build(world.campaign_a, {})
    villages = next(s for s in ctx["sections"] if s["domain"].code == "villages")
    assert [h["title"] for h in villages["highlights"]] == [ledger_a[0].title]
    assert villages["highlights"][0]["sentence"].startswith("6月1日，")


@time_machine.travel(TODAY)
def test_problems_and_next_steps_are_the_offices_words_when_given(world, domains_a, ledger_a):
    drafted = work_report.build(world.campaign_a, {})
    assert drafted["problems"][0].startswith("一是") and drafted["next_steps"][0].startswith(
        "下一步"
    )
    params = clean_parameters(
        "work-report", {"problems": " 宣传氛围不浓。\n\n台账不规范。 ", "next_steps": "加强督导。"}
    )
    assert params == {"problems": "宣传氛围不浓。\n台账不规范。", "next_steps": "加强督导。"}
    ctx = work_report.build(world.campaign_a, params)
    assert ctx["problems"] == ["宣传氛围不浓。", "台账不规范。"]
    assert ctx["next_steps"] == ["加强督导。"]


@time_machine.travel(TODAY)
def test_publicity_counts_the_publicity_ledger_per_channel(world, domains_a):
    from django.utils import timezone

    from activities.models import PublicityItem

    ctx = work_report.build(world.campaign_a, {})
    assert ctx["publicity_text"] == "宣传报道情况尚无记录。"
    RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, type="article", quantity=3)
    assert "刊发信息文章3篇" in work_report.build(world.campaign_a, {})["publicity_text"]
    for channel in ("unit_intranet", "unit_intranet", "internet"):
        PublicityItem.objects.create(
            campaign=world.campaign_a,
            unit=world.unit_a1,
            title="廉政文化进农村",
            link="https://example.cn/a",
            channel=channel,
            published_on=TODAY,
            status="approved",
            submitted_at=timezone.now(),
        )
    text = work_report.build(world.campaign_a, {})["publicity_text"]
    assert text == "强化舆论引导宣传，经审核的信息报送共3篇，其中单位内网2篇、外网1篇。"
