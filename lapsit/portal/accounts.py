"""Portal accounts: Polres operators and Polda staff, passwords as argon2id hashes, sign-in throttled.

argon2-cffi (maintained, the winner of the Password Hashing Competition) makes each hash
with its own random salt and slow, memory-hard parameters; nothing else about a password
is stored. Sign-in is throttled per account AND address (SPEC §7): 10 failures within 15
minutes from one address refuse that account from that address for 15 minutes, while
the right password from any other address still signs in, so nobody can lock an
operator out from elsewhere just before the deadline.
"""

import datetime as dt
import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine

from lapsit.errors import UsageError
from lapsit.portal import audit
from lapsit.portal.db import akun, gagal_masuk, now, utc
from lapsit.reference import Reference

OPERATOR, STAFF = "polres", "polda"
FAILURES_ALLOWED = 10
WINDOW = dt.timedelta(minutes=15)
LOCKED_FOR = dt.timedelta(minutes=15)
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 10

# Argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane): every API request
# checks a password (HTTP Basic), and argon2-cffi's default (64 MiB, 3 passes, 4 lanes)
# took most of a second per check on a busy 2-core server. Each hash records its own
# parameters, so hashes made with others still verify.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified when the account does not exist, so that a wrong name costs as long as a wrong password.
_DUMMY = _hasher.hash(secrets.token_hex(16))


@dataclass(frozen=True)
class Account:
    """A signed-in account and what it may touch."""

    id: int
    nama: str
    peran: str
    kode_polres: str | None
    kode_polda: str
    versi_sandi: int

    @property
    def is_staff(self) -> bool:
        return self.peran == STAFF

    def may_write(self, kode_polres: str, ref: Reference) -> bool:
        """An operator its own Polres; staff any Polres of its Polda."""
        if not self.is_staff:
            return kode_polres == self.kode_polres
        return ref.polda_of().get(kode_polres) == self.kode_polda

    def polres_codes(self, ref: Reference) -> list[str]:
        """The Polres whose submissions the account sees."""
        if not self.is_staff:
            return [self.kode_polres or ""]
        return [k for k, polda in ref.polda_of().items() if polda == self.kode_polda]


class Throttled(Exception):
    """Too many failed sign-ins of this account from this address (SPEC §7: 429)."""


def _account(row) -> Account:
    return Account(row.id, row.nama, row.peran, row.kode_polres, row.kode_polda, row.versi_sandi)


def new_password() -> str:
    """A password to print once: 16 characters from the URL-safe alphabet (96 bits)."""
    return secrets.token_urlsafe(12)


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"Kata sandi terlalu pendek: minimal {MIN_PASSWORD} karakter.")
    return password


def add_account(
    engine: Engine,
    ref: Reference,
    nama: str,
    password: str,
    *,
    kode_polres: str | None = None,
    kode_polda: str | None = None,
) -> Account:
    """Create an operator of one Polres, or staff of one Polda."""
    if not NAME.match(nama):
        raise UsageError(
            f"Nama akun '{nama}' tidak sah: 2-64 huruf kecil, angka, titik, '-' atau '_'."
        )
    if (kode_polres is None) == (kode_polda is None):
        raise UsageError("Sebutkan tepat satu: --polres KODE (operator) atau --polda KODE (staf).")
    polda_of = ref.polda_of()
    if kode_polres is not None:
        if kode_polres not in polda_of:
            raise UsageError(f"Kode Polres '{kode_polres}' tidak dikenal.")
        peran, kode_polda = OPERATOR, polda_of[kode_polres]
    else:
        if kode_polda not in ref.polda_codes():
            known = ", ".join(ref.polda_codes())
            raise UsageError(f"Polda '{kode_polda}' tidak dikenal. Pilihan: {known}.")
        peran = STAFF
    values = {
        "nama": nama,
        "peran": peran,
        "kode_polres": kode_polres,
        "kode_polda": kode_polda,
        "sandi": _hasher.hash(check_password(password)),
        "versi_sandi": 1,
        "dibuat_pada": now(),
    }
    with engine.begin() as conn:
        if conn.execute(sa.select(akun.c.id).where(akun.c.nama == nama)).first():
            raise UsageError(f"Akun '{nama}' sudah ada.")
        new_id = conn.execute(akun.insert().values(values)).inserted_primary_key[0]
        audit.record(conn, "akun_tambah", nama, peran=peran, kode_polres=kode_polres)
    return Account(new_id, nama, peran, kode_polres, kode_polda, 1)


