"""`python -m benchmarks run --size S|M|L [--days N]` and `python -m benchmarks generate ...`."""

import argparse
import sys
from pathlib import Path

from benchmarks.run import HERE, RESULTS, record, run, summary
from benchmarks.workload import SIZES, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("run", "generate"):
        cmd = commands.add_parser(name)
        cmd.add_argument("--size", choices=list(SIZES), default="S")
        cmd.add_argument("--days", type=int, help="days of history instead of the size's")
        cmd.add_argument("--work-dir", type=Path, default=HERE / ".work")
    bench = commands.choices["run"]
    bench.add_argument("--results", type=Path, default=RESULTS, help="the Markdown to rewrite")
    bench.add_argument("--no-prefect", action="store_true", help="skip the Prefect server start")
    bench.add_argument("--no-quality", action="store_true", help="skip the quality gate")
    bench.add_argument("--keep", action="store_true", help="keep the run's data dir")
    bench.add_argument("--no-peer", action="store_true", help="skip the per-file peer (L)")
    bench.add_argument("--no-pdf", action="store_true", help="skip the reports' PDF")
    bench.add_argument("--repeats", type=int, default=3, help="runs of each timed read and ingest")
    bench.add_argument(
        "--invalid-every", type=int, help="one Polres-day in N gets a rejected file (10)"
    )
    args = parser.parse_args(argv)
    if args.command == "generate":
        folder = args.work_dir / (f"{args.size}-{args.days}d" if args.days else args.size)
        manifest = generate(folder, SIZES[args.size], days=args.days)
        print(f"{manifest.files:,} files ({manifest.invalid} invalid) in {folder}")
        return 0
    result = run(
        args.size,
        args.work_dir,
        days=args.days,
        prefect=not args.no_prefect,
        quality=not args.no_quality,
        keep=args.keep,
        repeats=args.repeats,
        invalid_every=args.invalid_every,
        peer=not args.no_peer,
        pdf=not args.no_pdf,
    )
    print(summary(result))
    print(f"written to {record(result, args.results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
