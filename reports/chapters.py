"""Long reports: chapters laid out in parallel processes, merged, numbered.

WeasyPrint keeps every laid-out page of a document in memory and lays pages out one after
the other, so a 200-page dossier in one pass is slow and big. Here each chapter chunk is an
HTML document of its own, laid out by `reports.pdfworker` processes (one per core) while the
parent writes the next one; then:

1. the chunks' page counts and anchor pages give every chapter, site and photo its page number;
2. the front matter (cover, table of contents) and the evidence index, whose lengths were
   measured with placeholder numbers while the chunks were being laid out, are laid out with
   the real numbers (two more jobs for the same workers);
3. `reports.pdfmerge` concatenates the parts into one tagged PDF/A-3b (structure tree,
   output intent, XMP, /Lang kept; one outline entry per chapter) and writes the footer
   ("第 X 页 共 Y 页") on each page but the cover, with glyphs from a one-line document.

Page numbers therefore stay right across the merge (a test compares them with a single-pass
rendering that uses `target-counter()`). Every part is looked up in `reports.chaptercache`
first (keyed by a hash of its HTML): a re-render after one record changed lays out only the
chunk that changed. Before layout each part's text is checked against the fonts
(`reports.fonts`): characters beyond the bundled faces get a fallback face, and those no face
has are reported as warnings.
"""

from __future__ import annotations

import io
import json
import logging
import os
import queue
import resource
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future
from pathlib import Path

from django.conf import settings

from reports import chaptercache, fonts
from reports.engine import Rendered, render_html
from reports.fetcher import media_root, static_dirs

logger = logging.getLogger(__name__)
# Every laid-out part is a tagged PDF/A-3b file; the merge keeps both properties.
PDF_OPTIONS = {"pdf_variant": "pdf/a-3b", "pdf_tags": True}


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
                process.stdin.write(
                    json.dumps({"html": html_path, "out": out_path, "options": PDF_OPTIONS}) + "\n"
                )
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
        answer = layout(html_path, out_path, fetcher, PDF_OPTIONS)
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


class Layouter:
    """Writes each part's HTML, takes its layout from the chapter cache or queues it, and
    gathers the warnings.

    The worker processes start only once `PARALLEL_FROM` parts are waiting to be laid out:
    starting them costs each a second or more of CPU (WeasyPrint's imports and the fonts), more
    than a re-render after one record changed has to lay out (its chunk, an index part), so
    those few parts are laid out in this process instead when their answer is asked for."""

    PARALLEL_FROM = 3

    def __init__(self, context: dict, tmpdir: Path):
        self.context = context
        self.tmpdir = tmpdir
        self.pool = None
        self.here = None
        self.pending: list[_Job] = []
        self.warnings: list[str] = list(context.get("warnings", []))
        self.media = media_root()
        self.laid_out = 0
        self.reused = 0

    def _pool(self):
        if self.pool is None:
            workers = worker_count()
            self.pool = WorkerPool(workers) if workers > 1 else self._here()
        return self.pool

    def _here(self):
        if self.here is None:
            self.here = InProcess()
        return self.here

    def submit(self, name: str, template: str, extra: dict, *, mode="chapter", where=""):
        html = render_html(template, {**self.context, **extra}, mode=mode)
        html, missing = fonts.with_fallback(
            html,
            where or self.context.get("report_title", ""),
            self.media,
            extra_text=str(self.context.get("header_text", "")),
        )
        for warning in missing:
            if warning not in self.warnings:
                self.warnings.append(warning)
        key = chaptercache.key(html, PDF_OPTIONS)
        cached = chaptercache.get(key)
        if cached is not None:
            self.reused += 1
            return _Job(name, key, None, cached["path"], cached)
        html_path = self.tmpdir / f"{name}.html"
        html_path.write_text(html, "utf-8")
        job = _Job(name, key, None, str(self.tmpdir / f"{name}.pdf"), None)
        job.html_path = str(html_path)
        self.laid_out += 1
        self.pending.append(job)
        if self.pool is not None or len(self.pending) >= self.PARALLEL_FROM:
            self._start(self._pool())
        return job

    def _start(self, runner) -> None:
        for job in self.pending:
            job.future = runner.submit(job.html_path, job.path)
        self.pending = []

    def answer(self, job) -> dict:
        if job.answer is None:
            if job.future is None:  # few parts waiting: no workers for them
                self._start(self._here())
            answer = _answer(job.future, job.name)
            self.warnings += [f"已拒绝外部资源：{url}" for url in answer.get("refused", [])]
            job.path = chaptercache.put(job.key, job.path, answer)
            job.answer = {**answer, "path": job.path}
        return job.answer

    pool_peak = 0.0
    pool_cpu = 0.0

    @property
    def peak_mib(self) -> float:
        return self.pool.peak_mib if self.pool else self.pool_peak

    @property
    def cpu_seconds(self) -> float:
        return self.pool.cpu_seconds if self.pool else self.pool_cpu

    def abort(self) -> None:
        if self.pool:
            self.pool.abort()

    def close(self) -> None:
        if self.pool:
            self.pool.close()
            self.pool_peak, self.pool_cpu = self.pool.peak_mib, self.pool.cpu_seconds
            self.pool = None

    def close_before_merge(self) -> float:
        """Stop the workers (their memory goes back) and answer this process's peak so far:
        the merge then runs alone, so the report's peak is the larger of the two phases."""
        self.close()
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Job:
    def __init__(self, name, key, future, path, answer):
        self.name, self.key, self.future, self.path, self.answer = name, key, future, path, answer
        self.html_path = ""


