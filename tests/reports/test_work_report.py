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


@time_machine.travel(TODAY)
def test_context_counts_only_approved_records(
    world, domains_a, ledger_a, django_assert_num_queries
):
    with django_assert_num_queries(5):
        ctx = work_report.build(world.campaign_a, {})
    assert ctx["total_records"] == 9
    assert ctx["total_participants"] == sum(r.participants for r in ledger_a)
    assert ctx["total_units"] == 2
    by_code = {s["domain"].code: s for s in ctx["sections"]}
    assert by_code["villages"]["records"] == 6
    assert by_code["villages"]["participants"] == sum(40 + i for i in range(6))
    assert by_code["schools"]["types"] == [
        {"type": "film", "label": "电教片", "records": 3, "participants": 303}
    ]
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
    with django_assert_num_queries(5):
        work_report.build(world.campaign_a, {})


@time_machine.travel(TODAY)
def test_pdf_figures_equal_the_database(world, domains_a, ledger_a, tmp_path, needs_poppler):
    ctx = work_report.build(world.campaign_a, {})
    rendered = render_pdf("reports/work_report.html", ctx)
    text = pdf_text(rendered.pdf, tmp_path)
    assert "甲镇2026年创建廉政文化示范区域工作情况汇报" in text
    people = sum(r.participants for r in ledger_a)
    assert f"共开展廉政文化活动9次，参加{approx(people)}人次" in text
    # the table rows: type, records, participants
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "党课/讲座 6 255" in lines
    assert "电教片 3 303" in lines
    assert f"合计 9 {people}" in lines
    assert "第1页共1页" in text.replace(" ", "")
    assert rendered.pages == 1


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
