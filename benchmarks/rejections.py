"""What a Failed subflow run per rejection costs: `python -m benchmarks.rejections [--size S]`.

A cold ingest, through the Prefect flow on the embedded server, of a season in
which one (Polres, day) pair in ten also delivers an invalid file (about one
file in ten rejected). The time spent announcing the rejections (a Failed
subflow run and an event each, `flows.rejection_runs.announce`, called by the
ingest flow) is measured apart from
the whole run; the figure goes in docs/performance.md.
"""

import argparse
import json
import os
import shutil
import time
from pathlib import Path

from benchmarks.workload import SIZES, generate

HERE = Path(__file__).resolve().parent


def measure(size: str, work_dir: Path) -> dict:
    """Ingest the workload once, cold; the run's and the announcements' times."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # As the CLI: the embedded server takes over 20 s to start on a loaded 2-core machine.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    import flows.ingest

    folder = work_dir / f"{size}-1-in-10"
    manifest = generate(folder, SIZES[size], invalid_every=10)
    data = work_dir / f"{size}-1-in-10-run"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(folder / "data", data)
    announced: list[tuple[int, float]] = []
    announce = flows.ingest.announce

    def timed(rejections: list) -> None:
        began = time.perf_counter()
        announce(rejections)
        announced.append((len(rejections), time.perf_counter() - began))

    flows.ingest.announce = timed
    try:
        began = time.perf_counter()
        state = flows.ingest.ingest_flow(data_dir=str(data), return_state=True)
        total = time.perf_counter() - began
    finally:
        flows.ingest.announce = announce
    summary = state.result()
    totals = summary.totals()
    rejected = sum(n for n, _ in announced)
    seconds = sum(s for _, s in announced)
    shutil.rmtree(data, ignore_errors=True)
    return {
        "size": size,
        "files": manifest.files,
        "rejected": rejected,
        "counts": dict(totals),
        "state": state.name,
        "ingest_s": round(total, 2),
        "announce_s": round(seconds, 2),
        "per_rejection_ms": round(1000 * seconds / rejected, 1) if rejected else None,
        "share_of_run": round(seconds / total, 3),
    }


def on_postgres(size: str, work_dir: Path) -> dict:
    """The same, with the embedded server keeping its state in a temporary PostgreSQL
    cluster (`tests/flows/test_postgres_workers.py`'s, as docs/deploy.md sets one up)."""
    from tests.flows.test_postgres_workers import postgres_cluster

    work_dir.mkdir(parents=True, exist_ok=True)
    with postgres_cluster(work_dir) as pg:
        os.environ["PREFECT_API_DATABASE_CONNECTION_URL"] = pg.url
        try:
            return measure(size, work_dir) | {"database": "postgresql"}
        finally:
            del os.environ["PREFECT_API_DATABASE_CONNECTION_URL"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.rejections", description=__doc__)
    parser.add_argument("--size", choices=list(SIZES), default="S")
    parser.add_argument("--work-dir", type=Path, default=HERE / ".work")
    parser.add_argument(
        "--postgres", action="store_true", help="the server on PostgreSQL instead of SQLite"
    )
    args = parser.parse_args(argv)
    if args.postgres:
        result = on_postgres(args.size, args.work_dir)
    else:
        result = measure(args.size, args.work_dir) | {"database": "sqlite"}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
