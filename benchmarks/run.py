"""Run the benchmark of one workload and write `RESULTS.md` with the machine it ran on.

In one run, side by side: the floor (reading every file with lapsit's readers
and nothing else), a cold ingest, an ingest with nothing new, an incremental
nightly with one new day on top of the history, and the Polda report over the
whole history; each in its own spawned process, with its peak memory. Ratios
are to the floor measured in the same run. The embedded Prefect server's start
is measured apart and never enters a ratio.
"""

import datetime as dt
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
from pathlib import Path

from benchmarks import phases
from benchmarks.workload import (
    INVALID_EVERY,
    SIZES,
    Manifest,
    generate,
    link_tree,
    workload_files,
)

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
PACKAGES = ("polars", "deltalake", "pandera", "fastexcel", "prefect", "great-expectations")


def machine() -> dict[str, object]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kib = 0
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kib / 1024**2, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": {p: _version(p) for p in PACKAGES},
        "commit": _commit(),
    }


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(HERE), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "-"


def label(manifest: Manifest) -> str:
    """`M` for the named size, `M-750d` when the days differ from the size's."""
    size = SIZES[manifest.size]
    name = manifest.size if manifest.days == size.days else f"{manifest.size}-{manifest.days}d"
    if manifest.invalid_every != INVALID_EVERY:
        name += f"-1-in-{manifest.invalid_every}"
    return name


