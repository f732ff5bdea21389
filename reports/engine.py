"""The render engine: a template and a context in, PDF bytes out.

`render_pdf(template, context)` lays the document out in one WeasyPrint pass, with the page
footer ("第 X 页 共 Y 页") drawn from CSS counters. Long documents go through
`reports.chapters.render_chapters`, which lays chapters out in parallel processes and merges
them. Every resource is read by `reports.fetcher.LocalFetcher`: static and media from disk,
nothing else.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import translation

from reports.fetcher import BASE_URL, django_fetcher

logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)


def render_html(template: str, context: dict, *, mode: str = "single") -> str:
    """The report's HTML: the same for the PDF and the preview (mode: single, chapter, preview)."""
    with translation.override("zh-hans"):
        return render_to_string(template, {**context, "pdf_mode": mode})


def html_to_pdf(html: str, *, pdf_variant: str | None = None) -> Rendered:
    from weasyprint import HTML

    from reports.pdfworker import font_config

    fetcher = django_fetcher()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
        font_config=font_config()
    )
    options = {"pdf_variant": pdf_variant} if pdf_variant else {}
    pdf = document.write_pdf(**options)
    warnings = [f"已拒绝外部资源：{url}" for url in fetcher.refused]
    return Rendered(pdf, len(document.pages), warnings)


def render_pdf(template: str, context: dict, *, pdf_variant: str | None = None) -> Rendered:
    from reports.fetcher import media_root
    from reports.fonts import with_fallback

    html, missing = with_fallback(
        render_html(template, context),
        str(context.get("report_title", "")),
        media_root(),
        extra_text=str(context.get("header_text", "")),
    )
    rendered = html_to_pdf(html, pdf_variant=pdf_variant)
    rendered.warnings = list(context.get("warnings", [])) + missing + rendered.warnings
    return rendered


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)
