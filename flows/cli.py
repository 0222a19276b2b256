"""The `lapsit` command line (SPEC §6)."""

import argparse
import datetime as dt
import json
import os
import re
import sys
from pathlib import Path

from lapsit.errors import LapsitError, ReferenceDataError, UsageError
from lapsit.galat import ERROR, Galat, describe
from lapsit.reference import load_reference, require_polda
from lapsit.settings import Settings, resolved

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3


def _settings(args: argparse.Namespace) -> Settings:
    """The command's settings, read once: `--data-dir`, else LAPSIT_DATA_DIR, else `data/`."""
    return resolved(args.data_dir)


def _iso_date(text: str) -> str:
    """An argument that must be a calendar date written YYYY-MM-DD."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(
        f"Tanggal '{text}' tidak sah. Tulis sebagai YYYY-MM-DD, misalnya 2024-11-20."
    )


def _print_galat(errors: list[Galat]) -> None:
    for g in errors:
        print(f"{'KESALAHAN' if g.severity == ERROR else 'PERINGATAN'} {describe(g)}")


def cmd_validate(args: argparse.Namespace) -> int:
    """Check one file against the contract without ingesting it."""
    from lapsit.validation import validate_file

    settings = _settings(args)
    path = Path(args.file)
    if not path.is_file():
        print(f"Berkas {path} tidak ditemukan.", file=sys.stderr)
        return EXIT_USAGE
    ref = load_reference(settings.catalog.reference_dir)
    polres = args.polres or path.resolve().parent.name
    if ref.polres_row(polres) is None:
        hint = "" if args.polres else f" (folder '{polres}' bukan kotak masuk Polres)"
        print(
            f"Kode Polres '{polres}' tidak dikenal{hint}. Sebutkan dengan --polres KODE.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    result = validate_file(
        path, polres, ref, max_bytes=settings.max_file_bytes, max_rows=settings.max_rows
    )
    if args.json:
        print(json.dumps([g.to_dict() for g in result.errors], ensure_ascii=False, indent=2))
    else:
        _print_galat(result.errors)
        verdict = "SAH" if result.accepted else "TIDAK SAH"
        print(
            f"{path.name}: {verdict} ({result.n_errors} kesalahan, {result.n_warnings} peringatan)"
        )
    return EXIT_OK if result.accepted else EXIT_INVALID


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
    for o in rejected:
        print(f"Ditolak: {o.delivery.rel} ({len(o.errors)} masalah) -> {o.error_report}")


def _runner(args: argparse.Namespace) -> dict[str, str | None]:
    """The ingest's task runner: `--dask-address` alone means Dask."""
    runner = args.task_runner or ("dask" if args.dask_address else "default")
    if args.dask_address and runner != "dask":
        raise UsageError("--dask-address hanya dipakai dengan --task-runner dask.")
    return {"task_runner": runner, "dask_address": args.dask_address}


