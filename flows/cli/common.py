"""What every command shares: its settings, the date argument, the common options, the printing."""

import argparse
import datetime as dt
import os
import re

from lapsit.galat import ERROR, Galat, describe
from lapsit.settings import Settings, resolved

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3


def settings_of(args: argparse.Namespace) -> Settings:
    """The command's settings, read once: `--data-dir`, else LAPSIT_DATA_DIR, else `data/`."""
    return resolved(args.data_dir)


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
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--data-dir",
        default=os.environ.get("LAPSIT_DATA_DIR"),
        help="folder data (raw/, curated/, reports/); bawaan: LAPSIT_DATA_DIR atau data/",
    )
    return parent


def runner_options() -> argparse.ArgumentParser:
    """Where the ingest validates: here, or spread over a Dask cluster (docs/deploy.md)."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--task-runner",
        choices=("default", "dask"),
        help="pelaksana validasi: default (proses ini) atau dask (klaster Dask)",
    )
    parent.add_argument(
        "--dask-address",
        help="alamat scheduler Dask yang sudah berjalan, misalnya tcp://HOST:8786 "
        "(bawaan dengan dask: klaster lokal sementara)",
    )
    return parent
