"""A chapter layout worker: `python -m reports.pdfworker`, one per core, started by
`reports.chapters`. It reads one JSON job per line on stdin ({"html": path, "out": path}),
lays the HTML out with WeasyPrint, writes the PDF and answers one JSON line with the page count
and the page index of every anchor. It does not import Django: its resources come through
`reports.fetcher.LocalFetcher`, configured from the environment.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import resource
import sys
from collections import OrderedDict

_FONTS = None
# The report's <style>, parsed once per worker: the chapters of a report share it, and
# parsing it again for each one cost ~13 ms a chapter (WeasyPrint keeps no parsed sheets).
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_SHEETS: OrderedDict = OrderedDict()
SHEETS_KEPT = 8


def font_config():
    """One font configuration per process: the bundled fonts are registered once, not per job."""
    global _FONTS
    if _FONTS is None:
        from weasyprint.text.fonts import FontConfiguration

        _FONTS = FontConfiguration()
    return _FONTS


def layout(html_path: str, out_path: str, fetcher, options: dict | None = None) -> dict:
    from weasyprint import HTML

    from reports.fetcher import BASE_URL

    with open(html_path, encoding="utf-8") as fh:
        html = fh.read()
    html, sheets = _shared_style(html, fetcher)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
        font_config=font_config(), stylesheets=sheets
    )
    anchors = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, index)
    document.write_pdf(out_path, **(options or {}))
    return {"ok": True, "pages": len(document.pages), "anchors": anchors}


def _shared_style(html: str, fetcher) -> tuple[str, list]:
    """The HTML without its one <style> element and that sheet, parsed (or taken from the
    sheets this process parsed before; a sheet passed in takes the place of the document's own,
    above the user agent's rules as an author sheet would be, the report defining no !important)."""
    from weasyprint import CSS

    from reports.fetcher import BASE_URL

    found = _STYLE.search(html)
    if found is None:
        return html, []
    key = hashlib.sha256(found.group(1).encode()).hexdigest()
    sheet = _SHEETS.get(key)
    if sheet is None:
        sheet = CSS(
            string=found.group(1), base_url=BASE_URL, url_fetcher=fetcher, font_config=font_config()
        )
        _SHEETS[key] = sheet
        while len(_SHEETS) > SHEETS_KEPT:
            _SHEETS.popitem(last=False)
    else:
        _SHEETS.move_to_end(key)
    return html[: found.start()] + html[found.end() :], [sheet]


def main() -> int:
    logging.basicConfig(level=logging.ERROR)
    from reports.fetcher import fetcher_from_env

    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        fetcher = fetcher_from_env()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu_before = usage.ru_utime + usage.ru_stime
        try:
            answer = layout(job["html"], job["out"], fetcher, job.get("options"))
        except Exception as exc:  # reported to the parent, which fails the report
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        answer["refused"] = fetcher.refused
        usage = resource.getrusage(resource.RUSAGE_SELF)
        answer["maxrss_mib"] = usage.ru_maxrss / 1024
        answer["cpu_seconds"] = usage.ru_utime + usage.ru_stime - cpu_before
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
