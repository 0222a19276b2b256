"""The writes of one decided batch: error reports, then the section tables, then the registry.

The order is what crash safety rests on (the ingest flow keeps it): the registry
is the commit record, so a file is "seen" only once its registry row is written,
and replacing a slice is idempotent. A crash before the registry write leaves the
files unregistered; the next run writes the same slices again and finishes.
Rejections are announced only after the registry write (`lapsit.ingest.announce`).
"""

import dataclasses
import datetime as dt
import json

import polars as pl

from lapsit.catalog import Lineage, Slice
from lapsit.galat import ERROR, WARNING
from lapsit.ingest.error_report import write_error_report
from lapsit.ingest.records import Batch, Outcome, Superseded
from lapsit.reference import Reference
from lapsit.settings import Settings
from lapsit.storage import delta
from lapsit.storage.registry import REGISTRY_SCHEMA, add_to_registry, superseded_frame
from lapsit.storage.rows import with_lineage
from schemas.choices import DIGANTIKAN, DITERIMA, DUPLIKAT
from schemas.sections import CURATED_SECTIONS


def curated_writes(
    outcomes: list[Outcome], ref: Reference
) -> tuple[list[Slice], dict[str, pl.DataFrame]]:
    """The slices the accepted new submissions replace, and per table their rows.

    A slice is (Polda, Polres, election, date): replacing it also removes the
    rows of the submission it supersedes, in the same transaction.
    """
    polda = ref.polda_of()
    lineages: list[Lineage] = []
    parts: dict[str, list[tuple[int, pl.DataFrame]]] = {name: [] for name in CURATED_SECTIONS}
    for out in outcomes:
        if out.status != DITERIMA:
            continue
        lap = out.laporan
        for name in CURATED_SECTIONS:
            section = out.result.sections.get(name)
            if section is not None and section.height:
                parts[name].append((len(lineages), section))
        lineages.append(
            Lineage(
                polda[lap.kode_polres],
                lap.kode_polres,
                lap.kode_pemilihan,
                lap.kode_tahapan,
                lap.tanggal,
                out.delivery.sha256,
            )
        )
    rows = {name: with_lineage(name, found, lineages) for name, found in parts.items()}
    return [lineage.slice for lineage in lineages], rows


def registry_rows(outcomes: list[Outcome], now: dt.datetime) -> pl.DataFrame:
    """One registry row per new file."""
    records = []
    for out in outcomes:
        lap = out.laporan
        records.append(
            {
                "id_submisi": out.delivery.sha256,
                "path": out.delivery.rel,
                "kode_polres": out.delivery.inbox,
                "waktu_terima": out.delivery.received,
                "kode_pemilihan": lap.kode_pemilihan if lap else None,
                "kode_tahapan": lap.kode_tahapan if lap else None,
                "tanggal": lap.tanggal if lap else None,
                "status": out.status,
                "jumlah_galat": sum(g.severity == ERROR for g in out.errors),
                "jumlah_peringatan": sum(g.severity == WARNING for g in out.errors),
                "galat": json.dumps([g.to_dict() for g in out.errors], ensure_ascii=False),
                "laporan_galat": out.error_report,
                "digantikan_oleh": out.superseded_by,
                "dibuat_pada": lap.dibuat_pada if lap else None,
                "diproses_pada": now,
                "ukuran": out.delivery.size,
                "mtime_ns": out.delivery.mtime_ns,
            }
        )
    return pl.DataFrame(records, schema=REGISTRY_SCHEMA)


def updated_registry(
    registry: pl.DataFrame, new_rows: pl.DataFrame, superseded: list[Superseded]
) -> pl.DataFrame:
    """The registry with old rows marked `digantikan` and the new rows appended."""
    if superseded:
        marks = superseded_frame(superseded).rename({"digantikan_oleh": "__by"})
        registry = (
            registry.join(marks, on=["id_submisi", "path"], how="left")
            .with_columns(
                pl.when(pl.col("__by").is_not_null())
                .then(pl.lit(DIGANTIKAN))
                .otherwise(pl.col("status"))
                .alias("status"),
                pl.coalesce("__by", "digantikan_oleh").alias("digantikan_oleh"),
            )
            .drop("__by")
        )
    return pl.concat([registry, new_rows], how="vertical")


def write_error_reports(batch: Batch, settings: Settings, ref: Reference) -> Batch:
    """Write the error report of every new file that has errors or warnings; the batch with
    each such outcome naming its report (relative to the data dir)."""
    outcomes = []
    for out in batch.outcomes:
        if out.errors and out.status != DUPLIKAT:
            path = write_error_report(out, settings.catalog, ref)
            out = dataclasses.replace(
                out, error_report=path.relative_to(settings.data_dir).as_posix()
            )
        outcomes.append(out)
    return Batch(outcomes=outcomes, superseded=batch.superseded)


def write_tables(batch: Batch, settings: Settings, ref: Reference) -> None:
    """Replace the batch's slices in every section table; one transaction per table."""
    keys, rows = curated_writes(batch.outcomes, ref)
    for t in settings.catalog.section_tables():
        delta.replace_slices(t, rows[t.name], keys)


def write_registry(batch: Batch, settings: Settings, now: dt.datetime) -> pl.DataFrame:
    """Add the batch's registry rows and mark what it supersedes; returns the rows added."""
    rows = registry_rows(batch.outcomes, now)
    add_to_registry(settings.catalog.tables, rows, batch.superseded)
    return rows
