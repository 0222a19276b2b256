"""The curated Delta tables: read, version, and replace submission slices, each write one transaction.

Written with Polars, readable by any Delta engine. A crash leaves a table at
its previous version; a commit that loses a race with another writer is
retried (the writes are idempotent).
"""

import datetime as dt
import re
import time
from collections.abc import Callable, Iterable

import polars as pl
from deltalake import DeltaTable
from deltalake.exceptions import CommitFailedError, TableNotFoundError

from lapsit.catalog import Slice, Table
from lapsit.errors import StorageError

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


def open_table(t: Table) -> DeltaTable:
    """The table opened with delta-rs, at its current version."""
    return DeltaTable(t.uri, storage_options=t.storage_options)


def version(t: Table) -> int | None:
    """The table's current version, or None when it has never been written."""
    return open_table(t).version() if exists(t) else None


def read(
    t: Table, *, as_of: int | None = None, where: pl.Expr | None = None
) -> pl.DataFrame | None:
    """The table (optionally as of a version, optionally only the rows `where` keeps), or
    None when it has never been written. A `where` on partition columns reads only the
    files of those partitions."""
    if not exists(t):
        return None
    try:
        if where is None:
            return pl.read_delta(t.uri, version=as_of, storage_options=t.storage_options)
        scan = pl.scan_delta(t.uri, version=as_of, storage_options=t.storage_options)
        return scan.filter(where).collect()
    except TableNotFoundError:
        return None


def _literal(value: object) -> str:
    if isinstance(value, dt.date):
        return f"'{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def slice_predicate(keys: Iterable[Slice]) -> str:
    """A predicate naming each (Polda, Polres, election, date) slice, partition columns first.

    The dates of one Polres and election form one `IN` list, and the groups are
    joined as a balanced tree of `OR`: a flat chain of one `OR` per slice made
    delta-rs recurse once per slice (a stack overflow past ~2,500 slices) and
    took seconds per thousand slices to evaluate.
    """
    dates: dict[tuple[str, str, str], set] = {}
    for key in keys:
        group = (key.kode_polda, key.kode_pemilihan, key.kode_polres)
        dates.setdefault(group, set()).add(key.tanggal)
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


def with_retry(write: Callable[[], object]) -> None:
    """Retry a commit that lost a race with another writer; the write itself is idempotent."""
    for attempt in range(COMMIT_RETRIES):
        try:
            write()
            return
        except CommitFailedError:
            if attempt == COMMIT_RETRIES - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def replace_slices(t: Table, rows: pl.DataFrame, keys: list[Slice]) -> bool:
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
    with_retry(
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
