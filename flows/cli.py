"""The `lapsit` command line (SPEC §6)."""

import argparse
import json
import os
import sys
from pathlib import Path

from lapsit.errors import ERROR, Galat
from lapsit.reference import ReferenceError, load_reference
from lapsit.settings import Settings

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3


def _settings(args: argparse.Namespace) -> Settings:
    if args.data_dir:
        return Settings(data_dir=Path(args.data_dir))
    return Settings()


def _print_galat(errors: list[Galat]) -> None:
    for g in errors:
        where = ", ".join(
            part
            for part in (
                f"lembar {g.sheet}" if g.sheet else "",
                f"baris {g.row}" if g.row is not None else "",
                f"kolom {g.column}" if g.column else "",
            )
            if part
        )
        label = "KESALAHAN" if g.severity == ERROR else "PERINGATAN"
        print(f"{label} [{where or 'berkas'}] {g.message}")


def cmd_validate(args: argparse.Namespace) -> int:
    """Check one file against the contract without ingesting it."""
    from lapsit.validate import validate_file

    settings = _settings(args)
    path = Path(args.file)
    if not path.is_file():
        print(f"Berkas {path} tidak ditemukan.", file=sys.stderr)
        return EXIT_USAGE
    ref = load_reference(settings.reference_dir)
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


def cmd_ingest(args: argparse.Namespace) -> int:
    """Ingest every new file of every inbox through the Prefect flow."""
    from flows.ingest import ingest_flow
    from lapsit.ingest import progress_hook

    settings = _settings(args)
    load_reference(settings.reference_dir)  # fail fast, before Prefect starts
    if sys.stdout.isatty():
        from rich.progress import Progress

        with Progress(transient=True) as progress:
            bar = progress.add_task("Memeriksa berkas", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(bar, completed=done, total=total)

            token = progress_hook.set(advance)
            try:
                summary = ingest_flow(data_dir=str(settings.data_dir.resolve()))
            finally:
                progress_hook.reset(token)
    else:
        summary = ingest_flow(data_dir=str(settings.data_dir.resolve()))
    _print_summary(summary)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Write the sample season into the inboxes and ingest it."""
    from lapsit.sample_data import generate

    settings = _settings(args)
    files = generate(settings.raw_dir)
    print(f"{len(files)} berkas contoh ditulis ke {settings.raw_dir}")
    code = cmd_ingest(args)
    print(f"Tabel kurasi: {settings.curated_dir.resolve()}")
    print(f"Laporan galat: {settings.errors_dir.resolve()}")
    return code


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
    p = sub.add_parser("validate", parents=[data_dir], help="periksa satu berkas laporan")
    p.add_argument("file")
    p.add_argument("--polres", help="kode Polres (bawaan: nama folder kotak masuk berkas)")
    p.add_argument("--json", action="store_true", help="cetak kesalahan sebagai JSON")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("ingest", parents=[data_dir], help="proses semua berkas baru")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("demo", parents=[data_dir], help="jalankan contoh data musim Pilkada")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code else EXIT_OK
    try:
        return args.func(args)
    except ReferenceError as exc:
        print(f"Referensi rusak: {exc}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
