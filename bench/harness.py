"""Measuring pages and services the same way in every benchmark.

A benchmark module is `bench/bench_<name>.py` with a function `run(h: Harness)` that calls
`h.page(...)` or `h.call(...)` for each figure. `bench/run.py` sets Django up against the
database in DATABASE_URL (it must hold `generate_scale_data` output), runs every module and
writes bench/results.json.

Server time is measured in-process through Django's test client (the full middleware and view
stack, no network); query count from the connection's captured queries; peak memory with
tracemalloc over one extra run (Python allocations during the request, in MiB).
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass
class Figure:
    name: str
    p50_ms: float | None
    p95_ms: float | None
    queries: int | None
    peak_mib: float | None
    note: str = ""
    # further measured values kept in results.json (e.g. a PDF's CPU seconds, pages, the load)
    extra: dict = field(default_factory=dict)
    # the size of the data the figure ran on (bench/run.py: the database's activity records)
    records: int | None = None

    def line(self) -> str:
        def fmt(value, spec):
            return "—" if value is None else format(value, spec)

        return (
            f"{self.name:<48} p50 {fmt(self.p50_ms, '8.1f')} ms  p95 {fmt(self.p95_ms, '8.1f')} ms  "
            f"queries {fmt(self.queries, '4d')}  peak {fmt(self.peak_mib, '7.1f')} MiB  "
            f"[{fmt(self.records, ',d')} records]  {self.note}"
        )

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("note")
        if not data["extra"]:
            data.pop("extra")
        return data


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


class Harness:
    def __init__(self, runs: int = 30, warmup: int = 3):
        self.runs = runs
        self.warmup = warmup
        self.figures: list[Figure] = []
        self.records: int | None = None  # the data size every figure recorded now ran on

    def client_for(self, username: str) -> Client:
        from organisations.models import User

        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    def call(
        self,
        name: str,
        fn: Callable[[], object],
        *,
        runs: int | None = None,
        warmup: int | None = None,
        note: str = "",
        count_queries: bool = True,
        measure_memory: bool = True,
    ) -> Figure:
        runs = runs or self.runs
        for _ in range(self.warmup if warmup is None else warmup):
            fn()
        samples = []
        queries = None
        for i in range(runs):
            if count_queries and i == 0:
                with CaptureQueriesContext(connection) as ctx:
                    started = time.perf_counter()
                    fn()
                    samples.append((time.perf_counter() - started) * 1000)
                queries = len(ctx.captured_queries)
            else:
                started = time.perf_counter()
                fn()
                samples.append((time.perf_counter() - started) * 1000)
            reset_queries()
        peak = None
        if measure_memory:
            tracemalloc.start()
            fn()
            _, peak_bytes = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            peak = peak_bytes / (1024 * 1024)
        figure = Figure(
            name=name,
            p50_ms=round(statistics.median(samples), 2),
            p95_ms=round(percentile(samples, 95), 2),
            queries=queries if count_queries else None,
            peak_mib=round(peak, 2) if peak is not None else None,
            note=note,
        )
        self.record(figure)
        return figure

    def page(
        self,
        name: str,
        username: str,
        url: str,
        *,
        method: str = "get",
        data=None,
        expect: int = 200,
        **kwargs,
    ) -> Figure:
        client = self.client_for(username)

        def hit():
            response = (
                getattr(client, method)(url, data=data)
                if data is not None
                else getattr(client, method)(url)
            )
            if response.status_code != expect:
                raise AssertionError(
                    f"{name}: {url} answered {response.status_code}, expected {expect}"
                )
            return response

        return self.call(name, hit, **kwargs)

    def record(self, figure: Figure) -> None:
        if figure.records is None:
            figure.records = self.records
        self.figures.append(figure)
        print(figure.line(), flush=True)
