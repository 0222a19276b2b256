"""Rows of many submissions as the section tables hold them: stacked, with their lineage."""

import polars as pl

from lapsit.catalog import LINEAGE_COLUMNS, Lineage

LINEAGE_SCHEMA = {c: pl.Date if c == "tanggal" else pl.Utf8 for c in LINEAGE_COLUMNS}


def with_lineage(
    name: str, parts: list[tuple[int, pl.DataFrame]], lineages: list[Lineage]
) -> pl.DataFrame:
    """The rows of many submissions with their lineage columns in front, in a few operations.

    `parts`: (index into `lineages`, that submission's rows of table `name`); the same
    rows stacked, each with its submission's lineage.
    """
    if not parts:
        return empty_rows(name)
    rows = stack_owned(parts, "__k", pl.UInt32)
    lineage = pl.DataFrame(lineages, schema=LINEAGE_SCHEMA, orient="row")
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
    from schemas.contract import columns  # the pandera models: only where an empty table is made

    schema = LINEAGE_SCHEMA | {c: meta["dtype"] for c, meta in columns(section).items()}
    return pl.DataFrame(schema=schema)


def conform_section(frame: pl.DataFrame | None, name: str) -> pl.DataFrame:
    """A section table with every column of the contract (absent optional ones null)."""
    empty = empty_rows(name)
    if frame is None:
        return empty
    missing = [pl.lit(None, d).alias(c) for c, d in empty.schema.items() if c not in frame.columns]
    return frame.with_columns(missing)
