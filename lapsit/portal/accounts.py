"""Portal accounts: Polres operators and Polda staff, passwords as argon2id hashes, sign-in
throttled, one session row per sign-in.

argon2-cffi (maintained, the winner of the Password Hashing Competition) makes each hash
with its own random salt and slow, memory-hard parameters; nothing else about a password
is stored. Sign-in is throttled per account AND address (SPEC §7): 10 failures within 15
minutes from one address refuse that account from that address for 15 minutes, while
the right password from any other address still signs in, so nobody can lock an
operator out from elsewhere just before the deadline. Each attempt is written down as
being checked *before* its password is, in the same transaction as the check of the
lock and serialized with every other attempt on that name and address: an attempt that
could be the eleventh failure waits for those still being checked, so ten attempts
arriving at once are ten (SPEC §7 v3), and right passwords arriving at once all pass.

A session (SPEC §7 v3) is a row of `sesi`; the signed cookie carries only its id. *keluar*
ends that row; a new password or the account's removal ends all the account's rows, and a
session counts only under the password version it was made with.
"""

import datetime as dt
import hashlib
import re
import secrets
import time
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine

from lapsit.errors import UsageError
from lapsit.portal import audit
from lapsit.portal.db import akun, gagal_masuk, now, sesi, utc
from lapsit.reference import Reference

OPERATOR, STAFF = "polres", "polda"
FAILURES_ALLOWED = 10
WINDOW = dt.timedelta(minutes=15)
LOCKED_FOR = dt.timedelta(minutes=15)
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 10
SESSIONS_KEPT = dt.timedelta(days=7)  # rows of sessions older than this are removed
# An attempt that would be the eleventh if those still being checked failed waits for them,
# polling, at most this long (a check takes a fraction of a second), then is refused.
PENDING_WAIT_SECONDS = 20.0
PENDING_POLL_SECONDS = 0.05
# An attempt still "being checked" after this long was left by a process that died.
PENDING_STALE = dt.timedelta(seconds=60)

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


def _end_sessions(conn, account_id: int) -> int:
    """End every open session of an account; how many were open."""
    return conn.execute(
        sesi.update()
        .where(sesi.c.akun_id == account_id, sesi.c.berakhir_pada.is_(None))
        .values(berakhir_pada=now())
    ).rowcount


def _account_id(conn, nama: str) -> int:
    found = conn.execute(sa.select(akun.c.id).where(akun.c.nama == nama)).scalar()
    if found is None:
        raise UsageError(f"Akun '{nama}' tidak ada.")
    return found


def remove_account(engine: Engine, nama: str) -> None:
    """Remove an account and end its sessions; its audit entries stay (they name it as text)."""
    with engine.begin() as conn:
        account_id = _account_id(conn, nama)
        _end_sessions(conn, account_id)
        conn.execute(akun.delete().where(akun.c.id == account_id))
        audit.record(conn, "akun_hapus", nama)


def set_password(engine: Engine, nama: str, password: str) -> None:
    """Give an account a new password; all its sessions end."""
    hashed = _hasher.hash(check_password(password))
    with engine.begin() as conn:
        account_id = _account_id(conn, nama)
        conn.execute(
            akun.update()
            .where(akun.c.id == account_id)
            .values(sandi=hashed, versi_sandi=akun.c.versi_sandi + 1)
        )
        _end_sessions(conn, account_id)
        audit.record(conn, "akun_sandi", nama)


def start_session(engine: Engine, account: Account) -> str | None:
    """A new session of the account (a sign-in): its id, for the cookie; None when the
    account was removed, or its password changed, since the password was checked.

    Sessions that ended or expired more than a week ago are removed on the way.
    """
    session_id = secrets.token_urlsafe(32)
    at = now()
    still = sa.select(
        sa.literal(session_id),
        akun.c.id,
        akun.c.versi_sandi,
        sa.literal(at, sesi.c.dibuat_pada.type),
    ).where(akun.c.id == account.id, akun.c.versi_sandi == account.versi_sandi)
    with engine.begin() as conn:
        started = conn.execute(
            sesi.insert().from_select(["id", "akun_id", "versi_sandi", "dibuat_pada"], still)
        ).rowcount
        conn.execute(sesi.delete().where(sesi.c.dibuat_pada < at - SESSIONS_KEPT))
    return session_id if started else None


def end_session(engine: Engine, session_id: str) -> None:
    """*keluar*: this session ends, wherever its cookie is copied to."""
    with engine.begin() as conn:
        conn.execute(
            sesi.update()
            .where(sesi.c.id == session_id, sesi.c.berakhir_pada.is_(None))
            .values(berakhir_pada=now())
        )


def session_account(engine: Engine, session_id: str, lifetime: dt.timedelta) -> Account | None:
    """The account of an open session younger than `lifetime`; None for any other id."""
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(akun)
            .join(sesi, sesi.c.akun_id == akun.c.id)
            .where(
                sesi.c.id == session_id,
                sesi.c.versi_sandi == akun.c.versi_sandi,
                sesi.c.berakhir_pada.is_(None),
                sesi.c.dibuat_pada > now() - lifetime,
            )
        ).first()
    return _account(row) if row else None