def list_accounts(engine: Engine) -> list[dict]:
    """Every account (never its hash), by name."""
    cols = (akun.c.nama, akun.c.peran, akun.c.kode_polres, akun.c.kode_polda, akun.c.dibuat_pada)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*cols).order_by(akun.c.nama)).mappings().all()
    return [dict(r) | {"dibuat_pada": utc(r["dibuat_pada"])} for r in rows]


def remove_account(engine: Engine, nama: str) -> None:
    """Remove an account; its audit entries stay (they name it as text)."""
    with engine.begin() as conn:
        if not conn.execute(akun.delete().where(akun.c.nama == nama)).rowcount:
            raise UsageError(f"Akun '{nama}' tidak ada.")
        audit.record(conn, "akun_hapus", nama)


def set_password(engine: Engine, nama: str, password: str) -> None:
    """Give an account a new password; its sessions made before end."""
    hashed = _hasher.hash(check_password(password))
    with engine.begin() as conn:
        changed = conn.execute(
            akun.update()
            .where(akun.c.nama == nama)
            .values(sandi=hashed, versi_sandi=akun.c.versi_sandi + 1)
        ).rowcount
        if not changed:
            raise UsageError(f"Akun '{nama}' tidak ada.")
        audit.record(conn, "akun_sandi", nama)


def account_by_id(engine: Engine, account_id: int) -> Account | None:
    with engine.connect() as conn:
        row = conn.execute(sa.select(akun).where(akun.c.id == account_id)).first()
    return _account(row) if row else None


def _locked(conn, nama: str, alamat: str, at: dt.datetime) -> bool:
    """Whether some failure made 10 within 15 minutes less than 15 minutes ago."""
    since = at - WINDOW - LOCKED_FOR
    times = [
        utc(t)
        for (t,) in conn.execute(
            sa.select(gagal_masuk.c.waktu)
            .where(
                gagal_masuk.c.nama == nama,
                gagal_masuk.c.alamat == alamat,
                gagal_masuk.c.waktu > since,
            )
            .order_by(gagal_masuk.c.waktu)
        )
    ]
    for i in range(FAILURES_ALLOWED - 1, len(times)):
        tenth = times[i]
        if tenth - times[i - FAILURES_ALLOWED + 1] <= WINDOW and at < tenth + LOCKED_FOR:
            return True
    return False


def authenticate(engine: Engine, nama: str, password: str, alamat: str) -> Account | None:
    """The account when the password is right; None when not; Throttled while refused.

    A failure is counted for (name, address), whether or not the account exists; a
    success from that address clears them. Attempts while refused are not counted, so
    the refusal ends 15 minutes after the failure that caused it.
    """
    nama = nama[:64]
    alamat = alamat[:64]
    at = now()
    with engine.connect() as conn:
        if _locked(conn, nama, alamat, at):
            raise Throttled
        row = conn.execute(sa.select(akun).where(akun.c.nama == nama)).first()
    try:
        _hasher.verify(row.sandi if row else _DUMMY, password)
        ok = row is not None
    except (VerificationError, InvalidHashError):
        ok = False
    with engine.begin() as conn:
        if not ok:
            conn.execute(gagal_masuk.insert().values(nama=nama, alamat=alamat, waktu=at))
            # Failures older than any refusal they could still make are of no use.
            conn.execute(gagal_masuk.delete().where(gagal_masuk.c.waktu < at - 2 * WINDOW))
            return None
        conn.execute(
            gagal_masuk.delete().where(gagal_masuk.c.nama == nama, gagal_masuk.c.alamat == alamat)
        )
    return _account(row)
