"""Commands that run the Prefect flows: ingest, report, nightly, demo, serve."""

import argparse
import asyncio
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    console_logs,
    existing_data_dir,
    iso_date,
    settings_of,
    whole_number,
)
from lapsit.errors import UsageError
from lapsit.privacy import mask_nrp
from lapsit.reference import load_reference, require_polda
from lapsit.settings import Settings


@contextmanager
def progress_bar(args: argparse.Namespace) -> Iterator[None]:
    """On a terminal, a progress bar of the files being read, drawn from the ingest's
    progress records (`lapsit.ingest.run.PROGRESS`); Prefect's INFO lines hidden."""
    console_logs(args.rinci)
    if not sys.stdout.isatty():
        yield
        return
    import logging

    from rich.progress import Progress

    from lapsit.ingest.run import PROGRESS

    with Progress(transient=True) as progress:
        bar = progress.add_task("Memeriksa berkas", total=None)

        class Bar(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                done, total = getattr(record, "kemajuan", (0, None))
                progress.update(bar, completed=done, total=total)

        handler, level = Bar(), PROGRESS.level
        PROGRESS.addHandler(handler)
        PROGRESS.setLevel(logging.INFO)
        try:
            yield
        finally:
            PROGRESS.removeHandler(handler)
            PROGRESS.setLevel(level)


def _print_summary(summary) -> None:
    from rich.console import Console
    from rich.table import Table

    columns = ("diterima", "ditolak", "digantikan", "duplikat", "dilewati")
    table = Table(title="Ringkasan ingest")
    table.add_column("Polres")
    for col in columns:
        table.add_column(col, justify="right")
    counts = summary.counts()
    for inbox in sorted(counts):
        table.add_row(inbox, *(str(counts[inbox][c]) for c in columns))
    totals = summary.totals()
    table.add_row("JUMLAH", *(str(totals[c]) for c in columns), style="bold")
    Console().print(table)
    rejected = [o for o in summary.outcomes if o.status == "ditolak"]
    for o in rejected:  # one line per rejected file; its errors are in its error report
        line = f"Ditolak: {o.delivery.rel} ({len(o.errors)} masalah) -> {o.error_report}"
        print(mask_nrp(line, o.delivery.received.date()))


def _runner(args: argparse.Namespace) -> dict[str, str | None]:
    """The ingest's task runner: `--dask-address` alone means Dask."""
    runner = args.task_runner or ("dask" if args.dask_address else "default")
    if args.dask_address and runner != "dask":
        raise UsageError("--dask-address hanya dipakai dengan --task-runner dask.")
    return {"task_runner": runner, "dask_address": args.dask_address}


def cmd_ingest(args: argparse.Namespace) -> int:
    """Ingest every new file of every inbox through the Prefect flow."""
    settings = existing_data_dir(settings_of(args))
    load_reference(settings.catalog.reference_dir)  # fail fast, before Prefect starts
    params = {"data_dir": str(settings.data_dir), **_runner(args)}
    with progress_bar(args):
        from flows.ingest import ingest_flow

        summary = ingest_flow(**params)
    _print_summary(summary)
    return EXIT_OK


def _report(
    settings: Settings, tanggal: str, polda: str | None, as_of: int | None, nasional: bool = False
) -> list[Path]:
    """Render the situation reports through the Prefect flow; returns the files written."""
    from flows.report import report_flow

    return report_flow(
        report_date=tanggal,
        kode_polda=polda,
        data_dir=str(settings.data_dir),
        as_of_version=as_of,
        nasional=nasional,
    )


def _print_reference_warnings(ref) -> None:
    """What the reference files hold that no report can use (e.g. a misspelt code)."""
    for warning in ref.peringatan:
        print(f"Peringatan data referensi: {warning}", file=sys.stderr)


def cmd_report(args: argparse.Namespace) -> int:
    """Render the situation report of a date for one Polda or every Polda."""
    from lapsit.report.data import registry_versions

    settings = existing_data_dir(settings_of(args))
    if args.nasional and args.polda:
        raise UsageError("--nasional merangkum semua Polda; jangan dipakai bersama --polda.")
    ref = load_reference(settings.catalog.reference_dir)
    require_polda(ref, args.polda)
    _print_reference_warnings(ref)
    if args.as_of_version is not None:
        versions = registry_versions(settings.catalog.tables)
        if args.as_of_version not in versions:
            shown = ", ".join(map(str, versions)) or "belum ada (jalankan ingest dahulu)"
            print(
                f"Versi registri {args.as_of_version} tidak ada. Versi yang tersedia: {shown}.",
                file=sys.stderr,
            )
            return EXIT_USAGE
    for path in _report(settings, args.date, args.polda, args.as_of_version, args.nasional):
        print(path)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Write the sample season into the inboxes and run the nightly flow for voting day."""
    from lapsit.demo.season import generate

    settings = settings_of(args)
    catalog = settings.catalog
    files = generate(catalog.raw_dir)
    print(f"{len(files)} berkas contoh ditulis ke {catalog.raw_dir}")
    print(f"Tabel kurasi: {catalog.tables}")
    # Voting day of the sample season (Pilkada 2024; Kalimantan and Sumatera Selatan), every
    # Polda, so that the national roll-up is written too.
    return _nightly(args, settings, "2024-11-27", None)


def _nightly(
    args: argparse.Namespace,
    settings: Settings,
    tanggal: str | None,
    polda: str | None,
    runner: dict | None = None,
) -> int:
    """Run the nightly flow, print what it wrote; EXIT_FAILED when the run failed."""
    with progress_bar(args):
        from flows.nightly import NightlyResult, nightly_flow

        state = nightly_flow(
            report_date=tanggal,
            kode_polda=polda,
            data_dir=str(settings.data_dir),
            **(runner or {}),
            return_state=True,
        )
    night = state.result(raise_on_failure=False)
    if isinstance(night, NightlyResult):
        _print_summary(night.ingest)
        for kode in night.reports:
            day = night.dates.get(kode, night.national_date)
            print(f"Laporan situasi {kode} {day}: {night.polda_report(kode)}")
        print(f"Laporan galat: {settings.catalog.errors_dir}")
        if night.quality.docs_index:
            print(f"Data Docs kualitas data: {night.quality.docs_index}")
    print(state.message, file=sys.stdout if state.is_completed() else sys.stderr)
    return EXIT_OK if state.is_completed() else EXIT_FAILED


def cmd_nightly(args: argparse.Namespace) -> int:
    """Ingest, check quality and write every Polda's report: the nightly flow, now."""
    settings = existing_data_dir(settings_of(args))
    runner = _runner(args)
    # Fail fast, before Prefect starts.
    ref = load_reference(settings.catalog.reference_dir)
    require_polda(ref, args.polda)
    _print_reference_warnings(ref)
    return _nightly(args, settings, args.date, args.polda, runner)


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the deployments (nightly on its schedule; ingest, report, quality on demand)."""
    from flows.alerts import describe, ensure_alerts
    from flows.serve import serve

    settings = existing_data_dir(settings_of(args))
    ref = load_reference(settings.catalog.reference_dir)
    # Alerts need this long-running server: the embedded one would die with the command.
    print(describe(asyncio.run(ensure_alerts(ref, settings))), flush=True)
    serve(ref, settings.data_dir)
    return EXIT_OK


def register(
    sub: argparse._SubParsersAction,
    data_dir: argparse.ArgumentParser,
    runner: argparse.ArgumentParser,
    console: argparse.ArgumentParser,
) -> None:
    """Add `ingest`, `report`, `demo`, `nightly` and `serve` to the parser."""
    what = "proses semua berkas baru di kotak masuk Polres"
    p = sub.add_parser("ingest", parents=[data_dir, runner, console], help=what, description=what)
    p.set_defaults(func=cmd_ingest)
    what = "buat laporan situasi satu tanggal"
    p = sub.add_parser("report", parents=[data_dir], help=what, description=what)
    p.add_argument(
        "--date",
        required=True,
        type=iso_date,
        metavar="TANGGAL",
        help="tanggal laporan, YYYY-MM-DD",
    )
    p.add_argument(
        "--polda", metavar="KODE", help="kode Polda (bawaan: setiap Polda di polres.csv)"
    )
    p.add_argument(
        "--as-of-version",
        type=whole_number,
        metavar="N",
        help="reproduksi sesuai versi registri submisi N",
    )
    p.add_argument(
        "--nasional",
        action="store_true",
        help="buat rekapitulasi nasional seluruh Polda (reports/nasional/<tanggal>/)",
    )
    p.set_defaults(func=cmd_report)
    what = "tulis data contoh musim Pilkada ke folder data lalu jalankan run malam"
    p = sub.add_parser("demo", parents=[data_dir, console], help=what, description=what)
    p.set_defaults(func=cmd_demo)
    what = "ingest, periksa kualitas, lalu buat laporan (run malam, sekarang)"
    p = sub.add_parser("nightly", parents=[data_dir, runner, console], help=what, description=what)
    p.add_argument(
        "--date",
        type=iso_date,
        metavar="TANGGAL",
        help="tanggal laporan YYYY-MM-DD (bawaan: hari ini, waktu Polda)",
    )
    p.add_argument(
        "--polda", metavar="KODE", help="kode Polda (bawaan: setiap Polda di polres.csv)"
    )
    p.set_defaults(func=cmd_nightly)
    what = "layani deployment Prefect (jadwal malam, formulir run di UI, peringatan penolakan)"
    p = sub.add_parser("serve", parents=[data_dir], help=what, description=what)
    p.set_defaults(func=cmd_serve)