def cmd_ingest(args: argparse.Namespace) -> int:
    """Ingest every new file of every inbox through the Prefect flow."""
    from flows.ingest import ingest_flow
    from lapsit.ingest.decide import progress_hook

    settings = _settings(args)
    load_reference(settings.catalog.reference_dir)  # fail fast, before Prefect starts
    params = {"data_dir": str(settings.data_dir), **_runner(args)}
    if sys.stdout.isatty():
        from rich.progress import Progress

        with Progress(transient=True) as progress:
            bar = progress.add_task("Memeriksa berkas", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(bar, completed=done, total=total)

            token = progress_hook.set(advance)
            try:
                summary = ingest_flow(**params)
            finally:
                progress_hook.reset(token)
    else:
        summary = ingest_flow(**params)
    _print_summary(summary)
    return EXIT_OK


def _report(settings: Settings, tanggal: str, polda: str | None, as_of: int | None) -> list[Path]:
    """Render the situation reports through the Prefect flow; returns the files written."""
    from flows.report import report_flow

    return report_flow(
        report_date=tanggal,
        kode_polda=polda,
        data_dir=str(settings.data_dir),
        as_of_version=as_of,
    )


def cmd_report(args: argparse.Namespace) -> int:
    """Render the situation report of a date for one Polda or every Polda."""
    from lapsit.report.data import registry_versions

    settings = _settings(args)
    require_polda(load_reference(settings.catalog.reference_dir), args.polda)
    if args.as_of_version is not None:
        versions = registry_versions(settings.catalog.tables)
        if args.as_of_version not in versions:
            shown = ", ".join(map(str, versions)) or "belum ada (jalankan ingest dahulu)"
            print(
                f"Versi registri {args.as_of_version} tidak ada. Versi yang tersedia: {shown}.",
                file=sys.stderr,
            )
            return EXIT_USAGE
    for path in _report(settings, args.date, args.polda, args.as_of_version):
        print(path)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Write the sample season into the inboxes and run the nightly flow for voting day."""
    from lapsit.demo.season import generate

    settings = _settings(args)
    catalog = settings.catalog
    files = generate(catalog.raw_dir)
    print(f"{len(files)} berkas contoh ditulis ke {catalog.raw_dir}")
    print(f"Tabel kurasi: {catalog.tables}")
    # Voting day of the sample season (Pilkada 2024, Kalimantan Selatan).
    return _nightly(settings, "2024-11-27", "kalsel")


def cmd_template(args: argparse.Namespace) -> int:
    """Write the Excel template of one Polres, generated from the contract."""
    from lapsit.publishing.template import default_filename, template_date, write_template

    settings = _settings(args)
    ref = load_reference(settings.catalog.reference_dir)
    if ref.polres_row(args.polres) is None:
        known = ", ".join(ref.polres["kode_polres"].to_list())
        print(f"Kode Polres '{args.polres}' tidak dikenal. Pilihan: {known}.", file=sys.stderr)
        return EXIT_USAGE
    day = template_date(ref, args.polres, dt.date.fromisoformat(args.date) if args.date else None)
    out = Path(args.out) if args.out else Path(default_filename(args.polres, day))
    if out.is_dir():
        out = out / default_filename(args.polres, day)
    write_template(out, ref, args.polres, day)
    print(f"Templat {args.polres} untuk tanggal {day:%d/%m/%Y} ditulis ke {out}")
    return EXIT_OK


def _nightly(
    settings: Settings, tanggal: str | None, polda: str | None, runner: dict | None = None
) -> int:
    """Run the nightly flow, print what it wrote; EXIT_FAILED when the run failed."""
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
            print(f"Laporan situasi {kode} {night.dates[kode]}: {night.polda_report(kode)}")
        print(f"Laporan galat: {settings.catalog.errors_dir}")
        if night.quality.docs_index:
            print(f"Data Docs kualitas data: {night.quality.docs_index}")
    print(state.message, file=sys.stdout if state.is_completed() else sys.stderr)
    return EXIT_OK if state.is_completed() else EXIT_FAILED


def cmd_nightly(args: argparse.Namespace) -> int:
    """Ingest, check quality and write every Polda's report: the nightly flow, now."""
    settings = _settings(args)
    runner = _runner(args)
    # Fail fast, before Prefect starts.
    require_polda(load_reference(settings.catalog.reference_dir), args.polda)
    return _nightly(settings, args.date, args.polda, runner)


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the deployments (nightly on its schedule; ingest, report, quality on demand)."""
    from flows.serve import serve

    settings = _settings(args)
    serve(load_reference(settings.catalog.reference_dir), settings.data_dir)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lapsit", description="Laporan situasi pengamanan pemilihan (Polda)."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    data_dir = argparse.ArgumentParser(add_help=False)
    data_dir.add_argument(
        "--data-dir",
        default=os.environ.get("LAPSIT_DATA_DIR"),
        help="folder data (raw/, curated/, reports/); bawaan: LAPSIT_DATA_DIR atau data/",
    )
    # Where the ingest validates: here, or spread over a Dask cluster (docs/deploy.md).
    runner = argparse.ArgumentParser(add_help=False)
    runner.add_argument(
        "--task-runner",
        choices=("default", "dask"),
        help="pelaksana validasi: default (proses ini) atau dask (klaster Dask)",
    )
    runner.add_argument(
        "--dask-address",
        help="alamat scheduler Dask yang sudah berjalan, misalnya tcp://HOST:8786 "
        "(bawaan dengan dask: klaster lokal sementara)",
    )
    p = sub.add_parser("validate", parents=[data_dir], help="periksa satu berkas laporan")
    p.add_argument("file")
    p.add_argument("--polres", help="kode Polres (bawaan: nama folder kotak masuk berkas)")
    p.add_argument("--json", action="store_true", help="cetak kesalahan sebagai JSON")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("ingest", parents=[data_dir, runner], help="proses semua berkas baru")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("report", parents=[data_dir], help="buat laporan situasi satu tanggal")
    p.add_argument("--date", required=True, type=_iso_date, help="tanggal laporan, YYYY-MM-DD")
    p.add_argument("--polda", help="kode Polda (bawaan: setiap Polda di polres.csv)")
    p.add_argument("--as-of-version", type=int, help="reproduksi sesuai versi registri submisi N")
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("demo", parents=[data_dir], help="jalankan contoh data musim Pilkada")
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser(
        "nightly", parents=[data_dir, runner], help="ingest, periksa kualitas, lalu buat laporan"
    )
    p.add_argument(
        "--date", type=_iso_date, help="tanggal laporan YYYY-MM-DD (bawaan: hari ini, waktu Polda)"
    )
    p.add_argument("--polda", help="kode Polda (bawaan: setiap Polda di polres.csv)")
    p.set_defaults(func=cmd_nightly)
    p = sub.add_parser(
        "serve", parents=[data_dir], help="layani deployment Prefect (jadwal malam, UI)"
    )
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser(
        "template", parents=[data_dir], help="tulis templat Excel laporan harian satu Polres"
    )
    p.add_argument("--polres", required=True, help="kode Polres, misalnya balangan")
    p.add_argument(
        "--date",
        type=_iso_date,
        help="tanggal laporan YYYY-MM-DD (bawaan: hari ini, waktu setempat)",
    )
    p.add_argument(
        "--out", help="berkas atau folder tujuan (bawaan: templat-<polres>-<tanggal>.xlsx)"
    )
    p.set_defaults(func=cmd_template)
    return parser


# Prefect's embedded server waits 20 s for itself to start; on a loaded 2-core machine it
# takes 20-25 s (benchmarks/RESULTS.md), and the flow then fails before it begins.
EPHEMERAL_STARTUP_SECONDS = "120"


def main(argv: list[str] | None = None) -> int:
    # Before Prefect is imported (the commands import it); a value the user set stays.
    os.environ.setdefault(
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", EPHEMERAL_STARTUP_SECONDS
    )
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