def run(
    size: str,
    work_dir: Path,
    *,
    days: int | None = None,
    prefect: bool = True,
    quality: bool = True,
    keep: bool = False,
    isolate: bool = True,
    repeats: int = 3,
    invalid_every: int | None = None,
    peer: bool = True,
    pdf: bool = True,
) -> dict:
    """Generate (or reuse) the workload, measure every phase, and return the results.

    `isolate=False` measures every phase in this process (fast, for tests; peak
    memory is then not per phase). The reads, the peer and the cold and no-op
    ingests run `repeats` times each (the machine is noisy): their medians are
    reported. `invalid_every`: one (Polres, day) pair in this many also gets a
    rejected file (10: one file in ten), instead of the workload's one in 97.
    `pdf`: also time the PDF of each of the Polda's new-day reports (WeasyPrint).
    """

    def measure(fn, *args):
        return phases.measure(fn, *args, isolate=isolate)

    workload = work_dir / (f"{size}-{days}d" if days else size)
    if invalid_every:
        workload = workload.with_name(f"{workload.name}-1-in-{invalid_every}")
        manifest = generate(workload, SIZES[size], days=days, invalid_every=invalid_every)
    else:
        manifest = generate(workload, SIZES[size], days=days)
    polda = manifest.kode_polda[0] if len(manifest.kode_polda) == 1 else _largest_polda(workload)
    history = workload_files(workload / "data" / "raw")
    new_day = workload_files(workload / "baru")

    run_dir = workload / "run"
    if run_dir.exists():
        shutil.rmtree(run_dir)
    shutil.copytree(workload / "data" / "reference", run_dir / "reference")
    link_tree(workload / "data" / "raw", run_dir / "raw")

    def median_of(fn, *args, cold: bool = False) -> phases.Measurement:
        samples = []
        for _ in range(repeats):
            if cold:  # each from an empty data dir
                _forget_runs(run_dir)
            samples.append(measure(fn, *args))
        return phases.median(samples)

    m: dict[str, phases.Measurement] = {}
    m["bare_read"] = median_of(phases.bare_read, history)
    if peer:  # 20-30 ms a file: about 20 minutes on L
        m["peer"] = median_of(phases.peer, history)
    m["bare_floor"] = median_of(phases.bare_floor, history)
    m["floor"] = median_of(phases.floor, history)
    m["bare_floor_new_day"] = measure(phases.bare_floor, new_day)
    m["floor_new_day"] = measure(phases.floor, new_day)
    m["cold_ingest"] = median_of(phases.ingest, run_dir, cold=True)
    m["noop_ingest"] = median_of(phases.ingest, run_dir)
    if quality:
        m["full_gate"] = measure(phases.full_gate, run_dir)
    link_tree(workload / "baru", run_dir / "raw")
    m["nightly_new_day"] = measure(phases.nightly, run_dir, polda, manifest.new_day, quality)
    m["polda_report"] = measure(phases.report, run_dir, polda, manifest.new_day)
    m["national"] = measure(phases.national, run_dir, manifest.new_day)
    if pdf:  # WeasyPrint, about a second a report
        m["pdf"] = measure(phases.pdf, run_dir, polda, manifest.new_day)
    if prefect:
        m["prefect_server"] = measure(phases.prefect_server)
    if not keep:
        shutil.rmtree(run_dir)

    bare = m["bare_floor"].seconds["read"]
    bare_new = m["bare_floor_new_day"].seconds["read"]
    floor_s = m["floor"].seconds["read"]
    floor_new = m["floor_new_day"].seconds["read"]
    nightly = m["nightly_new_day"].seconds
    work = m["cold_ingest"].seconds["ingest"] - m["noop_ingest"].seconds["ingest"]
    bare_read = m["bare_read"].seconds["read"]
    peer_s = m["peer"].seconds["run"] if peer else None
    timed = {
        "bare_read": bare_read,
        "peer": peer_s,
        "cold_ingest_work": work,
        "bare_floor": bare,
        "bare_floor_new_day": bare_new,
        "floor": floor_s,
        "cold_ingest": m["cold_ingest"].seconds["ingest"],
        "noop_ingest": m["noop_ingest"].seconds["ingest"],
        "floor_new_day": floor_new,
        "new_day_ingest": nightly["ingest"],
        "full_quality_gate": m["full_gate"].seconds["quality_gate"] if quality else None,
        "new_day_quality_gate": nightly["quality_gate"] if quality else None,
        "new_day_reports": nightly["reports"],
        "new_day_nightly": nightly["total"],
        "polda_report": m["polda_report"].seconds["total"],
        "polda_report_again": m["polda_report"].seconds.get("again"),
        "national_report": m["national"].seconds["total"],
        "new_day_pdf": m["pdf"].seconds["pdf"] if pdf else None,
    }
    ratios = {
        "cold_ingest_work / bare_read": work / bare_read,
        "cold_ingest_work / peer": work / peer_s if peer else None,
        "cold_ingest / peer": timed["cold_ingest"] / peer_s if peer else None,
        "floor / bare_floor": floor_s / bare,
        "cold_ingest / bare_floor": timed["cold_ingest"] / bare,
        "new_day_ingest / bare_floor_new_day": timed["new_day_ingest"] / bare_new,
        "cold_ingest / floor": timed["cold_ingest"] / floor_s,
        "noop_ingest / floor": timed["noop_ingest"] / floor_s,
        "new_day_ingest / floor_new_day": timed["new_day_ingest"] / floor_new,
        "new_day_nightly / floor_new_day": timed["new_day_nightly"] / floor_new,
        "polda_report / floor": timed["polda_report"] / floor_s,
    }
    return {
        "label": label(manifest),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "workload": manifest.__dict__ | {"polda_reported": polda},
        "machine": machine(),
        "seconds": timed,
        "ratios": ratios,
        "peak_mib": {name: x.peak_mib for name, x in m.items()},
        "details": {name: {"seconds": x.seconds, "info": x.info} for name, x in m.items()},
        "prefect": m["prefect_server"].seconds if prefect else None,
        "repeats": repeats,
    }


def _forget_runs(run_dir: Path) -> None:
    """The run dir as before its first ingest: only its reference and inboxes."""
    for child in run_dir.iterdir():
        if child.name not in ("reference", "raw"):
            shutil.rmtree(child) if child.is_dir() else child.unlink()


def _largest_polda(workload: Path) -> str:
    """The Polda with the most Polres in the workload's polres.csv."""
    import csv
    from collections import Counter

    with open(workload / "data" / "reference" / "polres.csv", encoding="utf-8") as fh:
        counts = Counter(row["kode_polda"] for row in csv.DictReader(fh))
    return counts.most_common(1)[0][0]


