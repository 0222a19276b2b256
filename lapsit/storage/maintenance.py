"""Table maintenance: compact small files, then vacuum files older than the retention.

Every ingest adds a few small files per table (one per partition it touches),
and every replacement leaves the replaced files on disk for time travel.
Compaction (`optimize.compact`) rewrites the small files of each partition into
few large ones, as one new version with the same rows. Vacuum then deletes the
files that no version younger than the retention still needs: time travel (and
so reproducing a past report with `--as-of-version`) keeps working for versions
written within `retensi_hari` days, and ends for older ones.

Maintenance runs under the ingest lock: a compaction racing an ingest would
conflict with its commit. The lock is a local file: between machines (tables
on object storage) Delta's conflict detection is the guard, and the losing
commit fails instead of losing data (docs/deploy.md, section 3).
"""

from dataclasses import dataclass

from lapsit.catalog import Table
from lapsit.settings import Settings
from lapsit.storage.delta import exists, open_table
from lapsit.storage.lock import ingest_lock
from lapsit.templating import render


@dataclass(frozen=True)
class TableMaintenance:
    """What maintenance did to one table."""

    name: str
    version_before: int
    version_after: int
    files_before: int  # data files of the current version
    files_after: int
    files_added: int  # by compaction
    files_removed: int  # from the current version by compaction
    files_vacuumed: int  # deleted from storage


def active_files(t: Table) -> int:
    """How many data files the table's current version is made of."""
    return len(open_table(t).file_uris())


def compact(t: Table) -> dict:
    """Rewrite small files of each partition into larger ones (one new version, same rows)."""
    return open_table(t).optimize.compact()


def vacuum(t: Table, retention_days: int) -> list[str]:
    """Delete files no version of the last `retention_days` days needs; returns their paths.

    Delta refuses a retention under its 7-day default unless told to: the stated
    retention is the policy here, so it is passed as it is.
    """
    return open_table(t).vacuum(
        retention_hours=retention_days * 24,
        dry_run=False,
        enforce_retention_duration=False,
    )


def maintain_table(t: Table, retention_days: int) -> TableMaintenance:
    """Compact, then vacuum, one table."""
    before = open_table(t)
    version_before, files_before = before.version(), len(before.file_uris())
    metrics = compact(t)
    vacuumed = vacuum(t, retention_days)
    after = open_table(t)
    return TableMaintenance(
        name=t.name,
        version_before=version_before,
        version_after=after.version(),
        files_before=files_before,
        files_after=len(after.file_uris()),
        files_added=int(metrics.get("numFilesAdded", 0)),
        files_removed=int(metrics.get("numFilesRemoved", 0)),
        files_vacuumed=len(vacuumed),
    )


def maintain(settings: Settings, retention_days: int | None = None) -> list[TableMaintenance]:
    """Compact and vacuum every curated table that exists, one ingest-free moment at a time.

    `retention_days`: days of time travel kept (default: the settings' `retensi_hari`).
    """
    days = settings.retensi_hari if retention_days is None else retention_days
    if days < 0:
        raise ValueError("Retensi (hari) tidak boleh negatif.")
    catalog = settings.catalog
    tables = [*catalog.section_tables(), catalog.registry]
    with ingest_lock(catalog):
        return [maintain_table(t, days) for t in tables if exists(t)]


def markdown(results: list[TableMaintenance], retention_days: int) -> str:
    """A summary for the Prefect artifact (Bahasa Indonesia, like the others)."""
    return render("artefak/pemeliharaan-tabel.md.j2", results=results, retensi=retention_days)
