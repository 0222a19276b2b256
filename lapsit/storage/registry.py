"""The registry `submisi`: one row per file received, the commit record of every ingest.

A file is only "seen" once the registry says so; rows are added, never
rewritten whole, and a superseded row is marked in the same transaction that
adds its successor.
"""

from collections.abc import Iterable
from dataclasses import astuple, dataclass

import polars as pl
from deltalake.exceptions import TableNotFoundError

from lapsit.catalog import REGISTRY, Table, Where, table
from lapsit.storage.delta import exists, open_table, with_retry
from schemas.choices import DIGANTIKAN

REGISTRY_SCHEMA = {
    "id_submisi": pl.Utf8,
    "path": pl.Utf8,
    "kode_polres": pl.Utf8,
    "waktu_terima": pl.Datetime("us", "UTC"),
    "kode_pemilihan": pl.Utf8,
    "kode_tahapan": pl.Utf8,
    "tanggal": pl.Date,
    "status": pl.Utf8,
    "jumlah_galat": pl.Int64,
    "jumlah_peringatan": pl.Int64,
    "galat": pl.Utf8,
    "laporan_galat": pl.Utf8,
    "digantikan_oleh": pl.Utf8,
    # Beyond SPEC §4 (additions): what supersession and auditing need.
    "dibuat_pada": pl.Datetime("us", "UTC"),
    "diproses_pada": pl.Datetime("us", "UTC"),
    # What lets a later run skip a registered file without reading it (null in older rows).
    "ukuran": pl.Int64,
    "mtime_ns": pl.Int64,
}


@dataclass(frozen=True)
class Superseded:
    """A registered accepted file that a new accepted file replaces."""

    id_submisi: str
    path: str
    digantikan_oleh: str


def superseded_frame(superseded: list[Superseded]) -> pl.DataFrame:
    """The superseded rows' keys and their successor, as a frame."""
    return pl.DataFrame(
        [astuple(s) for s in superseded],
        schema={"id_submisi": pl.Utf8, "path": pl.Utf8, "digantikan_oleh": pl.Utf8},
        orient="row",
    )


def conform(frame: pl.DataFrame | pl.LazyFrame, schema: dict | None = None):
    """The registry with every column of `schema` (REGISTRY_SCHEMA), cast; absent ones null.

    Columns added to REGISTRY_SCHEMA after a registry was written read as null.
    """
    schema = schema or REGISTRY_SCHEMA
    present = frame.collect_schema()
    return frame.select(
        pl.col(c).cast(dtype) if c in present else pl.lit(None, dtype).alias(c)
        for c, dtype in schema.items()
    )


def read_registry(curated_dir: Where, columns: Iterable[str] | None = None) -> pl.DataFrame:
    """The registry `submisi`, or only its `columns`; empty before the first ingest."""
    schema = {c: REGISTRY_SCHEMA[c] for c in columns} if columns else REGISTRY_SCHEMA
    t = table(curated_dir, REGISTRY)
    if not exists(t):
        return pl.DataFrame(schema=schema)
    try:
        scan = pl.scan_delta(t.uri, storage_options=t.storage_options)
        return conform(scan, schema).collect()
    except TableNotFoundError:
        return pl.DataFrame(schema=schema)


def registry_at(t: Table, version: int) -> pl.DataFrame:
    """The registry at one version (time travel), with every column of REGISTRY_SCHEMA."""
    return conform(pl.read_delta(t.uri, version=version, storage_options=t.storage_options))


def add_to_registry(curated_dir: Where, rows: pl.DataFrame, superseded: list[Superseded]) -> None:
    """Add the rows of new files and mark the rows they supersede, in one transaction.

    Without supersession the rows are appended; otherwise one merge inserts them
    and sets `status` and `digantikan_oleh` of the superseded rows (matched on
    `id_submisi` and `path`). The registry is never rewritten whole: the cost
    follows the new files. A registry written before a column was added to
    REGISTRY_SCHEMA gains it (null in its old rows).
    """
    t = table(curated_dir, REGISTRY)
    frame = rows.select(pl.col(c).cast(d) for c, d in REGISTRY_SCHEMA.items())
    if not superseded or not exists(t):
        options = {"schema_mode": "merge"}
        with_retry(
            lambda: frame.write_delta(
                t.uri, mode="append", delta_write_options=options, storage_options=t.storage_options
            )
        )
        return
    marks = superseded_frame(superseded).with_columns(pl.lit(DIGANTIKAN).alias("status"))
    source = pl.concat([frame, marks], how="diagonal_relaxed").select(frame.columns)

    def merge() -> None:
        (
            open_table(t)
            .merge(
                source.to_arrow(),
                predicate="t.id_submisi = s.id_submisi AND t.path = s.path",
                source_alias="s",
                target_alias="t",
                merge_schema=True,
            )
            .when_matched_update(
                updates={"status": "s.status", "digantikan_oleh": "s.digantikan_oleh"}
            )
            # Marks carry only their key; a row of a new file always has its inbox.
            .when_not_matched_insert_all(predicate="s.kode_polres IS NOT NULL")
            .execute()
        )

    with_retry(merge)
