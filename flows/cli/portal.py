"""`lapsit portal` (the web application of SPEC §7) and `lapsit akun` (its accounts)."""

import argparse
import logging
import socket
import sys

from flows.cli.bahasa import Parser
from flows.cli.common import EXIT_OK, EXIT_USAGE, existing_data_dir, settings_of
from lapsit.clock import local_stamp
from lapsit.errors import UsageError
from lapsit.reference import load_reference


def cmd_portal(args: argparse.Namespace) -> int:
    """Serve the portal on one address until stopped (Ctrl+C)."""
    settings = existing_data_dir(
        settings_of(args), advice="buat akun portal dahulu di sana dengan lapsit akun tambah"
    )
    import uvicorn

    if not _free(args.host, args.port):
        print(
            f"Alamat {args.host}:{args.port} sudah dipakai program lain. Pilih port lain "
            "dengan --port.",
            file=sys.stderr,
        )
        return EXIT_USAGE

    from lapsit.portal.app import create_app, exposure_warning

    # The reader's detail on unreadable files (never shown to an operator) goes to this log.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("lapsit").setLevel(logging.INFO)
    app = create_app(settings, load_reference(settings.catalog.reference_dir))
    print(f"Portal lapsit berjalan di http://{args.host}:{args.port}/ (hentikan dengan Ctrl+C)")
    print(f"Folder data: {settings.data_dir}")
    if warning := exposure_warning(args.host, settings):
        print(warning, file=sys.stderr)
    # Proxy headers are applied by the app itself, only from LAPSIT_PORTAL_PROXY.
    uvicorn.run(
        app, host=args.host, port=args.port, proxy_headers=False, log_level="warning",
        server_header=False,
    )  # fmt: skip
    return EXIT_OK


def _free(host: str, port: int) -> bool:
    """Whether the portal could listen there (uvicorn would say so only in English)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _engine(args: argparse.Namespace):
    from lapsit.portal.db import connect

    settings = settings_of(args)
    settings.data_dir.mkdir(parents=True, exist_ok=True)  # SPEC §6: akun creates it
    return settings, connect(settings)


def _password(args: argparse.Namespace) -> tuple[str, bool]:
    """(password, generated): one line of standard input with --kata-sandi-stdin, else new."""
    from lapsit.portal.accounts import new_password

    if args.kata_sandi_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise UsageError("Tidak ada kata sandi di masukan standar.")
        return line, False
    return new_password(), True


def cmd_akun_tambah(args: argparse.Namespace) -> int:
    from lapsit.portal.accounts import add_account

    settings, engine = _engine(args)
    ref = load_reference(settings.catalog.reference_dir)
    password, generated = _password(args)
    account = add_account(
        engine, ref, args.nama, password, kode_polres=args.polres, kode_polda=args.polda
    )
    where = f"operator Polres {account.kode_polres}" if args.polres else f"staf Polda {args.polda}"
    print(f"Akun {account.nama} dibuat ({where}).")
    if generated:
        print(f"Kata sandi (hanya ditampilkan sekali ini): {password}")
    return EXIT_OK


def cmd_akun_daftar(args: argparse.Namespace) -> int:
    from lapsit.portal.accounts import STAFF, list_accounts
    from lapsit.report.stage import polda_scope

    settings, engine = _engine(args)
    ref = load_reference(settings.catalog.reference_dir)
    rows = list_accounts(engine)
    if not rows:
        print("Belum ada akun.")
    zones = ref.zones()
    for r in rows:
        if r["peran"] == STAFF:
            role, zone = f"staf Polda {r['kode_polda']}", None
        else:
            role, zone = f"operator Polres {r['kode_polres']}", zones.get(r["kode_polres"])
        zone = zone or polda_scope(ref, r["kode_polda"]).zona_waktu
        print(f"{r['nama']}\t{role}\tdibuat {local_stamp(r['dibuat_pada'], zone)}")
    return EXIT_OK


def cmd_akun_hapus(args: argparse.Namespace) -> int:
    from lapsit.portal.accounts import remove_account

    _, engine = _engine(args)
    remove_account(engine, args.nama)
    print(f"Akun {args.nama} dihapus; catatan auditnya tetap disimpan.")
    return EXIT_OK


def cmd_akun_sandi(args: argparse.Namespace) -> int:
    from lapsit.portal.accounts import set_password

    _, engine = _engine(args)
    password, generated = _password(args)
    set_password(engine, args.nama, password)
    print(f"Kata sandi akun {args.nama} diganti; sesi yang sedang masuk berakhir.")
    if generated:
        print(f"Kata sandi baru (hanya ditampilkan sekali ini): {password}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction, data_dir: argparse.ArgumentParser) -> None:
    """Add `portal` and `akun tambah|daftar|hapus|sandi` to the parser."""
    what = "jalankan portal web untuk operator Polres dan staf Polda"
    p = sub.add_parser("portal", parents=[data_dir], help=what, description=what)
    p.add_argument("--host", default="127.0.0.1", help="alamat yang didengarkan (bawaan 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (bawaan 8080)")
    p.set_defaults(func=cmd_portal)

    what = "kelola akun portal: operator Polres dan staf Polda"
    akun = sub.add_parser("akun", help=what, description=what)
    actions = akun.add_subparsers(
        dest="aksi",
        required=True,
        metavar="tambah|daftar|hapus|sandi",
        help="tindakan pada akun",
    )
    stdin = Parser(add_help=False)
    stdin.add_argument(
        "--kata-sandi-stdin",
        action="store_true",
        help="baca kata sandi dari satu baris masukan standar (bawaan: dibuatkan dan dicetak sekali)",
    )
    p = actions.add_parser(
        "tambah",
        parents=[data_dir, stdin],
        help="buat akun operator Polres atau staf Polda",
        description="buat akun operator Polres atau staf Polda",
    )
    p.add_argument("nama", help="nama akun, misalnya op-balangan")
    role = p.add_mutually_exclusive_group(required=True)
    role.add_argument("--polres", help="kode Polres: akun operator Polres itu")
    role.add_argument("--polda", help="kode Polda: akun staf Polda itu")
    p.set_defaults(func=cmd_akun_tambah)
    p = actions.add_parser(
        "daftar",
        parents=[data_dir],
        help="tampilkan semua akun",
        description="tampilkan semua akun",
    )
    p.set_defaults(func=cmd_akun_daftar)
    p = actions.add_parser(
        "hapus",
        parents=[data_dir],
        help="hapus akun (catatan auditnya tetap disimpan)",
        description="hapus akun (catatan auditnya tetap disimpan)",
    )
    p.add_argument("nama", help="nama akun yang dihapus")
    p.set_defaults(func=cmd_akun_hapus)
    p = actions.add_parser(
        "sandi",
        parents=[data_dir, stdin],
        help="ganti kata sandi akun",
        description="ganti kata sandi akun",
    )
    p.add_argument("nama", help="nama akun yang kata sandinya diganti")
    p.set_defaults(func=cmd_akun_sandi)
