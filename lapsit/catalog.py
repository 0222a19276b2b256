"""The curated tables: their names, locations and partition columns, in one place."""

from dataclasses import dataclass
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
class Table:
    """One curated Delta table."""

    name: str
    uri: str
    partition_by: tuple[str, ...]


def table(curated_dir: Path, name: str) -> Table:
    """The catalog entry of a curated table."""
    if name == REGISTRY:
        return Table(name, str(curated_dir / name), ())
    if name not in CURATED_SECTIONS:
        raise KeyError(f"unknown curated table {name!r}")
    return Table(name, str(curated_dir / name), SECTION_PARTITIONS)


def section_tables(curated_dir: Path) -> list[Table]:
    """Catalog entries of the five section tables."""
    return [table(curated_dir, name) for name in CURATED_SECTIONS]
