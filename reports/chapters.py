"""Long reports: chapters laid out in parallel processes, merged, numbered.

WeasyPrint keeps every laid-out page of a document in memory and lays pages out one after
the other, so a 200-page dossier in one pass is slow and big. Here each chapter chunk is an
HTML document of its own, laid out by `reports.pdfworker` processes (one per core) while the
parent writes the next one; then:

1. the chunks' page counts and anchor pages give every chapter, site and photo its page number;
2. the front matter (cover, table of contents) and the evidence index, whose lengths were
   measured with placeholder numbers while the chunks were being laid out, are laid out with
   the real numbers, together with a frame document of N empty pages that carries the footer
   ("第 X 页 共 Y 页", CSS counters) — three jobs for the same workers;
3. pypdf concatenates the parts and stamps each page but the cover with its footer.

Page numbers therefore stay right across the merge (a test compares them with a single-pass
rendering that uses `target-counter()`).
"""

from __future__ import annotations

import io
import json
import logging
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future
from pathlib import Path

from django.conf import settings

from reports.engine import Rendered, render_html
from reports.fetcher import media_root, static_dirs

logger = logging.getLogger(__name__)


def worker_count() -> int:
    configured = getattr(settings, "REPORT_WORKERS", None) or os.environ.get("REPORT_WORKERS")
    if configured:
        return max(1, int(configured))
    return max(1, min(2, os.cpu_count() or 1))


class WorkerPool:
    """N `reports.pdfworker` processes fed from one queue of layout jobs."""

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
        self.peak_mib = 0.0
        self.cpu_seconds = 0.0
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
            html_path, out_path, future = job
            try:
                process.stdin.write(json.dumps({"html": html_path, "out": out_path}) + "\n")
                process.stdin.flush()
                line = process.stdout.readline()
                answer = json.loads(line) if line else {"ok": False, "error": "worker died"}
            except (OSError, ValueError) as exc:
                answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            with self.lock:
                self.peak_mib = max(self.peak_mib, answer.get("maxrss_mib", 0))
                self.cpu_seconds += answer.get("cpu_seconds", 0)
            future.set_result(answer)

    def submit(self, html_path: str, out_path: str) -> Future:
        future: Future = Future()
        self.jobs.put((html_path, out_path, future))
        return future

    def abort(self) -> None:
        """Stop the workers now (the report failed or hit its time limit)."""
        for process in self.processes:
            process.kill()
        for process in self.processes:
            process.wait(timeout=10)
        self.close()

    def close(self) -> None:
        for _ in self.threads:
            self.jobs.put(None)
        for thread in self.threads:
            thread.join(timeout=600)
        for process in self.processes:
            if process.stdin:
                process.stdin.close()
            process.wait(timeout=60)


class InProcess:
    """The same interface, laying out in this process (one core, or tests)."""

    peak_mib = 0.0
    cpu_seconds = 0.0

    def submit(self, html_path: str, out_path: str) -> Future:
        from reports.fetcher import django_fetcher
        from reports.pdfworker import layout

        fetcher = django_fetcher()
        future: Future = Future()
        answer = layout(html_path, out_path, fetcher)
        answer["refused"] = fetcher.refused
        future.set_result(answer)
        return future

    def close(self) -> None:
        return None

    def abort(self) -> None:
        return None


def _answer(future: Future, what: str) -> dict:
    answer = future.result()
    if not answer["ok"]:
        raise RuntimeError(f"{what}: {answer['error']}")
    return answer


