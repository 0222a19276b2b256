"""Where everything lapsit reads and writes lives, in one place (STYLE: Kedro's catalog).

A `Catalog` is anchored at one data dir; every location is relative to it:

    raw/<kode_polres>/                inboxes (the trusted identity of a sender)
    curated/                          the Delta tables (unless LAPSIT_CURATED_URI puts them
                                      on object storage), the ingest lock, the gate's mark,
                                      .ditolak-tertunda/ (rejections not yet announced)
    reports/<kode_polda>/<date>/      situation reports
    reports/nasional/<date>/          the national roll-up
    reports/galat/<kode_polres>/      error reports sent back to a Polres
    reports/data-docs/                the quality gate's Data Docs
    reference/                        the data dir's own reference files (optional)
    portal/                           the portal's own files: its SQLite database, the
                                      session secret, uploads being received

The curated tables live under one `Location`: a local folder or an object-store
URI such as `s3://lapsit/curated`, with the `storage_options` delta-rs needs to
reach it. Every `Table` carries those options, so that code reading or writing
a table passes `t.storage_options` and never has to know where the table is.
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from schemas.sections import CURATED_SECTIONS

# The reference files shipped with lapsit (inside the package, so that the wheel carries them).
SHIPPED_REFERENCE = Path(__file__).resolve().parent / "reference_data"


class Slice(NamedTuple):
    """One submission's slice of a section table: what an accepted file replaces whole."""

    kode_polda: str
    kode_polres: str
    kode_pemilihan: str
    tanggal: dt.date


class Lineage(NamedTuple):
    """The columns added to every row of a section table: where it came from."""

    kode_polda: str
    kode_polres: str
    kode_pemilihan: str
    kode_tahapan: str
    tanggal: dt.date
    id_submisi: str

    @property
    def slice(self) -> Slice:
        return Slice(self.kode_polda, self.kode_polres, self.kode_pemilihan, self.tanggal)


# Columns added to every section table (lineage and partitioning).
LINEAGE_COLUMNS = Lineage._fields
# Region and stage: one folder per Polda, election and stage.
SECTION_PARTITIONS = ("kode_polda", "kode_pemilihan", "kode_tahapan")
REGISTRY = "submisi"
# The folder (and file name part) of the national roll-up, beside the Polda folders.
NATIONAL = "nasional"


@dataclass(frozen=True)
class Location:
    """Where the curated tables live: a local folder or a URI, and how to reach it.

    `storage_options` (credentials among them) are left out of the repr, so
    that a Location or a Table never prints a secret.
    """

    uri: str
    storage_options: dict[str, str] | None = field(default=None, repr=False, hash=False)

    @property
    def is_local(self) -> bool:
        return "://" not in self.uri

    def join(self, name: str) -> str:
        """The URI of `name` inside the location."""
        if self.is_local:
            return str(Path(self.uri) / name)
        return f"{self.uri.rstrip('/')}/{name}"

    def __str__(self) -> str:
        return self.uri


# A location, or a local folder of curated tables (what tests and tools pass).
Where = Location | Path | str


def location(where: Where) -> Location:
    """A Location; a folder given as a path or a string stands for itself, without options."""
    if isinstance(where, Location):
        return where
    return Location(str(where))


@dataclass(frozen=True)
class Table:
    """One curated Delta table."""

    name: str
    uri: str
    partition_by: tuple[str, ...]
    # Passed to every delta-rs and Polars call on the table; None for a local folder.
    storage_options: dict[str, str] | None = field(default=None, repr=False, hash=False)


def table(where: Where, name: str) -> Table:
    """The catalog entry of a curated table."""
    at = location(where)
    if name == REGISTRY:
        return Table(name, at.join(name), (), at.storage_options)
    if name not in CURATED_SECTIONS:
        raise KeyError(f"unknown curated table {name!r}")
    return Table(name, at.join(name), SECTION_PARTITIONS, at.storage_options)


def section_tables(where: Where) -> list[Table]:
    """Catalog entries of the five section tables."""
    return [table(where, name) for name in CURATED_SECTIONS]


@dataclass(frozen=True)
class Catalog:
    """Every location of one data dir (see the module docstring)."""

    data_dir: Path
    # Where the curated tables are read and written (local `curated/` unless configured).
    tables: Location

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    def inbox(self, kode_polres: str) -> Path:
        """The inbox of one Polres."""
        return self.raw_dir / kode_polres

    @property
    def curated_dir(self) -> Path:
        """The local `curated/` folder: the tables unless they are elsewhere; the lock and mark."""
        return self.data_dir / "curated"

    @property
    def ingest_lock(self) -> Path:
        """The file whose lock lets one ingest (or maintenance, or gate read) run at a time."""
        return self.curated_dir / ".ingest.lock"

    @property
    def gate_mark(self) -> Path:
        """Where the last quality gate that passed left off."""
        return self.curated_dir / ".gerbang-kualitas.json"

    @property
    def outbox(self) -> Path:
        """Rejections registered but not yet announced (a Failed run and an event each)."""
        return self.curated_dir / ".ditolak-tertunda"

    def table(self, name: str) -> Table:
        return table(self.tables, name)

    @property
    def registry(self) -> Table:
        return table(self.tables, REGISTRY)

    def section_tables(self) -> list[Table]:
        return section_tables(self.tables)

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    def report_dir(self, kode_polda: str, tanggal: dt.date) -> Path:
        """`reports/<kode_polda>/<YYYY-MM-DD>/`: one Polda's reports of one date."""
        return self.reports_dir / kode_polda / tanggal.isoformat()

    def national_dir(self, tanggal: dt.date) -> Path:
        """`reports/nasional/<YYYY-MM-DD>/`: the national roll-up of one date."""
        return self.reports_dir / NATIONAL / tanggal.isoformat()

    @property
    def errors_dir(self) -> Path:
        """Error reports sent back to the Polres, one folder per inbox."""
        return self.reports_dir / "galat"

    def error_reports(self, inbox: str) -> Path:
        return self.errors_dir / inbox

    @property
    def data_docs_dir(self) -> Path:
        """The quality gate's Data Docs (a static site)."""
        return self.reports_dir / "data-docs"

    @property
    def portal_dir(self) -> Path:
        """What the portal keeps: its database (by default), its session secret, uploads staged."""
        return self.data_dir / "portal"

    @property
    def portal_db(self) -> Path:
        """The portal's SQLite database when LAPSIT_PORTAL_DB names no other."""
        return self.portal_dir / "portal.sqlite3"

    @property
    def session_secret(self) -> Path:
        """The key that signs the portal's session cookies (generated once, mode 600)."""
        return self.portal_dir / "kunci-sesi"

    @property
    def upload_staging(self) -> Path:
        """Uploads being received, outside every inbox until whole and checked (`raw/` is not here)."""
        return self.portal_dir / "unggah"

    @property
    def reference_dir(self) -> Path:
        """The data dir's own reference files where it has them, else the shipped ones."""
        own = self.data_dir / "reference"
        return own if (own / "polres.csv").exists() else SHIPPED_REFERENCE
