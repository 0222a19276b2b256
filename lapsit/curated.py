"""Read and write the curated Delta tables; every write is one Delta transaction."""

import datetime as dt
import re
import time
from collections.abc import Iterable

import polars as pl
from deltalake import DeltaTable
from deltalake.exceptions import CommitFailedError, TableNotFoundError

from lapsit.catalog import LINEAGE_COLUMNS, REGISTRY, StorageError, Table, Where, table
from schemas.choices import DIGANTIKAN
from schemas.contract import columns

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
COMMIT_RETRIES = 5


def exists(t: Table) -> bool:
    """Whether the table has a Delta log (a local folder or an object-store prefix).

    Every read and write asks this first, so storage that cannot be reached (wrong
    endpoint, bucket or credentials) fails here with one plain message.
    """
    try:
        return DeltaTable.is_deltatable(t.uri, storage_options=t.storage_options)
    except OSError as exc:
        raise StorageError(
            f"Penyimpanan tabel kurasi {t.uri} tidak dapat dijangkau ({_cause(exc)}). "
            "Periksa LAPSIT_CURATED_URI dan LAPSIT_STORAGE_OPTIONS: alamat endpoint, "
            "nama bucket dan kredensial."
        ) from exc


def _cause(exc: Exception) -> str:
    """The informative lines of a delta-rs error, without its colours and XML bodies."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))
    lines = [line.strip().lstrip("↳").strip() for line in text.splitlines()]
    kept = [line for line in lines if line and not line.startswith("<")]
    codes = re.findall(r"<Code>([^<]+)</Code>", text)
    return "; ".join(kept + codes)[:500] or type(exc).__name__


def delta(t: Table) -> DeltaTable:
    """The table opened with delta-rs, at its current version."""
    return DeltaTable(t.uri, storage_options=t.storage_options)


def version(t: Table) -> int | None:
    """The table's current version, or None when it has never been written."""
    return delta(t).version() if exists(t) else None


def read(t: Table, *, as_of: int | None = None) -> pl.DataFrame | None:
    """The table (optionally as of a version), or None when it has never been written."""
    if not exists(t):
        return None
    try:
        return pl.read_delta(t.uri, version=as_of, storage_options=t.storage_options)
    except TableNotFoundError:
        return None


def read_registry(curated_dir: Where, columns: Iterable[str] | None = None) -> pl.DataFrame:
    """The registry `submisi`, or only its `columns`; empty before the first ingest."""
    schema = {c: REGISTRY_SCHEMA[c] for c in columns} if columns else REGISTRY_SCHEMA
    t = table(curated_dir, REGISTRY)
    if not exists(t):
        return pl.DataFrame(schema=schema)
    try:
        scan = pl.scan_delta(t.uri, storage_options=t.storage_options)
        present = scan.collect_schema()
    except TableNotFoundError:
        return pl.DataFrame(schema=schema)
    # Columns added to REGISTRY_SCHEMA after a registry was written read as null.
    return scan.select(
        pl.col(c).cast(dtype) if c in present else pl.lit(None, dtype).alias(c)
        for c, dtype in schema.items()
    ).collect()


def _literal(value: object) -> str:
    if isinstance(value, dt.date):
        return f"'{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def slice_predicate(keys: Iterable[dict]) -> str:
    """A predicate naming each (Polda, Polres, election, date) slice, partition columns first.

    The dates of one Polres and election form one `IN` list, and the groups are
    joined as a balanced tree of `OR`: a flat chain of one `OR` per slice made
    delta-rs recurse once per slice (a stack overflow past ~2,500 slices) and
    took seconds per thousand slices to evaluate.
    """
    dates: dict[tuple[str, str, str], set] = {}
    for key in keys:
        group = (key["kode_polda"], key["kode_pemilihan"], key["kode_polres"])
        dates.setdefault(group, set()).add(key["tanggal"])
    parts = [
        f"(kode_polda = {_literal(polda)} AND kode_pemilihan = {_literal(pemilihan)} "
        f"AND kode_polres = {_literal(polres)} "
        f"AND tanggal IN ({', '.join(_literal(d) for d in sorted(days))}))"
        for (polda, pemilihan, polres), days in sorted(dates.items())
    ]
    return _balanced_or(parts)


def _balanced_or(parts: list[str]) -> str:
    """`a OR b OR c OR d` as `((a OR b) OR (c OR d))`: nesting grows as log2 of the parts."""
    if len(parts) == 1:
        return parts[0]
    mid = len(parts) // 2
    return f"({_balanced_or(parts[:mid])} OR {_balanced_or(parts[mid:])})"


