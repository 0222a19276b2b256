"""The curated tables: their names, locations and partition columns, in one place.

The tables live under one location: a local folder (the default, `curated/`
of the data dir) or an object-store URI such as `s3://lapsit/curated`, with
the `storage_options` delta-rs needs to reach it. Every table built here
carries those options, so that code reading or writing a table passes
`t.storage_options` and never has to know where the table is.
"""

from dataclasses import dataclass, field
from pathlib import Path

from schemas.contract import CURATED_SECTIONS

# Columns added to every section table (lineage and partitioning).
LINEAGE_COLUMNS = (
    "kode_polda",
    "kode_polres",
    "kode_pemilihan",
    "kode_tahapan",
    "tanggal",
    "id_submisi",
)
# Region and stage: one folder per Polda, election and stage.
SECTION_PARTITIONS = ("kode_polda", "kode_pemilihan", "kode_tahapan")
REGISTRY = "submisi"


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


class StorageError(OSError):
    """The storage of the curated tables cannot be reached (message in Bahasa Indonesia)."""


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