def render_dossier(context: dict, chapter_list: list[dict], progress=None) -> Rendered:
    from reports.pdfmerge import TaggedMerger

    clock = time.perf_counter(), time.process_time()

    def lap(what: str) -> None:
        nonlocal clock
        now = time.perf_counter(), time.process_time()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        logger.info(
            "dossier: %s %.2f s, CPU here %.2f s (peak RSS %.0f MiB)",
            what,
            now[0] - clock[0],
            now[1] - clock[1],
            peak,
        )
        clock = now

    index_title = context.get("index_title", "")
    with tempfile.TemporaryDirectory(prefix="qf-report-") as tmp:
        lay = Layouter(context, Path(tmp))
        try:
            jobs = {}
            current = ""
            for chapter in chapter_list:
                current = chapter.get("title") or current
                jobs[chapter["key"]] = lay.submit(
                    chapter["key"],
                    "reports/dossier/chapter.html",
                    {"chapter": chapter},
                    where=current,
                )
            # The length of the front matter, with placeholder numbers (the index comes last:
            # its length is not needed before the footers, so it is laid out once, at the end).
            front_draft = lay.submit(
                "front-draft",
                "reports/dossier/front.html",
                _front(chapter_list, None),
                where="目录",
            )
            lap("chapters written")
            pages: dict[str, int] = {}
            offset = front_pages = lay.answer(front_draft)["pages"]
            for done, chapter in enumerate(chapter_list, start=1):
                answer = lay.answer(jobs[chapter["key"]])
                pages[chapter["key"]] = offset + 1
                for anchor, index in answer["anchors"].items():
                    pages.setdefault(anchor, offset + index + 1)
                offset += answer["pages"]
                if progress:
                    progress(10 + int(70 * done / len(chapter_list)))
            lap(f"chapters laid out ({lay.laid_out} laid out, {lay.reused} reused)")
            pages["evidence-index"] = offset + 1
            front = lay.submit(
                "front", "reports/dossier/front.html", _front(chapter_list, pages), where="目录"
            )
            index_parts = [
                lay.submit(
                    part["key"],
                    "reports/dossier/index.html",
                    {"pages": pages, "part": part},
                    where=index_title,
                )
                for part in context["index_parts"]
            ]
            glyphs_job = _footer_glyphs(lay)
            front_answer = lay.answer(front)
            index_answers = [lay.answer(job) for job in index_parts]
            glyphs = lay.answer(glyphs_job)
            total = offset + sum(a["pages"] for a in index_answers)
            if front_answer["pages"] != front_pages:
                raise RuntimeError("目录的页数与预排不一致")
            lap("front, index and footers laid out")
            if progress:
                progress(90)
            context["_main_peak_before_merge_mib"] = lay.close_before_merge()
            merger = TaggedMerger(front_answer["path"])
            try:
                for chapter in chapter_list:
                    start = merger.append(jobs[chapter["key"]].answer["path"])
                    if chapter.get("title"):
                        merger.add_outline(str(chapter["title"]), start)
                for number, answer in enumerate(index_answers):
                    start = merger.append(answer["path"])
                    if number == 0:
                        merger.add_outline(str(index_title), start)
                # the cover has no footer
                merger.stamp_footers(glyphs["path"], FOOTER_GLYPHS, total, skip_first=1)
                out_path = Path(tmp) / "merged.pdf"
                merger.save(out_path, context["report_title"])
            finally:
                merger.close()
            pdf = out_path.read_bytes()
            lap("merged and stamped")
        except BaseException:
            lay.abort()
            raise
        finally:
            lay.close()
    chaptercache.prune()
    context["_pages"] = pages
    context["_worker_peak_mib"] = lay.peak_mib
    context["_worker_cpu_seconds"] = lay.cpu_seconds
    context["_laid_out"] = lay.laid_out
    context["_reused"] = lay.reused
    if progress:
        progress(99)
    return Rendered(pdf, total, lay.warnings)


