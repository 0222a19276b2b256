"""What every command shares: its settings, the date argument, the common options, the printing."""

import argparse
import datetime as dt
import logging
import re

from flows.cli.bahasa import Parser
from lapsit.errors import UsageError
from lapsit.galat import ERROR, Galat, describe
from lapsit.settings import Settings, resolved

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3


def settings_of(args: argparse.Namespace) -> Settings:
    """The command's settings, read once: `--data-dir`, else LAPSIT_DATA_DIR, else `data/`."""
    return resolved(args.data_dir)


def existing_data_dir(settings: Settings, advice: str | None = None) -> Settings:
    """The settings, once their data dir is known to exist (UsageError, exit 2, if not).

    For the commands that read a data dir (ingest, report, nightly, serve, portal):
    a mistyped `--data-dir` or LAPSIT_DATA_DIR is an error, never an empty
    success that creates folders. `demo` and `akun` create theirs. `advice`: what
    to do instead (default: make the demo data there).
    """
    if not settings.data_dir.is_dir():
        from_environment = "data_dir" in Settings().model_fields_set
        given = "LAPSIT_DATA_DIR" if from_environment else "--data-dir"
        advice = advice or f"buat data contoh dengan lapsit demo --data-dir {settings.data_dir}"
        raise UsageError(
            f"Folder data {settings.data_dir} tidak ada. Periksa {given} "
            f"(berisi raw/, curated/, reports/), atau {advice}."
        )
    return settings


def whole_number(text: str) -> int:
    """An argument that must be a whole number, e.g. a registry version."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' bukan bilangan bulat.") from None


def iso_date(text: str) -> str:
    """An argument that must be a calendar date written YYYY-MM-DD."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(
        f"Tanggal '{text}' tidak sah. Tulis sebagai YYYY-MM-DD, misalnya 2024-11-20."
    )


def print_galat(errors: list[Galat], fmt: str = "xlsx") -> None:
    """Every error and warning as a line, where it is first (`lapsit.galat.describe`), in the
    words of the file's format (`fmt`: a JSON file has keys and objects)."""
    for g in errors:
        print(f"{'KESALAHAN' if g.severity == ERROR else 'PERINGATAN'} {describe(g, fmt)}")


def data_dir_option() -> argparse.ArgumentParser:
    """`--data-dir`, taken by every command."""
    parent = Parser(add_help=False)
    parent.add_argument(
        "--data-dir",
        metavar="FOLDER",
        default=None,
        help="folder data (raw/, curated/, reports/); bawaan: LAPSIT_DATA_DIR atau data/",
    )
    return parent


def runner_options() -> argparse.ArgumentParser:
    """Where the ingest validates: here, or spread over a Dask cluster (docs/deploy.md)."""
    parent = Parser(add_help=False)
    parent.add_argument(
        "--task-runner",
        choices=("default", "dask"),
        metavar="{default,dask}",
        help="pelaksana validasi: default (proses ini) atau dask (klaster Dask)",
    )
    parent.add_argument(
        "--dask-address",
        metavar="ALAMAT",
        help="alamat scheduler Dask yang sudah berjalan, misalnya tcp://HOST:8786 "
        "(bawaan dengan dask: klaster lokal sementara)",
    )
    return parent


def console_options() -> argparse.ArgumentParser:
    """`--rinci`: the commands that run flows show Prefect's own log lines only when asked."""
    parent = Parser(add_help=False)
    parent.add_argument(
        "--rinci",
        action="store_true",
        help="tampilkan juga log INFO Prefect per task run (bawaan: hanya peringatan dan galat)",
    )
    return parent


def console_logs(rinci: bool) -> None:
    """Prefect's console shows warnings and errors only, or everything with `--rinci`.

    Only the console handler changes: the flow and task run logs still reach
    the Prefect server (the UI) whole. The level holds until the process ends:
    the embedded server, stopped at exit, logs an INFO line of its own
    (`Stopping temporary server on ...`) after the command is done.
    """
    import prefect.main  # noqa: F401  (sets up Prefect's logging, console handler included)
    from prefect.logging.handlers import PrefectConsoleHandler

    for h in logging.getLogger().handlers:
        if isinstance(h, PrefectConsoleHandler):
            h.setLevel(logging.INFO if rinci else logging.WARNING)
