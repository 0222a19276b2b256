"""The `lapsit` command line (SPEC §6): one module per group of commands.

`files` (validate, template) works without Prefect; `runs` (ingest, report,
nightly, demo, serve) runs the Prefect flows; `portal` (portal, akun) serves the web
portal and keeps its accounts. Help texts and messages are in Bahasa Indonesia; an
expected failure (`lapsit.errors.LapsitError`) prints its message and exits with its
code, never a traceback.
"""

import argparse
import os
import sys

from flows.cli import files, portal, runs
from flows.cli.bahasa import Parser
from flows.cli.common import (
    EXIT_FAILED,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    console_options,
    data_dir_option,
    runner_options,
)
from lapsit.errors import LapsitError, ReferenceDataError

__all__ = ["EXIT_FAILED", "EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

# Prefect's embedded server waits 20 s for itself to start; on a loaded 2-core machine it
# can take longer (benchmarks/RESULTS.md), and the flow then fails before it begins.
EPHEMERAL_STARTUP_SECONDS = "120"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="lapsit", description="Laporan situasi pengamanan pemilihan (Polda).")
    sub = parser.add_subparsers(
        dest="command",
        required=True,
        metavar="PERINTAH",
        title="perintah",
        help="perintah yang dijalankan",
    )
    data_dir = data_dir_option()
    files.register(sub, data_dir)
    runs.register(sub, data_dir, runner_options(), console_options())
    portal.register(sub, data_dir)
    return parser


def main(argv: list[str] | None = None) -> int:
    # Before Prefect is imported (the commands import it); a value the user set stays.
    os.environ.setdefault(
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", EPHEMERAL_STARTUP_SECONDS
    )
    # The embedded server's telemetry cannot reach its host from a Polda network: its
    # failure was an ERROR line at every start.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code else EXIT_OK
    try:
        return args.func(args)
    except ReferenceDataError as exc:
        print(f"Referensi rusak: {exc}", file=sys.stderr)
        return exc.exit_code
    except LapsitError as exc:
        print(exc, file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
