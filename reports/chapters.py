"""Long reports: chapters laid out in parallel processes, merged, numbered.

WeasyPrint keeps every laid-out page of a document in memory and lays pages out one after
the other, so a 200-page dossier in one pass is slow and big. Here each chapter chunk is an
HTML document of its own, laid out by `reports.pdfworker` processes (one per core) while the
parent builds the next; then:

1. the chunks' page counts and anchor pages give every chapter, site, checklist subject and
   photo its page number;
2. the front matter (cover, table of contents) and the evidence index are laid out with those
   numbers (the front matter is laid out once more only if its length changed);
3. pypdf concatenates the parts and stamps each page with the footer ("第 X 页 共 Y 页"), taken
   from a frame document of N empty pages that WeasyPrint numbers with CSS counters.

Page numbers therefore stay right across the merge (a test compares them with a single-pass
rendering that uses `target-counter()`).
"""

from __future__ import annotations

import io
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from django.conf import settings

from reports.engine import Rendered, html_to_pdf, render_html
from reports.fetcher import media_root, static_dirs


def worker_count() -> int:
    configured = getattr(settings, "REPORT_WORKERS", None) or os.environ.get("REPORT_WORKERS")
    if configured:
        return max(1, int(configured))
    return max(1, min(2, os.cpu_count() or 1))


class WorkerPool:
    """N `reports.pdfworker` processes fed from one queue of (html, out) jobs."""

    def __init__(self, workers: int):
        env = {
            **os.environ,
            "QF_REPORT_STATIC_DIRS": os.pathsep.join(static_dirs()),
            "QF_REPORT_MEDIA_ROOT": media_root(),
            "PYTHONPATH": os.pathsep.join(
                [str(settings.BASE_DIR), os.environ.get("PYTHONPATH", "")]
            ),
        }
        self.processes = [
            subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "reports.pdfworker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env=env,
                cwd=str(settings.BASE_DIR),
            )
            for _ in range(workers)
        ]
        self.jobs: queue.Queue = queue.Queue()
        self.results: dict[str, dict] = {}
        self.peak_mib = 0.0
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._feed, args=(p,), daemon=True) for p in self.processes
        ]
        for thread in self.threads:
            thread.start()

    def _feed(self, process: subprocess.Popen) -> None:
        while True:
            job = self.jobs.get()
            if job is None:
                break
            key, html_path, out_path, done = job
            try:
                process.stdin.write(json.dumps({"html": html_path, "out": out_path}) + "\n")
                process.stdin.flush()
                line = process.stdout.readline()
                answer = json.loads(line) if line else {"ok": False, "error": "worker died"}
            except (OSError, ValueError) as exc:
                answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            with self.lock:
                self.results[key] = answer
                self.peak_mib = max(self.peak_mib, answer.get("maxrss_mib", 0))
            done()

    def submit(self, key: str, html_path: str, out_path: str, done) -> None:
        self.jobs.put((key, html_path, out_path, done))

    def close(self) -> None:
        for _ in self.threads:
            self.jobs.put(None)
        for thread in self.threads:
            thread.join(timeout=600)
        for process in self.processes:
            if process.stdin:
                process.stdin.close()
            process.wait(timeout=60)


def _layout_in_process(html_path: str, out_path: str) -> dict:
    from reports.fetcher import django_fetcher
    from reports.pdfworker import layout

    fetcher = django_fetcher()
    answer = layout(html_path, out_path, fetcher)
    answer["refused"] = fetcher.refused
    return answer


