"""The reports' charts, drawn in worker processes while the reports are assembled.

Drawing a report's two charts with matplotlib takes about as long as computing
the rest of it, and holds the GIL. A Polda with many Polres (38 in Jawa Timur)
has its charts drawn by a pool of worker processes (one per core, at most
three) while this process goes on with the next report's figures; a small Polda
draws them here, since a worker's start (a fresh interpreter importing
matplotlib and Babel, about a second; more when the main module is Prefect's
engine, which spawn imports again) would cost more than it saves. The charts
are the same either way: the same data gives byte-identical SVG
(`lapsit.report.charts`); a worker that dies costs time, not charts.
"""

import datetime as dt
import functools
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType

from lapsit.report import charts

# From this many reports on, the workers' start is paid back (docs/performance.md).
POOL_FROM = 16
# One report is assembled at a time, and drawing its charts takes about as long: more
# workers than this would wait, each having paid its start.
MAX_WORKERS = 3


def draw(trend: list[dict], stage_start: dt.date | None, expected: int) -> dict[str, str]:
    """The trend charts as inline SVG; none when no day of the window has a report.

    `expected`: how many Polres the scope covers (a day with fewer is marked incomplete).
    """
    if not any(day["polres_lapor"] for day in trend):
        return {}
    return {
        "personel": charts.personnel_chart(trend, stage_start, expected),
        "kejadian": charts.incident_chart(trend, stage_start, expected),
    }


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def collect(
    future: Future, trend: list[dict], stage_start: dt.date | None, expected: int
) -> dict[str, str]:
    """Charts submitted to a worker; drawn here if the worker died (the same SVG)."""
    try:
        return future.result()
    except BrokenProcessPool:
        return draw(trend, stage_start, expected)


class Drawer:
    """Draws the charts of `reports` reports: in worker processes when there are enough of
    them and more than one core, else here, at once. Use as a context manager."""

    def __init__(self, reports: int) -> None:
        workers = min(cores(), reports, MAX_WORKERS)
        self._pool = None
        if reports >= POOL_FROM and workers > 1:
            # spawn, not fork: this process runs Polars and deltalake threads.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(workers, mp_context=context)

    def submit(
        self, trend: list[dict], stage_start: dt.date | None, expected: int
    ) -> Callable[[], dict[str, str]]:
        """The charts of one report, collected by calling what this returns (drawn here,
        at once, without a pool). A pool whose worker died takes no more work: the rest
        are drawn here.
        """
        if self._pool is not None:
            try:
                future = self._pool.submit(draw, trend, stage_start, expected)
            except BrokenProcessPool:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
            else:
                return functools.partial(collect, future, trend, stage_start, expected)
        drawn = draw(trend, stage_start, expected)
        return lambda: drawn

    def __enter__(self) -> "Drawer":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=error is not None)
