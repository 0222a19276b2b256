"""Commands on files, without Prefect: check one submission, write a Polres's template."""

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from flows.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, iso_date, print_galat, settings_of
from lapsit.privacy import mask_nrp
from lapsit.reference import load_reference


def cmd_validate(args: argparse.Namespace) -> int:
    """Check one file against the contract without ingesting it."""
    from lapsit.validation.batch import validate_file

    settings = settings_of(args)
    path = Path(args.file)
    if not path.is_file():
        print(mask_nrp(f"Berkas {path} tidak ditemukan."), file=sys.stderr)
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
        print_galat(result.errors, path.suffix.lower().lstrip("."))
        verdict = "SAH" if result.accepted else "TIDAK SAH"
        counts = f"{result.n_errors} kesalahan, {result.n_warnings} peringatan"
        print(mask_nrp(f"{path.name}: {verdict} ({counts})"))
    return EXIT_OK if result.accepted else EXIT_INVALID


def cmd_template(args: argparse.Namespace) -> int:
    """Write the Excel template of one Polres, generated from the contract."""
    from lapsit.publishing.template import default_filename, template_date, write_template

    settings = settings_of(args)
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


def register(sub: argparse._SubParsersAction, data_dir: argparse.ArgumentParser) -> None:
    """Add `validate` and `template` to the parser."""
    what = "periksa satu berkas laporan terhadap kontrak tanpa memprosesnya"
    p = sub.add_parser("validate", parents=[data_dir], help=what, description=what)
    p.add_argument("file", metavar="BERKAS", help="berkas laporan (.xlsx atau .json)")
    p.add_argument(
        "--polres", metavar="KODE", help="kode Polres (bawaan: nama folder kotak masuk berkas)"
    )
    p.add_argument("--json", action="store_true", help="cetak kesalahan sebagai JSON")
    p.set_defaults(func=cmd_validate)
    what = "tulis templat Excel laporan harian satu Polres"
    p = sub.add_parser("template", parents=[data_dir], help=what, description=what)
    p.add_argument("--polres", required=True, metavar="KODE", help="kode Polres, misalnya balangan")
    p.add_argument(
        "--date",
        type=iso_date,
        metavar="TANGGAL",
        help="tanggal laporan YYYY-MM-DD (bawaan: hari ini, waktu setempat)",
    )
    p.add_argument(
        "--out",
        metavar="TUJUAN",
        help="berkas atau folder tujuan (bawaan: templat-<polres>-<tanggal>.xlsx)",
    )
    p.set_defaults(func=cmd_template)
