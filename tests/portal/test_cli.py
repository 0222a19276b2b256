"""`lapsit akun` and `lapsit portal` as a Polda officer runs them (SPEC §6, §7)."""

import io
import sys

from flows.cli import EXIT_OK, EXIT_USAGE, main
from lapsit.portal.accounts import authenticate, list_accounts
from lapsit.portal.db import connect
from lapsit.settings import Settings


def run(capsys, *argv: str, stdin: str | None = None) -> tuple[int, str, str]:
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        code = main(list(argv))
    finally:
        sys.stdin = sys.__stdin__
    out = capsys.readouterr()
    return code, out.out, out.err


def test_akun_creates_the_data_dir_and_prints_a_generated_password_once(tmp_path, capsys):
    data = tmp_path / "baru"
    code, out, _ = run(capsys, "akun", "tambah", "op-balangan", "--polres", "balangan",
                       "--data-dir", str(data))  # fmt: skip
    assert code == EXIT_OK and data.is_dir()
    assert "Akun op-balangan dibuat (operator Polres balangan)." in out
    password = out.split("sekali ini): ")[1].strip()
    engine = connect(Settings(data_dir=data))
    assert authenticate(engine, "op-balangan", password, "127.0.0.1") is not None
    code, out, _ = run(capsys, "akun", "daftar", "--data-dir", str(data))
    assert code == EXIT_OK and "op-balangan\toperator Polres balangan\tdibuat " in out
    assert password not in out and "argon2" not in out and "WITA" in out


def test_akun_reads_a_password_from_stdin_and_changes_and_removes(tmp_path, capsys):
    data = str(tmp_path / "d")
    code, out, _ = run(capsys, "akun", "tambah", "staf-kalsel", "--polda", "kalsel",
                       "--kata-sandi-stdin", "--data-dir", data, stdin="sandi-staf-123\n")  # fmt: skip
    assert code == EXIT_OK and "sandi-staf-123" not in out and "sekali" not in out
    code, _, err = run(capsys, "akun", "tambah", "staf-kalsel", "--polda", "kalsel",
                       "--kata-sandi-stdin", "--data-dir", data, stdin="sandi-lain-123\n")  # fmt: skip
    assert code == EXIT_USAGE and "sudah ada" in err
    code, _, err = run(capsys, "akun", "tambah", "x1", "--polda", "kalsel", "--kata-sandi-stdin",
                       "--data-dir", data, stdin="pendek\n")  # fmt: skip
    assert code == EXIT_USAGE and "terlalu pendek" in err
    code, _, err = run(capsys, "akun", "tambah", "x2", "--polres", "entah", "--data-dir", data)
    assert code == EXIT_USAGE and "tidak dikenal" in err
    code, out, _ = run(capsys, "akun", "sandi", "staf-kalsel", "--kata-sandi-stdin",
                       "--data-dir", data, stdin="sandi-baru-456\n")  # fmt: skip
    assert code == EXIT_OK
    engine = connect(Settings(data_dir=tmp_path / "d"))
    assert authenticate(engine, "staf-kalsel", "sandi-staf-123", "a") is None
    assert authenticate(engine, "staf-kalsel", "sandi-baru-456", "b") is not None
    code, out, _ = run(capsys, "akun", "hapus", "staf-kalsel", "--data-dir", data)
    assert code == EXIT_OK and "catatan auditnya tetap disimpan" in out
    assert list_accounts(engine) == []
    code, _, err = run(capsys, "akun", "hapus", "staf-kalsel", "--data-dir", data)
    assert code == EXIT_USAGE and "tidak ada" in err


def test_portal_on_a_data_dir_that_does_not_exist_is_exit_2(tmp_path, capsys):
    code, _, err = run(capsys, "portal", "--data-dir", str(tmp_path / "tidak-ada"))
    assert code == EXIT_USAGE
    assert "tidak ada" in err and "Traceback" not in err
    assert not (tmp_path / "tidak-ada").exists()


def test_help_is_in_bahasa_indonesia(capsys):
    code, out, _ = run(capsys, "portal", "--help")
    assert code == EXIT_OK and "alamat yang didengarkan" in out
    code, out, _ = run(capsys, "akun", "tambah", "--help")
    assert "kode Polres: akun operator Polres itu" in out


def test_portal_on_a_port_in_use_says_so_in_indonesian(tmp_path, capsys):
    import socket

    (tmp_path / "d").mkdir()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        code, _, err = run(capsys, "portal", "--port", port, "--data-dir", str(tmp_path / "d"))
    assert code == EXIT_USAGE and "sudah dipakai" in err
