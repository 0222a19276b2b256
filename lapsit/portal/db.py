"""The portal's database: accounts, sessions, the audit log and failed sign-ins (SQLAlchemy Core).

SQLite under the data dir by default (`Catalog.portal_db`), any SQLAlchemy URL through
LAPSIT_PORTAL_DB (PostgreSQL with psycopg). The schema is made and changed only by the
Alembic migrations of `lapsit/portal/migrations/` (`upgrade`), never by `create_all`.
Times are stored as UTC; SQLite hands them back without a zone, `utc` puts it back.
"""

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from lapsit.settings import Settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

metadata = sa.MetaData()

akun = sa.Table(
    "akun",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("nama", sa.String(64), nullable=False, unique=True),
    # `polres`: an operator bound to kode_polres; `polda`: staff bound to kode_polda.
    sa.Column("peran", sa.String(8), nullable=False),
    sa.Column("kode_polres", sa.String(64)),
    sa.Column("kode_polda", sa.String(64), nullable=False),
    sa.Column("sandi", sa.String(255), nullable=False),  # argon2id hash, salt inside
    # Raised by every password change: sessions made under an older one never count.
    sa.Column("versi_sandi", sa.Integer, nullable=False, server_default="1"),
    sa.Column("dibuat_pada", sa.DateTime(timezone=True), nullable=False),
)

# One row per upload and per account change. `akun` is the account's name as text, not a
# foreign key: removing an account keeps its entries.
audit = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("waktu", sa.DateTime(timezone=True), nullable=False),
    sa.Column("aksi", sa.String(16), nullable=False),  # unggah, akun_tambah, akun_hapus, ...
    sa.Column("akun", sa.String(64), nullable=False),
    sa.Column("peran", sa.String(8)),
    sa.Column("kode_polres", sa.String(64)),
    sa.Column("berkas", sa.String(255)),  # the stored name, inside the Polres's inbox
    sa.Column("id_submisi", sa.String(64)),
    sa.Column("ukuran", sa.BigInteger),
    sa.Column("alamat", sa.String(64)),
    sa.Column("sah", sa.Boolean),
    sa.Column("duplikat", sa.Boolean),
    sa.Column("atas_nama", sa.Boolean),  # a staff upload on behalf of the Polres
    sa.Column("galat", sa.Text),  # the verdict's error objects (SPEC §3) as JSON
    sa.Index("ix_audit_polres_berkas", "kode_polres", "berkas"),
)

# One row per sign-in (SPEC §7 v3). The session cookie carries `id` (random, 256 bits);
# a session counts while `berakhir_pada` is empty and it is younger than the lifetime.
# `akun_id` is no foreign key: removing an account ends its sessions, then the account.
sesi = sa.Table(
    "sesi",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("akun_id", sa.Integer, nullable=False),
    # The account's password version at sign-in: a session of an older one never counts.
    sa.Column("versi_sandi", sa.Integer, nullable=False),
    sa.Column("dibuat_pada", sa.DateTime(timezone=True), nullable=False),
    sa.Column("berakhir_pada", sa.DateTime(timezone=True)),
    sa.Index("ix_sesi_akun", "akun_id"),
)

gagal_masuk = sa.Table(
    "gagal_masuk",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("nama", sa.String(64), nullable=False),
    sa.Column("alamat", sa.String(64), nullable=False),
    sa.Column("waktu", sa.DateTime(timezone=True), nullable=False),
    # True while its password is being checked: counted as a failure once it is one.
    sa.Column("diperiksa", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_gagal_masuk", "nama", "alamat", "waktu"),
)


def url_of(settings: Settings) -> str:
    """The database URL: LAPSIT_PORTAL_DB, else SQLite in the data dir."""
    return settings.portal_db or f"sqlite:///{settings.catalog.portal_db}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the pages read while an upload writes; a writer waits for another (30 s).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def connect(settings: Settings) -> Engine:
    """An engine on the portal's database, its schema migrated to the newest version."""
    url = sa.make_url(url_of(settings))
    if url.get_backend_name() == "sqlite":
        settings.catalog.portal_dir.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = sa.create_engine(url, pool_pre_ping=True)
    upgrade(engine)
    return engine


def upgrade(engine: Engine) -> None:
    """Apply every migration the database has not had yet (Alembic, to `head`)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def utc(value: dt.datetime | None) -> dt.datetime | None:
    """A stored time as aware UTC (SQLite drops the zone it was written with)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)