def render_dossier(context: dict, chapter_list: list[dict], progress=None) -> Rendered:
    from pypdf import PdfReader, PdfWriter

    workers = worker_count()
    warnings = list(context.get("warnings", []))
    clock = time.perf_counter()

    def lap(what: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        logger.info("dossier: %s %.2f s", what, now - clock)
        clock = now

    def write(tmpdir: Path, name: str, template: str, extra: dict, mode="chapter") -> tuple:
        html_path = tmpdir / f"{name}.html"
        html_path.write_text(render_html(template, {**context, **extra}, mode=mode), "utf-8")
        return str(html_path), str(tmpdir / f"{name}.pdf")

    pool = WorkerPool(workers) if workers > 1 else InProcess()
    try:
        with tempfile.TemporaryDirectory(prefix="qf-report-") as tmp:
            tmpdir = Path(tmp)
            futures = {}
            for chapter in chapter_list:
                paths = write(
                    tmpdir, chapter["key"], "reports/dossier/chapter.html", {"chapter": chapter}
                )
                futures[chapter["key"]] = (pool.submit(*paths), paths[1])
            # The lengths of the front matter and the index, with placeholder numbers.
            front_draft = pool.submit(
                *write(
                    tmpdir, "front-draft", "reports/dossier/front.html", _front(chapter_list, None)
                )
            )
            index_draft = pool.submit(
                *write(
                    tmpdir,
                    "index-draft",
                    "reports/dossier/index.html",
                    {"pages": {}, "placeholder": True},
                )
            )
            lap("chapters written")
            pages: dict[str, int] = {}
            offset = front_pages = _answer(front_draft, "front")["pages"]
            index_pages = _answer(index_draft, "index")["pages"]
            for done, chapter in enumerate(chapter_list, start=1):
                future, _ = futures[chapter["key"]]
                answer = _answer(future, chapter["key"])
                warnings += [f"已拒绝外部资源：{url}" for url in answer.get("refused", [])]
                pages[chapter["key"]] = offset + 1
                for anchor, index in answer["anchors"].items():
                    pages.setdefault(anchor, offset + index + 1)
                offset += answer["pages"]
                if progress:
                    progress(10 + int(70 * done / len(chapter_list)))
            lap(f"chapters laid out by {workers} workers")
            pages["evidence-index"] = offset + 1
            total = offset + index_pages
            front = pool.submit(
                *write(tmpdir, "front", "reports/dossier/front.html", _front(chapter_list, pages))
            )
            index = pool.submit(
                *write(tmpdir, "index", "reports/dossier/index.html", {"pages": pages})
            )
            frame = pool.submit(
                *write(
                    tmpdir,
                    "frame",
                    "reports/dossier/frame.html",
                    {"frame_range": range(total)},
                    mode="frame",
                )
            )
            front_answer, index_answer = _answer(front, "front"), _answer(index, "index")
            _answer(frame, "frame")
            if (front_answer["pages"], index_answer["pages"]) != (front_pages, index_pages):
                raise RuntimeError("目录或索引的页数与预排不一致")
            lap("front, index and footers laid out")
            if progress:
                progress(90)
            writer = PdfWriter()
            writer.append(str(tmpdir / "front.pdf"))
            for chapter in chapter_list:
                start = len(writer.pages)
                writer.append(futures[chapter["key"]][1])
                if chapter.get("title"):
                    writer.add_outline_item(title=str(chapter["title"]), page_number=start)
            start = len(writer.pages)
            writer.append(str(tmpdir / "index.pdf"))
            writer.add_outline_item(title="七、佐证材料索引", page_number=start)
            frame_pages = PdfReader(str(tmpdir / "frame.pdf")).pages
            for number in range(1, total):  # the cover carries no footer
                writer.pages[number].merge_page(frame_pages[number], over=True)
            writer.add_metadata({"/Title": context["report_title"]})
            out = io.BytesIO()
            writer.write(out)
            lap("merged and stamped")
    except BaseException:
        pool.abort()
        raise
    finally:
        pool.close()
    context["_pages"] = pages
    context["_worker_peak_mib"] = pool.peak_mib
    context["_worker_cpu_seconds"] = pool.cpu_seconds
    if progress:
        progress(99)
    return Rendered(out.getvalue(), total, warnings)


def _front(chapter_list: list[dict], pages: dict | None) -> dict:
    """Cover and table of contents; `pages` None lays it out with placeholder numbers."""
    return {"chapters": chapter_list, "pages": pages or {}, "placeholder": pages is None}


def render_parts(context: dict, parts: list[dict], template: str, progress=None) -> Rendered:
    """A long report without front matter (the ledger, the monthly report): each part is laid
    out by the workers, the parts are concatenated and every page is stamped with its footer."""
    from pypdf import PdfReader, PdfWriter

    workers = worker_count()
    pool = WorkerPool(workers) if workers > 1 else InProcess()
    warnings = list(context.get("warnings", []))
    try:
        with tempfile.TemporaryDirectory(prefix="qf-report-") as tmp:
            tmpdir = Path(tmp)
            futures = []
            for number, part in enumerate(parts):
                html_path = tmpdir / f"part-{number}.html"
                html_path.write_text(
                    render_html(template, {**context, "part": part}, mode="chapter"), "utf-8"
                )
                out_path = tmpdir / f"part-{number}.pdf"
                futures.append((pool.submit(str(html_path), str(out_path)), out_path))
            total = 0
            for done, (future, _) in enumerate(futures, start=1):
                answer = _answer(future, f"part {done}")
                warnings += [f"已拒绝外部资源：{url}" for url in answer.get("refused", [])]
                total += answer["pages"]
                if progress:
                    progress(10 + int(75 * done / len(futures)))
            frame_html = tmpdir / "frame.html"
            frame_html.write_text(
                render_html(
                    "reports/dossier/frame.html",
                    {**context, "frame_range": range(total)},
                    mode="frame",
                ),
                "utf-8",
            )
            _answer(pool.submit(str(frame_html), str(tmpdir / "frame.pdf")), "frame")
            writer = PdfWriter()
            for _, out_path in futures:
                writer.append(str(out_path))
            frame_pages = PdfReader(str(tmpdir / "frame.pdf")).pages
            for number in range(total):
                writer.pages[number].merge_page(frame_pages[number], over=True)
            writer.add_metadata({"/Title": context["report_title"]})
            out = io.BytesIO()
            writer.write(out)
    except BaseException:
        pool.abort()
        raise
    finally:
        pool.close()
    context["_worker_peak_mib"] = pool.peak_mib
    context["_worker_cpu_seconds"] = pool.cpu_seconds
    return Rendered(out.getvalue(), total, warnings)
