"""Load one consistent snapshot of the curated tables, optionally as of an earlier version."""

from dataclasses import dataclass

import polars as pl

from lapsit.catalog import REGISTRY, Table, Where, section_tables, table
from lapsit.errors import VersionError
from lapsit.storage import delta
from lapsit.storage.registry import read_registry, registry_at
from lapsit.storage.rows import conform_section
from schemas.choices import DITERIMA


@dataclass(frozen=True)
class Snapshot:
    """The registry and the section tables as they stood at one registry version."""

    registry: pl.DataFrame
    # Only rows of submissions the registry marks `diterima`.
    sections: dict[str, pl.DataFrame]
    # Table name -> version read (None: the table did not exist yet).
    versions: dict[str, int | None]
    # The registry version asked for with --as-of-version, else None.
    as_of_version: int | None = None
    # The Polda whose partitions alone the section tables were read for; None: every Polda.
    kode_polda: str | None = None

    def covers(self, kode_polda: str) -> bool:
        """Whether the snapshot holds the section rows of `kode_polda`."""
        return self.kode_polda in (None, kode_polda)


def _commit_times(t: Table) -> dict[int, int]:
    """Version -> commit timestamp (ms) of every version the table's log still holds."""
    return {h["version"]: h["timestamp"] for h in delta.open_table(t).history()}


def _version_at(t: Table, timestamp_ms: int) -> int | None:
    """The latest version of a table committed at or before `timestamp_ms`."""
    if not delta.exists(t):
        return None
    earlier = [v for v, ts in _commit_times(t).items() if ts <= timestamp_ms]
    return max(earlier) if earlier else None


def registry_versions(curated_dir: Where) -> list[int]:
    """The registry versions that can be reproduced, oldest first."""
    t = table(curated_dir, REGISTRY)
    return sorted(_commit_times(t)) if delta.exists(t) else []


def load(
    curated_dir: Where, as_of_version: int | None = None, kode_polda: str | None = None
) -> Snapshot:
    """Read the registry (current or at `as_of_version`) and each section table as it then was.

    `kode_polda`: read only that Polda's partitions of the section tables (a Polda's
    report needs no other); the registry is read whole (it is small, and holds no
    partition column).

    Ingestion writes the section tables before the registry, so taking for each
    section table its latest commit not after the registry's commit gives the
    rows the registry describes: never a half-finished run, never rows a later
    run superseded.
    """
    reg = table(curated_dir, REGISTRY)
    versions: dict[str, int | None] = {}
    if not delta.exists(reg):
        if as_of_version is not None:
            raise VersionError("Registri submisi belum pernah ditulis; jalankan ingest dahulu.")
        registry = read_registry(curated_dir)
        versions[REGISTRY] = None
        stamp = None
    else:
        times = _commit_times(reg)
        version = max(times) if as_of_version is None else as_of_version
        if version not in times:
            known = ", ".join(str(v) for v in sorted(times))
            raise VersionError(f"Versi registri {version} tidak ada. Versi yang tersedia: {known}.")
        registry = registry_at(reg, version)
        versions[REGISTRY] = version
        stamp = times[version]
    accepted = registry.filter(pl.col("status") == DITERIMA).select("id_submisi").unique()
    sections = {}
    where = None if kode_polda is None else pl.col("kode_polda") == kode_polda
    for t in section_tables(curated_dir):
        v = None if stamp is None else _version_at(t, stamp)
        versions[t.name] = v
        frame = delta.read(t, as_of=v, where=where) if v is not None else None
        sections[t.name] = conform_section(frame, t.name).join(
            accepted, on="id_submisi", how="semi"
        )
    return Snapshot(registry, sections, versions, as_of_version, kode_polda)
