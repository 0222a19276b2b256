"""Where a cold ingest's time goes: `python -m benchmarks.profile_ingest [--size S|M]`.

One cold ingest (`run_ingest`, no Prefect) of the workload in a fresh process,
under cProfile, after its imports; then the cumulative time of each stage's
entry point, the stages being disjoint calls of the ingest. The figures go in
docs/performance.md ("Where a file's time goes").
"""

import argparse
import cProfile
import json
import pstats
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.workload import SIZES, generate

HERE = Path(__file__).resolve().parent

# Stage -> (module file ending, function name): each a call of the ingest that no other
# listed stage contains.
STAGES = {
    "discover (list, stat, hash)": ("lapsit/ingest/discover.py", "discover"),
    "read: survey of the workbook XML": ("lapsit/reading/workbook_guard.py", "survey"),
    "read: sheets to text frames": ("lapsit/reading/xlsx.py", "read_xlsx"),
    "read: JSON files": ("lapsit/reading/json_file.py", "read_json"),
    "validate: cast, pandera, attribute": ("lapsit/validation/batch.py", "validate_batch"),
    "supersession and duplicates": ("lapsit/ingest/decide.py", "decide"),
    "error reports": ("lapsit/ingest/commit.py", "write_error_reports"),
    "section tables (split, Delta commits)": ("lapsit/ingest/commit.py", "write_tables"),
    "registry (Delta append/merge)": ("lapsit/ingest/commit.py", "write_registry"),
    "reference data (load, check, jurisdictions)": ("lapsit/reference.py", "load_reference"),
}


def profile(size: str, work_dir: Path) -> dict:
    from lapsit.ingest.run import run_ingest
    from lapsit.reference import load_reference
    from lapsit.settings import Settings

    folder = work_dir / size
    manifest = generate(folder, SIZES[size])
    with tempfile.TemporaryDirectory(prefix="lapsit-profile-") as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(folder / "data" / "reference", data / "reference")
        shutil.copytree(folder / "data" / "raw", data / "raw")
        settings = Settings(data_dir=data)
        profiler = cProfile.Profile()
        began = time.perf_counter()
        profiler.enable()
        summary = run_ingest(settings, load_reference(settings.catalog.reference_dir))
        profiler.disable()
        total = time.perf_counter() - began
    stats = pstats.Stats(profiler).stats  # (file, line, name) -> (cc, nc, tt, ct, callers)
    seconds = {}
    for stage, (ending, name) in STAGES.items():
        seconds[stage] = sum(
            ct for (file, _, fn), (_, _, _, ct, _) in stats.items()
            if fn == name and file.endswith(ending)
        )  # fmt: skip
    entry = ("run_ingest", "load_reference")
    profiled = sum(ct for (_, _, fn), (_, _, _, ct, _) in stats.items() if fn in entry)
    seconds["other"] = max(profiled - sum(seconds.values()), 0.0)
    return {
        "size": size,
        "files": manifest.files,
        "totals": dict(summary.totals()),
        "wall_s (under cProfile)": round(total, 2),
        "ms_per_file": {k: round(1000 * v / manifest.files, 2) for k, v in seconds.items()},
        "share": {k: round(v / profiled, 3) for k, v in seconds.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.profile_ingest", description=__doc__
    )
    parser.add_argument("--size", choices=list(SIZES), default="S")
    parser.add_argument("--work-dir", type=Path, default=HERE / ".work")
    args = parser.parse_args(argv)
    print(json.dumps(profile(args.size, args.work_dir), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