def _locked(conn, nama: str, alamat: str, at: dt.datetime, besides: int) -> bool:
    """Whether some failure (other than row `besides`) made 10 within 15 minutes less than
    15 minutes ago."""
    since = at - WINDOW - LOCKED_FOR
    times = [
        utc(t)
        for (t,) in conn.execute(
            sa.select(gagal_masuk.c.waktu)
            .where(
                gagal_masuk.c.nama == nama,
                gagal_masuk.c.alamat == alamat,
                gagal_masuk.c.waktu > since,
                gagal_masuk.c.id != besides,
                gagal_masuk.c.diperiksa == sa.false(),
            )
            .order_by(gagal_masuk.c.waktu)
        )
    ]
    for i in range(FAILURES_ALLOWED - 1, len(times)):
        tenth = times[i]
        if tenth - times[i - FAILURES_ALLOWED + 1] <= WINDOW and at < tenth + LOCKED_FOR:
            return True
    return False


def _serialize(conn, nama: str, alamat: str) -> None:
    """Make this transaction the only one deciding about (nama, alamat) until it ends.

    PostgreSQL: a transaction-level advisory lock on the pair. SQLite: the caller's first
    statement is a write, which takes the database's write lock for the transaction (a
    deferred transaction's snapshot then starts at the newest commit).
    """
    if conn.dialect.name == "postgresql":
        digest = hashlib.sha256(f"{nama}\0{alamat}".encode()).digest()
        key = int.from_bytes(digest[:8], "big", signed=True)
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))


def _count_attempt(engine: Engine, nama: str, alamat: str, at: dt.datetime) -> int:
    """Write the attempt down as being checked, unless the pair is refused (Throttled); its
    row id.

    The check and the record are one step, serialized per pair: an attempt is let
    through only if the failures so far and the attempts still being checked cannot
    make ten before it. When only attempts still being checked stand in the way, it
    waits for their outcome (a right password among them takes nothing from the
    count), so ten attempts arriving at once are ten, and eleven right ones all pass.
    """
    waited_until = time.monotonic() + PENDING_WAIT_SECONDS
    while True:
        with engine.begin() as conn:
            _serialize(conn, nama, alamat)
            attempt = conn.execute(
                gagal_masuk.insert().values(nama=nama, alamat=alamat, waktu=at, diperiksa=True)
            ).inserted_primary_key[0]
            if _locked(conn, nama, alamat, at, besides=attempt):
                # Attempts while refused are not counted: the refusal ends 15 minutes after
                # the failure that caused it.
                conn.execute(gagal_masuk.delete().where(gagal_masuk.c.id == attempt))
                raise Throttled
            if _failures_possible(conn, nama, alamat, at, besides=attempt) < FAILURES_ALLOWED:
                # Failures older than any refusal they could still make are of no use.
                conn.execute(gagal_masuk.delete().where(gagal_masuk.c.waktu < at - 2 * WINDOW))
                return attempt
            conn.execute(gagal_masuk.delete().where(gagal_masuk.c.id == attempt))
        if time.monotonic() > waited_until:
            raise Throttled
        time.sleep(PENDING_POLL_SECONDS)


def _failures_possible(conn, nama: str, alamat: str, at: dt.datetime, besides: int) -> int:
    """Failures of the window, and attempts still being checked (recent ones: a process
    that died while checking leaves its row, which then no longer counts as pending)."""
    rows = conn.execute(
        sa.select(gagal_masuk.c.waktu, gagal_masuk.c.diperiksa).where(
            gagal_masuk.c.nama == nama,
            gagal_masuk.c.alamat == alamat,
            gagal_masuk.c.waktu > at - WINDOW,
            gagal_masuk.c.id != besides,
        )
    ).all()
    failed = sum(not pending for _, pending in rows)
    checking = sum(pending and utc(t) > at - PENDING_STALE for t, pending in rows)
    return failed + checking


def authenticate(engine: Engine, nama: str, password: str, alamat: str) -> Account | None:
    """The account when the password is right; None when not; Throttled while refused.

    A failure is counted for (name, address), whether or not the account exists; a
    success from that address clears them.
    """
    nama = nama[:64]
    alamat = alamat[:64]
    at = now()
    attempt = _count_attempt(engine, nama, alamat, at)
    with engine.connect() as conn:
        row = conn.execute(sa.select(akun).where(akun.c.nama == nama)).first()
    try:
        _hasher.verify(row.sandi if row else _DUMMY, password)
        ok = row is not None
    except (VerificationError, InvalidHashError):
        ok = False
    with engine.begin() as conn:
        if not ok:  # checked: a failure now
            conn.execute(
                gagal_masuk.update().where(gagal_masuk.c.id == attempt).values(diperiksa=False)
            )
            return None
        conn.execute(
            gagal_masuk.delete().where(
                gagal_masuk.c.nama == nama,
                gagal_masuk.c.alamat == alamat,
                # Not the attempts of others still being checked: they count when they fail.
                (gagal_masuk.c.diperiksa == sa.false()) | (gagal_masuk.c.id == attempt),
            )
        )
    return _account(row)
