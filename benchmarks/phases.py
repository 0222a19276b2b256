"""The measured phases; each runs in its own `spawn` process (Polars and Delta do not fork).

Every phase returns named wall times in seconds, measured inside the process
after its imports, and the process's peak resident memory as the operating
system counts it (`ru_maxrss`); a phase that starts worker processes of its own
(the reports' chart workers) reports the peak of them all together, sampled.
"""

import contextlib
import datetime as dt
import os
import resource
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import psutil


@dataclass
class Measurement:
    """What one phase took: wall times by name, peak memory, and counts it reports."""

    seconds: dict[str, float]
    peak_mib: float
    info: dict[str, object] = field(default_factory=dict)


def median(samples: list[Measurement]) -> Measurement:
    """The sample whose total time is the median (its times, memory and counts together);
    every sample's times are kept in `info["samples"]`."""
    ordered = sorted(samples, key=lambda x: sum(x.seconds.values()))
    chosen = ordered[(len(ordered) - 1) // 2]
    info = chosen.info | {"samples": [x.seconds for x in samples]}
    return Measurement(chosen.seconds, max(x.peak_mib for x in samples), info)


def measure(
    fn: Callable[..., tuple[dict[str, float], dict]], *args: object, isolate: bool = True
) -> Measurement:
    """Run `fn(*args)` in a fresh spawned process and return what it measured.

    `isolate=False` runs it in this process (tests): its peak memory is then this
    process's so far.
    """
    if not isolate:
        return _in_child(fn, *args)
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(_in_child, fn, *args).result()


def _in_child(fn: Callable[..., tuple[dict[str, float], dict]], *args: object) -> Measurement:
    with _TreeMemory() as tree:
        seconds, info = fn(*args)
    # Linux reports ru_maxrss in KiB.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if tree.children_seen:  # processes of the phase's own (the reports' chart workers)
        info = info | {"with_children_mib": round(tree.peak_mib, 1)}
        peak = max(peak, tree.peak_mib)
    return Measurement(seconds=seconds, peak_mib=round(peak, 1), info=info)


class _TreeMemory:
    """The peak resident memory of this process and its children together, sampled.

    A child's own `ru_maxrss` is no use: on Linux it starts from the parent's memory at
    the fork that precedes the exec of a spawned process.
    """

    INTERVAL = 0.1

    def __init__(self) -> None:
        self.peak_mib = 0.0
        self.children_seen = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            with contextlib.suppress(psutil.Error):  # a child may end while being read
                total = me.memory_info().rss
                for child in me.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        total += child.memory_info().rss
                        self.children_seen = True
                self.peak_mib = max(self.peak_mib, total / 2**20)
            self._stop.wait(self.INTERVAL)

    def __enter__(self) -> "_TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _settings(data_dir: Path):
    from lapsit.settings import Settings

    return Settings(data_dir=data_dir)


def bare_floor(files: list[Path]) -> tuple[dict[str, float], dict]:
    """The bare floor: every file merely read, with the libraries lapsit reads with.

    A workbook: every sheet loaded as text by fastexcel into Polars; a JSON file:
    parsed by `json`. No checks, no reshaping, nothing else.
    """
    import fastexcel

    def workbook(path: Path) -> int:
        reader = fastexcel.read_excel(str(path))
        sheets = (reader.load_sheet_by_name(n, dtypes="string") for n in reader.sheet_names)
        return sum(sheet.to_polars().height for sheet in sheets)

    return _time_reads(_reading(workbook), files)


def bare_read(files: list[Path]) -> tuple[dict[str, float], dict]:
    """The bare read a user would start from: every sheet of a workbook by
    `polars.read_excel(..., sheet_id=0, engine="calamine")`, a JSON file by `json`.
    """
    import logging

    import polars as pl

    # fastexcel logs a warning for each empty column it reads as text: thousands of lines.
    logging.getLogger("fastexcel").setLevel(logging.ERROR)

    def workbook(path: Path) -> int:
        sheets = pl.read_excel(path, sheet_id=0, engine="calamine")
        return sum(frame.height for frame in sheets.values())

    return _time_reads(_reading(workbook), files)


def _reading(workbook: Callable[[Path], int]) -> Callable[[Path], int]:
    """A floor's read of any file: `workbook` for a workbook, `json` for a JSON file, the
    bytes of anything else; each returns the rows read."""
    import json

    def read(path: Path) -> int:
        if path.suffix == ".xlsx":
            return workbook(path)
        if path.suffix == ".json":
            doc = json.loads(path.read_bytes())
            return sum(len(v) if isinstance(v, list) else 1 for v in doc.values())
        path.read_bytes()
        return 0

    return read


def peer(files: list[Path]) -> tuple[dict[str, float], dict]:
    """The per-file pandas + pandera script a user would write instead (`benchmarks.peer`)."""
    from benchmarks.peer import verdict

    verdict(files[0])  # its first call imports pandas' Excel engine and builds pandera's checks
    start = time.perf_counter()
    accepted = sum(map(verdict, files))
    elapsed = time.perf_counter() - start
    return {"run": elapsed}, {"files": len(files), "accepted": accepted}


def _time_reads(read: Callable[[Path], int], files: list[Path]) -> tuple[dict[str, float], dict]:
    """Time `read` over every file, after one untimed read of each format: the first
    read of a process loads code (about 0.6 s), which would make a small floor look slow
    and its ratios small."""
    for path in {path.suffix: path for path in reversed(files)}.values():
        read(path)
    start = time.perf_counter()
    rows = sum(map(read, files))
    return {"read": time.perf_counter() - start}, {"files": len(files), "rows": rows}


def floor(files: list[Path]) -> tuple[dict[str, float], dict]:
    """lapsit's own reading: every file through `lapsit.reading.read_submission`, nothing else.

    Beyond the bare read: the unpacking survey against zip bombs and far cells,
    the header checks, and the sections as text frames with their row numbers.
    """
    from lapsit.reading import read_submission
    from lapsit.settings import Settings

    limits = Settings()

    def read(path: Path) -> int:
        raw = read_submission(path, max_bytes=limits.max_file_bytes, max_rows=limits.max_rows)
        return sum(frame.height for frame in raw.sections.values())

    return _time_reads(read, files)


def ingest(data_dir: Path) -> tuple[dict[str, float], dict]:
    """One plain ingest run (no Prefect): discover, validate, write tables and registry."""
    from lapsit.ingest.run import run_ingest
    from lapsit.reference import load_reference

    settings = _settings(data_dir)
    start = time.perf_counter()
    ref = load_reference(settings.catalog.reference_dir)
    summary = run_ingest(settings, ref)
    elapsed = time.perf_counter() - start
    return {"ingest": elapsed}, {"totals": dict(summary.totals())}


def full_gate(data_dir: Path) -> tuple[dict[str, float], dict]:
    """The weekly quality gate over the whole tables (it also leaves the nightly's mark)."""
    from lapsit.quality.gate import PENUH, run_gate
    from lapsit.reference import load_reference

    settings = _settings(data_dir)
    ref = load_reference(settings.catalog.reference_dir)
    start = time.perf_counter()
    gate = run_gate(settings, ref, PENUH)
    elapsed = time.perf_counter() - start
    return {"quality_gate": elapsed}, {"quality_ok": gate.success, "checked": gate.checked}


def nightly(
    data_dir: Path, kode_polda: str, tanggal: str, quality: bool = True
) -> tuple[dict[str, float], dict]:
    """The nightly's work without Prefect: ingest, quality gate on what is new, the reports."""
    from lapsit.ingest.run import run_ingest
    from lapsit.quality.gate import BARU, run_gate
    from lapsit.reference import load_reference

    settings = _settings(data_dir)
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    ref = load_reference(settings.catalog.reference_dir)
    summary = run_ingest(settings, ref)
    seconds["ingest"] = time.perf_counter() - start
    mark = time.perf_counter()
    gate = run_gate(settings, ref, BARU) if quality else None
    seconds["quality_gate"] = time.perf_counter() - mark if quality else float("nan")
    mark = time.perf_counter()
    from lapsit.report.render import write_report  # on the clock: part of the reports' cost

    reports = _polda_reports(settings, ref, kode_polda, dt.date.fromisoformat(tanggal))
    written = sum(len(write_report(r, settings.catalog, pdf=False).paths) for r in reports)
    seconds["reports"] = time.perf_counter() - mark
    seconds["total"] = time.perf_counter() - start
    info = {
        "totals": dict(summary.totals()),
        "quality_ok": gate.success if gate else None,
        "quality_checked": gate.checked if gate else None,
        "reports": written,
    }
    return seconds, info


def report(data_dir: Path, kode_polda: str, tanggal: str) -> tuple[dict[str, float], dict]:
    """The Polda's own report over the whole history: load the snapshot, build, render, write.

    Timed twice in the process: `total` the first report, `again` the second.
    """
    import lapsit.report.build
    import lapsit.report.render  # noqa: F401 (imported before the clock starts)
    from lapsit.reference import load_reference

    settings = _settings(data_dir)
    ref = load_reference(settings.catalog.reference_dir)
    day = dt.date.fromisoformat(tanggal)
    timings = [_one_report(settings, ref, kode_polda, day) for _ in range(2)]
    # The first in a process also compiles the templates and sets up matplotlib; the
    # second shows what each further report costs.
    seconds = timings[0][0] | {"again": timings[1][0]["total"]}
    snap = timings[1][1]
    rows = {name: frame.height for name, frame in snap.sections.items()}
    return seconds, {"rows": rows, "registry": snap.registry.height}


def _one_report(settings, ref, kode_polda: str, day: dt.date):
    """One Polda report, timed: load the snapshot, build, render and write."""
    from lapsit.report import build, data, render

    start = time.perf_counter()
    snap = data.load(settings.catalog.tables, kode_polda=kode_polda)
    loaded = time.perf_counter()
    rep = build.build_polda_reports(snap, ref, settings, kode_polda, day, polda_only=True)[0]
    built = time.perf_counter()
    render.write_report(rep, settings.catalog, pdf=False)  # the PDF: its own phase
    return _steps(start, loaded, built, time.perf_counter()), snap


def _steps(start: float, loaded: float, built: float, end: float) -> dict[str, float]:
    """A report's time by step, from the clock read between them."""
    return {
        "load_snapshot": loaded - start,
        "build": built - loaded,
        "render_write": end - built,
        "total": end - start,
    }


def pdf(data_dir: Path, kode_polda: str, tanggal: str) -> tuple[dict[str, float], dict]:
    """The PDF of each of the Polda's reports (the nightly's, apart from it): WeasyPrint."""
    from lapsit.reference import load_reference
    from lapsit.report.pdf import write_pdf
    from lapsit.report.render import render_html

    settings = _settings(data_dir)
    ref = load_reference(settings.catalog.reference_dir)
    reports = _polda_reports(settings, ref, kode_polda, dt.date.fromisoformat(tanggal))
    pages = [render_html(r) for r in reports]
    folder = data_dir / "bench-pdf"
    start = time.perf_counter()
    for i, html in enumerate(pages):
        write_pdf(html, folder / f"{i}.pdf")
    return {"pdf": time.perf_counter() - start}, {"reports": len(pages)}


def national(data_dir: Path, tanggal: str) -> tuple[dict[str, float], dict]:
    """The national roll-up on its own: every Polda's own report from the whole tables, the
    roll-up, its HTML and Markdown (as `flows.report` with `nasional`; PDF apart)."""
    from lapsit.reference import load_reference
    from lapsit.report import build, data, render
    from lapsit.report.national import build_national

    settings = _settings(data_dir)
    ref = load_reference(settings.catalog.reference_dir)
    day = dt.date.fromisoformat(tanggal)
    now = dt.datetime.now(dt.UTC)
    start = time.perf_counter()
    snap = data.load(settings.catalog.tables)
    loaded = time.perf_counter()
    reports = build.build_reports(snap, ref, settings, ref.polda_codes(), day, now, polda_only=True)
    rollup = build_national(reports, now)
    built = time.perf_counter()
    render.write_national(rollup, settings.catalog, pdf=False)
    return _steps(start, loaded, built, time.perf_counter()), {"polda": len(reports)}


def _polda_reports(settings, ref, kode_polda: str, day: dt.date) -> list:
    """The Polda's report and one per Polres, from that Polda's partitions (as the flow)."""
    from lapsit.report import build, data

    snap = data.load(settings.catalog.tables, kode_polda=kode_polda)
    return build.build_polda_reports(snap, ref, settings, kode_polda, day)


def prefect_server() -> tuple[dict[str, float], dict]:
    """Start Prefect's embedded server on a fresh database, then run one trivial flow on it."""
    with tempfile.TemporaryDirectory() as home:
        os.environ["PREFECT_HOME"] = home
        os.environ.pop("PREFECT_API_URL", None)
        # Nothing leaves the machine; logs stay local (the server stops before they would ship).
        os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
        os.environ["PREFECT_LOGGING_TO_API_ENABLED"] = "false"
        start = time.perf_counter()
        from prefect import flow
        from prefect.server.api.server import SubprocessASGIServer

        imported = time.perf_counter()
        server = SubprocessASGIServer()
        server.start(timeout=180)
        started = time.perf_counter()

        @flow(name="bench-leer")
        def empty() -> int:
            return 1

        empty()
        ran = time.perf_counter()
        server.stop()
    return {
        "import": imported - start,
        "server_start": started - imported,
        "first_flow_run": ran - started,
    }, {}
