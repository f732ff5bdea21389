from pathlib import Path

import pytest
import time_machine
from django.conf import settings

from reports.contexts import work_report
from reports.engine import html_to_pdf, render_pdf
from reports.fetcher import BASE_URL, RefusedURL, django_fetcher
from reports.templatetags.qf_report import css_string
from tests.factories import TODAY, RecordFactory
from tests.reports.conftest import pdf_text


def test_fetcher_serves_static_and_media_only(settings):
    media = Path(settings.MEDIA_ROOT)
    (media / "photos").mkdir(parents=True)
    (media / "photos" / "a.jpg").write_bytes(b"x")
    fetcher = django_fetcher()
    assert (
        fetcher.resolve(BASE_URL + "static/fonts/NotoSansSC-Regular.ttf").name
        == "NotoSansSC-Regular.ttf"
    )
    assert (
        fetcher.resolve(BASE_URL + "media/photos/a.jpg") == (media / "photos" / "a.jpg").resolve()
    )
    refused = [
        "http://example.com/static/fonts/NotoSansSC-Regular.ttf",
        "https://report.invalid/static/fonts/NotoSansSC-Regular.ttf",
        "file:///etc/passwd",
        BASE_URL + "media/../../../../etc/passwd",
        BASE_URL + "media/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        BASE_URL + "static/../config/settings.py",
        BASE_URL + "etc/passwd",
        BASE_URL + "media/photos/missing.jpg",
        "data:image/png;base64,iVBORw0KGgo=",
    ]
    for url in refused:
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    assert fetcher.refused == refused


def test_a_document_cannot_fetch_outside_resources():
    html = (
        '<html lang="zh-CN"><body><img src="http://example.com/spy.png">'
        '<img src="file:///etc/hostname"><link rel="stylesheet" href="https://cdn.example/x.css">'
        "<p>正文</p></body></html>"
    )
    rendered = html_to_pdf(html)
    assert rendered.pages == 1
    assert len(rendered.warnings) == 3
    assert all(w.startswith("已拒绝外部资源") for w in rendered.warnings)


def test_css_string_escapes_everything_that_could_end_the_string():
    assert css_string('甲镇"; } body { display: none } /*') == (
        "甲镇\\000022\\00003b\\000020\\00007d\\000020body\\000020\\00007b\\000020display"
        "\\00003a\\000020none\\000020\\00007d\\000020\\00002f\\00002a"
    )


@time_machine.travel(TODAY)
def test_user_text_is_shown_as_text(world, domains_a, tmp_path, needs_poppler):
    world.unit_a1.name = '<img src="http://evil.example/x.png">村'
    world.unit_a1.save()
    world.campaign_a.name = '甲镇"; } @page { size: A3 } /*'
    world.campaign_a.save()
    from campaigns.models import CampaignDomain

    CampaignDomain.objects.filter(campaign=world.campaign_a).update(lead_unit=world.unit_a1)
    RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, title="<script>alert(1)</script>")
    rendered = render_pdf("reports/work_report.html", work_report.build(world.campaign_a, {}))
    assert rendered.warnings == []  # nothing was fetched
    text = pdf_text(rendered.pdf, tmp_path).replace(" ", "").replace("\n", "")
    assert '<imgsrc="http://evil.example/x.png">村牵头' in text
    assert '甲镇";}@page{size:A3}/*' in text  # the running header, as text
    import io

    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(rendered.pdf)).pages[0]
    assert round(float(page.mediabox.height)) == 842  # still A4


def test_fonts_ship_with_their_licence():
    fonts = Path(settings.BASE_DIR) / "static" / "fonts"
    assert (fonts / "OFL-NotoSansSC.txt").read_text().count("SIL Open Font License") >= 1
    from fontTools.ttLib import TTFont

    cmap = TTFont(fonts / "NotoSansSC-Regular.ttf").getBestCmap()
    assert all(ord(c) in cmap for c in "堃喆燚犇旸珺镕")