FOOTER_GLYPHS = "第0123456789页共"


def _footer_glyphs(lay: Layouter):
    return lay.submit(
        "footer-glyphs", "reports/dossier/footer_glyphs.html", {"footer_glyphs": FOOTER_GLYPHS}
    )


def _front(chapter_list: list[dict], pages: dict | None) -> dict:
    """Cover and table of contents; `pages` None lays it out with placeholder numbers."""
    return {"chapters": chapter_list, "pages": pages or {}, "placeholder": pages is None}


def render_parts(context: dict, parts: list[dict], template: str, progress=None) -> Rendered:
    """A long report without front matter (the ledger, the monthly report): each part is laid
    out by the workers (or taken from the chapter cache), the parts are concatenated and every
    page is stamped with its footer. A part may name its outline entries as
    `outline: [(title, anchor id)]`; without any, the report has one entry, its title."""
    from reports.pdfmerge import TaggedMerger

    with tempfile.TemporaryDirectory(prefix="qf-report-") as tmp:
        lay = Layouter(context, Path(tmp))
        try:
            jobs = [
                lay.submit(f"part-{number}", template, {"part": part})
                for number, part in enumerate(parts)
            ]
            glyphs_job = _footer_glyphs(lay)
            total = 0
            for done, job in enumerate(jobs, start=1):
                total += lay.answer(job)["pages"]
                if progress:
                    progress(10 + int(75 * done / len(jobs)))
            glyphs = lay.answer(glyphs_job)
            context["_main_peak_before_merge_mib"] = lay.close_before_merge()
            merger = TaggedMerger(jobs[0].answer["path"])
            try:
                outline = []
                for number, (part, job) in enumerate(zip(parts, jobs, strict=True)):
                    start = merger.append(job.answer["path"]) if number else 0
                    anchors = job.answer.get("anchors", {})
                    for title, anchor in part.get("outline", []):
                        outline.append((str(title), start + anchors.get(anchor, 0)))
                for title, page in outline or [(str(context["report_title"]), 0)]:
                    merger.add_outline(title, page)
                merger.stamp_footers(glyphs["path"], FOOTER_GLYPHS, total)
                out = io.BytesIO()
                merger.save(out, context["report_title"])
            finally:
                merger.close()
        except BaseException:
            lay.abort()
            raise
        finally:
            lay.close()
    chaptercache.prune()
    context["_worker_peak_mib"] = lay.peak_mib
    context["_worker_cpu_seconds"] = lay.cpu_seconds
    context["_laid_out"] = lay.laid_out
    context["_reused"] = lay.reused
    return Rendered(out.getvalue(), total, lay.warnings)