def _with_retry(write) -> None:
    """Retry a commit that lost a race with another writer; the write itself is idempotent."""
    for attempt in range(COMMIT_RETRIES):
        try:
            write()
            return
        except CommitFailedError:
            if attempt == COMMIT_RETRIES - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def replace_slices(t: Table, rows: pl.DataFrame, keys: list[dict]) -> bool:
    """Replace the rows of the given submission slices with `rows`, atomically.

    Returns whether a commit was made (nothing is written to a table that does
    not exist yet when there is nothing to put in it).
    """
    if not keys:
        return False
    if not exists(t):
        if rows.height == 0:
            return False
        _create(t, rows.head(0))
    schema = pl.scan_delta(t.uri, storage_options=t.storage_options).collect_schema()
    rows = _align(rows, schema)
    predicate = slice_predicate(keys)
    _with_retry(
        lambda: rows.write_delta(
            t.uri,
            mode="overwrite",
            delta_write_options={"predicate": predicate, "schema_mode": "merge"},
            storage_options=t.storage_options,
        )
    )
    return True


def _create(t: Table, empty: pl.DataFrame) -> None:
    """Create a table with no rows, so that rows only ever arrive by a predicate overwrite.

    Two first writers that appended would both land (appends never conflict); two
    overwrites of the same slices conflict, and the loser retries.
    """
    try:
        empty.write_delta(
            t.uri,
            mode="append",
            delta_write_options={"partition_by": list(t.partition_by)},
            storage_options=t.storage_options,
        )
    except CommitFailedError:
        if not exists(t):
            raise  # not a lost race with another creator


def _align(rows: pl.DataFrame, schema: pl.Schema) -> pl.DataFrame:
    """Give `rows` every column of the table (missing ones null), in the table's order."""
    missing = [pl.lit(None, d).alias(c) for c, d in schema.items() if c not in rows.columns]
    rows = rows.with_columns(missing)
    order = list(schema) + [c for c in rows.columns if c not in schema]
    return rows.select(order)


def add_to_registry(curated_dir: Where, rows: pl.DataFrame, superseded: list[dict]) -> None:
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
        _with_retry(
            lambda: frame.write_delta(
                t.uri, mode="append", delta_write_options=options, storage_options=t.storage_options
            )
        )
        return
    marks = pl.DataFrame(
        superseded, schema={"id_submisi": pl.Utf8, "path": pl.Utf8, "digantikan_oleh": pl.Utf8}
    ).with_columns(pl.lit(DIGANTIKAN).alias("status"))
    source = pl.concat([frame, marks], how="diagonal_relaxed").select(frame.columns)

    def merge() -> None:
        (
            delta(t)
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

    _with_retry(merge)


def with_lineage(
    name: str, parts: list[tuple[int, pl.DataFrame]], lineages: list[dict]
) -> pl.DataFrame:
    """The rows of many submissions with their lineage columns in front, in a few operations.

    `parts`: (index into `lineages`, that submission's rows of table `name`); the same
    rows stacked, each with its submission's lineage.
    """
    if not parts:
        return empty_rows(name)
    rows = stack_owned(parts, "__k", pl.UInt32)
    lineage = pl.DataFrame(lineages).select(
        *(pl.col(c).cast(pl.Date if c == "tanggal" else pl.Utf8) for c in LINEAGE_COLUMNS)
    )
    return (
        lineage.with_row_index("__k")
        .join(rows, on="__k", how="right")
        .select(*LINEAGE_COLUMNS, *(c for c in rows.columns if c != "__k"))
    )


def stack_owned(
    parts: list[tuple[int, pl.DataFrame]], column: str, dtype: pl.DataType
) -> pl.DataFrame:
    """The frames of many submissions stacked, with `column` naming each row's owner.

    `parts`: (owner, frame). The owners are spelled out from the frames' heights, so
    the batch costs one concatenation, not one operation per frame.
    """
    rows = pl.concat([frame for _, frame in parts], how="diagonal_relaxed")
    owners = [k for k, frame in parts for _ in range(frame.height)]
    return rows.with_columns(pl.Series(column, owners, dtype=dtype))


def empty_rows(section: str) -> pl.DataFrame:
    """An empty frame with a section table's columns (lineage, then the contract's)."""
    schema = {c: pl.Utf8 for c in LINEAGE_COLUMNS} | {"tanggal": pl.Date}
    schema |= {c: meta["dtype"] for c, meta in columns(section).items()}
    return pl.DataFrame(schema=schema)
