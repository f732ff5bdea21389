import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings

from reports.contexts import dossier
from reports.engine import render_pdf
from tests.factories import TODAY
from tests.reports.conftest import pdf_text
from tests.reports.factories import make_dossier_data


@pytest.fixture
def dossier_data(world, domains_a):
    return make_dossier_data(
        world.campaign_a, sites=3, photos_per_site=2, items=3, user=world.office_a
    )


@time_machine.travel(TODAY)
def test_context_has_every_part(world, dossier_data):
    ctx = dossier.build(world.campaign_a, {})
    assert [s["site"].name for s in ctx["sites"]] == [s.name for s in dossier_data["sites"]]
    # site photos, the checklist's evidence thumbnails, and the same photos in the records chapter
    assert len(ctx["photos"]) == dossier_data["photos"] + 2 * dossier_data["evidence"]
    subject = ctx["checklist"][0]
    assert subject["totals"] == {"points": 15, "self": 15, "precheck": 14}
    assert len(ctx["rectifications"]) == 6
    assert ctx["warnings"] == []
    site_photos = [p for p in ctx["photos"] if p["source"].startswith("示范点")]
    evidence = [
        p for p in ctx["photos"] if not p["source"].startswith("示范点") and not p["record"]
    ]
    # site photos (1200 px) are downscaled copies; evidence thumbnails (320 px) are used as they are
    assert all(p["picture"].src.startswith("/media/report-cache/") for p in site_photos)
    assert all(p["picture"].src.startswith("/media/evidence/thumbs/") for p in evidence)


@time_machine.travel(TODAY)
def test_context_query_count_is_fixed(world, domains_a, django_assert_num_queries):
    make_dossier_data(world.campaign_a, sites=1, items=2)
    with django_assert_num_queries(21):  # + the township's measures
        dossier.build(world.campaign_a, {})


@time_machine.travel(TODAY)
def test_query_count_does_not_grow_with_sites(world, domains_a, django_assert_num_queries):
    make_dossier_data(world.campaign_a, sites=5, photos_per_site=3, items=4, evidence_per_item=2)
    with django_assert_num_queries(21):  # + the township's measures
        dossier.build(world.campaign_a, {})


@time_machine.travel(TODAY)
@pytest.mark.parametrize("workers", [1, 2])
def test_merged_page_numbers_equal_a_single_pass(
    world, dossier_data, tmp_path, settings, workers, needs_poppler
):
    settings.REPORT_WORKERS = workers
    ctx = dossier.build(world.campaign_a, {})
    merged = dossier.render(ctx)
    single = render_pdf("reports/dossier.html", dossier.build(world.campaign_a, {}))
    assert merged.pages == single.pages
    merged_text = pdf_text(merged.pdf, tmp_path)
    single_text = pdf_text(single.pdf, tmp_path)

    def toc(text):
        page = text.split("\f")[1]
        return [" ".join(line.split()) for line in page.splitlines() if line.strip()]

    assert toc(merged_text) == toc(single_text)
    pages = merged_text.split("\f")
    # every footer: 第 X 页 共 Y 页, none on the cover
    for number, page in enumerate(pages[1 : merged.pages], start=2):
        assert f"第{number}页共{merged.pages}页" in page.replace(" ", "")
    assert "第1页" not in pages[0].replace(" ", "")
    # the running header on every page but the cover
    for page in pages[1 : merged.pages]:
        assert "甲镇2026年创建廉政文化示范区域" in page.replace(" ", "")
    # the evidence index points to the page where each photo is
    index_rows = re.findall(r"^\s*图(\d+)\s+(\S+).*?(\d+)\s*$", pages[-2] + pages[-1], re.M)
    assert index_rows
    for number, _caption, page in index_rows:
        assert f"图{number}" in pages[int(page) - 1].replace(" ", "")


@time_machine.travel(TODAY)
def test_figures_and_names_in_pdf(world, dossier_data, tmp_path, settings, needs_poppler):
    settings.REPORT_WORKERS = 1
    rendered = dossier.render(dossier.build(world.campaign_a, {}))
    text = pdf_text(rendered.pdf, tmp_path).replace(" ", "")
    for site in dossier_data["sites"]:
        assert site.name in text
    assert "满分15分，自评15分，镇预验收14分" in text
    assert "补齐活动台账（1）" in text
    assert "甲镇2026年创建廉政文化示范区域" in text


@time_machine.travel(TODAY)
def test_missing_and_corrupt_photos_leave_placeholders(
    world, dossier_data, tmp_path, settings, needs_poppler
):
    from sites.models import SitePhoto

    settings.REPORT_WORKERS = 1
    photos = list(SitePhoto.objects.order_by("id"))
    (Path(settings.MEDIA_ROOT) / photos[0].image.name).unlink()
    (Path(settings.MEDIA_ROOT) / photos[1].image.name).write_bytes(b"not a jpeg at all")
    ctx = dossier.build(world.campaign_a, {})
    assert len(ctx["warnings"]) == 2
    assert "缺失" in ctx["warnings"][0] and "损坏" in ctx["warnings"][1]
    rendered = dossier.render(ctx)
    assert rendered.warnings == ctx["warnings"]
    assert "图片缺失" in pdf_text(rendered.pdf, tmp_path)


@time_machine.travel(TODAY)
def test_huge_image_is_downscaled_before_layout(world, domains_a):
    from PIL import Image

    make_dossier_data(
        world.campaign_a, sites=1, photos_per_site=1, items=1, photo_size=(6000, 4500)
    )
    ctx = dossier.build(world.campaign_a, {})
    picture = ctx["photos"][0]["picture"]
    assert max(picture.width, picture.height) <= 1000
    with Image.open(Path(settings.MEDIA_ROOT) / picture.src.removeprefix("/media/")) as image:
        assert max(image.size) <= 1000


def test_worker_pool_reports_failures_and_stops(tmp_path):
    from reports.chapters import WorkerPool

    pool = WorkerPool(2)
    try:
        bad = pool.submit(str(tmp_path / "missing.html"), str(tmp_path / "x.pdf")).result(
            timeout=120
        )
        good_html = tmp_path / "ok.html"
        good_html.write_text('<html lang="zh-CN"><body><p id="here">正文</p></body></html>')
        good = pool.submit(str(good_html), str(tmp_path / "ok.pdf")).result(timeout=120)
    finally:
        pool.abort()
    assert bad["ok"] is False and "FileNotFoundError" in bad["error"]
    assert good["ok"] is True and good["pages"] == 1 and good["anchors"] == {"here": 0}
    assert all(p.poll() is not None for p in pool.processes)