def render_dossier(context: dict, chapter_list: list[dict], progress=None) -> Rendered:
    from pypdf import PdfReader, PdfWriter

    workers = worker_count()
    warnings = list(context.get("warnings", []))
    with tempfile.TemporaryDirectory(prefix="qf-report-") as tmp:
        tmpdir = Path(tmp)
        done_count = [0]
        total_jobs = len(chapter_list)

        def done() -> None:
            done_count[0] += 1
            if progress:
                progress(10 + int(70 * done_count[0] / max(total_jobs, 1)))

        pool = WorkerPool(workers) if workers > 1 else None
        results: dict[str, dict] = {}
        try:
            for chapter in chapter_list:
                html = render_html(
                    "reports/dossier/chapter.html", {**context, "chapter": chapter}, mode="chapter"
                )
                html_path = tmpdir / f"{chapter['key']}.html"
                html_path.write_text(html, encoding="utf-8")
                out_path = tmpdir / f"{chapter['key']}.pdf"
                if pool:
                    pool.submit(chapter["key"], str(html_path), str(out_path), done)
                else:
                    results[chapter["key"]] = _layout_in_process(str(html_path), str(out_path))
                    done()
            # Meanwhile: the front matter's length, with placeholder numbers.
            front_pages = _front(context, chapter_list, None, tmpdir)[1]
        finally:
            if pool:
                pool.close()
                results.update(pool.results)
                context["_worker_peak_mib"] = pool.peak_mib
        for chapter in chapter_list:
            answer = results.get(chapter["key"]) or {"ok": False, "error": "no answer"}
            if not answer["ok"]:
                raise RuntimeError(f"{chapter['key']}: {answer['error']}")
            warnings += [f"已拒绝外部资源：{url}" for url in answer.get("refused", [])]

        # Page numbers: chapter starts and every anchor, 1-based over the whole document.
        pages: dict[str, int] = {}
        offset = front_pages
        for chapter in chapter_list:
            answer = results[chapter["key"]]
            pages[chapter["key"]] = offset + 1
            for anchor, index in answer["anchors"].items():
                pages.setdefault(anchor, offset + index + 1)
            offset += answer["pages"]
        index_start = offset + 1
        pages["evidence-index"] = index_start
        front_path, actual_front = _front(context, chapter_list, pages, tmpdir)
        if actual_front != front_pages:  # the TOC grew a page: shift every number and redo it
            shift = actual_front - front_pages
            pages = {k: v + shift for k, v in pages.items()}
            front_path, actual_front = _front(context, chapter_list, pages, tmpdir)
        if progress:
            progress(85)
        index = html_to_pdf(
            render_html("reports/dossier/index.html", {**context, "pages": pages}, mode="chapter")
        )
        writer = PdfWriter()
        writer.append(str(front_path))
        for chapter in chapter_list:
            start = len(writer.pages)
            writer.append(str(tmpdir / f"{chapter['key']}.pdf"))
            if chapter.get("title"):
                writer.add_outline_item(title=str(chapter["title"]), page_number=start)
        start = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(index.pdf)))
        writer.add_outline_item(title="七、佐证材料索引", page_number=start)
        total = len(writer.pages)
        frame = html_to_pdf(
            render_html(
                "reports/dossier/frame.html", {**context, "frame_range": range(total)}, mode="frame"
            )
        )
        frame_pages = PdfReader(io.BytesIO(frame.pdf)).pages
        for number in range(1, total):  # the cover carries no footer
            writer.pages[number].merge_page(frame_pages[number], over=True)
        writer.add_metadata({"/Title": context["report_title"]})
        out = io.BytesIO()
        writer.write(out)
        if progress:
            progress(99)
        context["_pages"] = pages
        return Rendered(out.getvalue(), total, warnings)


def _front(context, chapter_list, pages, tmpdir) -> tuple[Path, int]:
    """Cover and table of contents; `pages` None lays it out with placeholder numbers."""
    numbers = pages or {}
    html = render_html(
        "reports/dossier/front.html",
        {**context, "chapters": chapter_list, "pages": numbers, "placeholder": pages is None},
        mode="chapter",
    )
    rendered = html_to_pdf(html)
    path = tmpdir / ("front-draft.pdf" if pages is None else "front.pdf")
    path.write_bytes(rendered.pdf)
    return path, rendered.pages