def record(result: dict, results_md: Path = RESULTS) -> Path:
    """Add the result to `<results>.json` (one entry per workload label) and rewrite the Markdown."""
    store = results_md.with_suffix(".json")
    entries = json.loads(store.read_text()) if store.exists() else {}
    entries[result["label"]] = result
    store.write_text(json.dumps(entries, indent=2, sort_keys=True, default=str) + "\n")
    results_md.write_text(markdown(entries))
    return results_md


def _order(label: str) -> tuple:
    size, _, days = label.partition("-")
    return ("TINY", "S", "M", "L").index(size) if size in SIZES else 9, days


def markdown(entries: dict[str, dict]) -> str:
    """RESULTS.md: the machine, then per workload the times, ratios and peak memory."""
    labels = sorted(entries, key=_order)
    latest = max(entries.values(), key=lambda e: e["measured_at"])
    mach = latest["machine"]
    lines = [
        "# Benchmark results",
        "",
        "Written by `python -m benchmarks run` (`make bench`); do not edit by hand.",
        "Ratios are to floors measured in the same run. The *bare floor* merely reads",
        "every file of the workload with the libraries lapsit reads with (fastexcel into",
        "Polars, `json`) and does nothing else; *lapsit read* is lapsit's own reader",
        "(`lapsit.reading.read_submission`: the unpacking survey, header checks, text",
        "frames). Each phase runs in its own spawned process; times are wall-clock inside",
        "it, after its imports; peak memory is the process's `ru_maxrss`, or the sampled",
        "resident memory of its process tree when it starts processes of its own and that",
        "is larger. See `docs/performance.md`.",
        "",
        "## Machine",
        "",
        f"- CPU: {mach['cpu']}, {mach['cores']} cores; memory {mach['memory_gib']} GiB",
        f"- {mach['os']}, Python {mach['python']}; code {mach['commit']}",
        "- " + ", ".join(f"{p} {v}" for p, v in mach["packages"].items()),
        "",
        "## Against what a user would write instead (seconds, medians, and ratios)",
        "",
        "| workload | files | rejected | bare read | per-file peer | cold ingest | nothing new | "
        "work | work ×bare read | work ×peer | cold ingest ×peer |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *_peer_rows(entries, labels),
        "",
        '*bare read*: every sheet by `polars.read_excel(..., sheet_id=0, engine="calamine")`,',
        "a JSON file by `json`. *per-file peer* (`benchmarks/peer.py`): each file read with",
        "pandas (calamine) and each sheet validated with pandera's pandas backend, one file",
        "after another, a verdict per file and nothing else (no supersession, lineage,",
        "registry, error reports or tables). *work*: the cold ingest less the ingest with",
        "nothing new (its fixed cost). Each the median of the run's repeats.",
        "",
        "## Cold ingest of the whole history (seconds, and ratios)",
        "",
        "| workload | files | pengamanan rows | bare floor | lapsit read | cold ingest | "
        "×bare floor | ×lapsit read | nothing new | full quality gate |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in labels:
        e = entries[name]
        s, r, w = e["seconds"], e["ratios"], e["workload"]
        lines.append(
            f"| {name} ({w['polres']} Polres × {w['days']} days) | {w['files']:,} | "
            f"{w['pengamanan_rows']:,} | {_num(s.get('bare_floor'))} | {s['floor']:.2f} | "
            f"{s['cold_ingest']:.2f} | {_num(r.get('cold_ingest / bare_floor'))} | "
            f"{r['cold_ingest / floor']:.2f} | {s['noop_ingest']:.2f} | "
            f"{_num(s.get('full_quality_gate'))} |"
        )
    lines += [
        "",
        "*nothing new*: the same ingest again (every file skipped, nothing committed).",
        "*full quality gate*: the weekly gate over the whole tables after the cold ingest",
        "(it leaves the mark the nightly's gate starts from).",
        "",
        "## One new day on top of the history (seconds, and ratios)",
        "",
        "| workload | new files | bare floor | ingest | ×bare floor | quality gate (new) | "
        "reports | nightly | PDF | Polda report | again | national roll-up |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in labels:
        e = entries[name]
        s, r, w = e["seconds"], e["ratios"], e["workload"]
        lines.append(
            f"| {name} | {w['new_day_files']:,} | {_num(s.get('bare_floor_new_day'), 3)} | "
            f"{s['new_day_ingest']:.2f} | "
            f"{_num(r.get('new_day_ingest / bare_floor_new_day'), 1)} | "
            f"{_num(s['new_day_quality_gate'])} | {s['new_day_reports']:.2f} | "
            f"{s['new_day_nightly']:.2f} | {_num(s.get('new_day_pdf'))} | "
            f"{s['polda_report']:.2f} | {_num(s.get('polda_report_again'))} | "
            f"{_num(s.get('national_report'))} |"
        )
    lines += [
        "",
        "*new day*: one more day of files (one per Polres) delivered on top of the",
        "history; *nightly* = its ingest + the quality gate on what is new + the Polda's",
        "reports (the Polda and each of its Polres), without Prefect. *Polda report*: the",
        "Polda's own report over the whole history (load the snapshot, build, render HTML",
        "and Markdown), the first in its process; *again*: a second one in the same process",
        "(the first also compiles the templates and sets up matplotlib). *PDF*: WeasyPrint's",
        "PDF of each of the nightly's reports, apart from the nightly. *national roll-up*:",
        "every Polda's own report from the whole tables, the roll-up, its HTML and Markdown.",
        "",
        "## Peak memory (MiB, per phase process)",
        "",
        "| workload | bare floor | lapsit read | cold ingest | nothing new | full quality gate | "
        "new-day nightly | Polda report | national roll-up |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in labels:
        p = entries[name]["peak_mib"]
        lines.append(
            f"| {name} | {_num(p.get('bare_floor'), 0)} | {p['floor']:.0f} | "
            f"{p['cold_ingest']:.0f} | {p['noop_ingest']:.0f} | {_num(p.get('full_gate'), 0)} | "
            f"{p['nightly_new_day']:.0f} | {p['polda_report']:.0f} | "
            f"{_num(p.get('national'), 0)} |"
        )
    lines += [
        "",
        "## Prefect embedded server (apart from the ratios)",
        "",
        "| workload run | import prefect | server start (fresh database) | first flow run |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name in labels:
        pf = entries[name].get("prefect")
        if pf:
            lines.append(
                f"| {name} | {pf['import']:.1f} | {pf['server_start']:.1f} | "
                f"{pf['first_flow_run']:.1f} |"
            )
    lines += ["", "## When each was measured", ""]
    lines += [f"- {name}: {entries[name]['measured_at']}" for name in labels]
    return "\n".join(lines) + "\n"


def _peer_rows(entries: dict[str, dict], labels: list[str]) -> list[str]:
    rows = []
    for name in labels:
        s, r, w = entries[name]["seconds"], entries[name]["ratios"], entries[name]["workload"]
        if "bare_read" not in s:  # measured before the peer was added
            continue
        rows.append(
            f"| {name} | {w['files']:,} | {w['invalid']:,} | {s['bare_read']:.2f} | "
            f"{_num(s['peer'])} | {s['cold_ingest']:.2f} | {s['noop_ingest']:.2f} | "
            f"{s['cold_ingest_work']:.2f} | {r['cold_ingest_work / bare_read']:.2f} | "
            f"{_num(r['cold_ingest_work / peer'])} | {_num(r['cold_ingest / peer'])} |"
        )
    return rows


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def summary(result: dict) -> str:
    """A few lines for the terminal."""
    s, r = result["seconds"], result["ratios"]
    lines = [f"workload {result['label']}: {result['workload']['files']:,} files"]
    lines += [f"  {k:<22} {v:8.3f} s" for k, v in s.items() if v is not None]
    lines += [f"  {k:<34} {v:8.2f}" for k, v in r.items() if v is not None]
    lines += [f"  peak {k:<17} {v:8.0f} MiB" for k, v in result["peak_mib"].items()]
    if result["prefect"]:
        lines += [f"  prefect {k:<14} {v:8.1f} s" for k, v in result["prefect"].items()]
    return "\n".join(lines)
