"""Lenient casting of text cells to the contract's types, with a Galat for every value lost.

Casting happens before pandera so that one bad cell never turns a whole column
back into text: each column is cast on its own, and a value that does not
survive (non-null text, null result) is reported on its own row.
"""

import polars as pl

from lapsit.galat import Galat, make
from schemas.contract import columns
from schemas.rules import RULES, THOUSANDS, Case, cast_rule

# The notations of dates and date-times the contract accepts (SPEC §3), also published
# in the JSON Schema (`lapsit.publishing.json_schema`).
DATE_ISO = r"^(\d{4})-(\d{1,2})-(\d{1,2})(?: 00:00(?::00(?:\.0+)?)?)?$"
DATE_DMY = r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$"
_TIME = r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
DATETIME_ISO = rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}})[ T]+{_TIME}\s*(Z|[+-]\d{{2}}:?\d{{2}})?$"
DATETIME_DMY = rf"^(\d{{1,2}})[/-](\d{{1,2}})[/-](\d{{4}})[ T]+{_TIME}$"
_INTEGER = r"^[+-]?\d+(?:\.0*)?$"
# Years a report can mean. Others are typos, and far ones (0001, 9999 with an offset)
# overflow Python's dates when a rule's failing row is shown: they are not dates.
_YEARS = (1900, 2199)


def _text(col: str) -> pl.Expr:
    value = pl.col(col).str.strip_chars()
    return pl.when(value.str.len_chars() > 0).then(value)


def _choice(expr: pl.Expr) -> pl.Expr:
    """`Sangat Rawan` -> `sangat_rawan`: case and spaces do not matter."""
    return expr.str.to_lowercase().str.replace_all(r"\s+", "_")


def _pad(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.Utf8).str.zfill(2)


def _iso_date(y: pl.Expr, m: pl.Expr, d: pl.Expr) -> pl.Expr:
    return pl.concat_str(y, pl.lit("-"), _pad(m), pl.lit("-"), _pad(d))


def _parts(col: str, iso_pattern: str, dmy_pattern: str) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(ISO day text `YYYY-MM-DD`, ISO groups, day-first groups) of either notation."""
    text = _text(col)
    iso = text.str.extract_groups(iso_pattern)
    dmy = text.str.extract_groups(dmy_pattern)
    day = pl.coalesce(
        _iso_date(iso.struct[0], iso.struct[1], iso.struct[2]),
        _iso_date(dmy.struct[2], dmy.struct[1], dmy.struct[0]),
    )
    return day, iso, dmy


def _date(col: str) -> pl.Expr:
    day, _, _ = _parts(col, DATE_ISO, DATE_DMY)
    return _plausible(day.str.to_date("%Y-%m-%d", strict=False))


def _plausible(expr: pl.Expr) -> pl.Expr:
    """The date or date-time when its year is one a report can mean, else null."""
    return pl.when(expr.dt.year().is_between(*_YEARS)).then(expr)


def _datetime_local(col: str) -> tuple[pl.Expr, pl.Expr]:
    """(naive local datetime, offset in minutes or null) from either accepted notation."""
    day, iso, dmy = _parts(col, DATETIME_ISO, DATETIME_DMY)
    hour = pl.coalesce(iso.struct[3], dmy.struct[3])
    minute = pl.coalesce(iso.struct[4], dmy.struct[4])
    second = pl.coalesce(iso.struct[5], dmy.struct[5], pl.lit("00"))
    stamp = pl.concat_str(day, pl.lit(" "), _pad(hour), pl.lit(":"), minute, pl.lit(":"), second)
    naive = _plausible(stamp.str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us", strict=False))
    offset = iso.struct[6]
    sign = pl.when(offset.str.starts_with("-")).then(-1).otherwise(1)
    digits = offset.str.replace_all(r"[^0-9]", "")
    minutes = (
        pl.when(offset == "Z")
        .then(0)
        .otherwise(
            sign
            * (
                digits.str.slice(0, 2).cast(pl.Int64, strict=False) * 60
                + digits.str.slice(2, 2).cast(pl.Int64, strict=False)
            )
        )
    )
    return naive, minutes


def _to_utc(frame: pl.DataFrame, col: str) -> pl.DataFrame:
    """Date-times without an offset are in the Polres's time zone (`_tz`); store them in UTC."""
    naive, minutes = _datetime_local(col)
    frame = frame.with_columns(naive.alias("__naive"), minutes.alias("__offset"))
    parts = []
    for (zone,), part in frame.group_by("_tz", maintain_order=True):
        with_offset = (
            pl.col("__naive") - pl.duration(minutes=pl.col("__offset"))
        ).dt.replace_time_zone("UTC")
        local = (
            pl.col("__naive")
            .dt.replace_time_zone(zone or "UTC", ambiguous="earliest", non_existent="null")
            .dt.convert_time_zone("UTC")
        )
        parts.append(
            part.with_columns(
                pl.when(pl.col("__offset").is_not_null())
                .then(with_offset)
                .otherwise(local)
                .dt.cast_time_unit("us")
                .alias(col)
            )
        )
    if not parts:
        return frame.with_columns(pl.lit(None, pl.Datetime("us", "UTC")).alias(col)).drop(
            "__naive", "__offset"
        )
    return pl.concat(parts).sort("__pos").drop("__naive", "__offset")


def cast_section(section: str, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[tuple]]:
    """Cast a section batch (text columns, `_sub`, `_row`, `_tz`) to the contract's types.

    Returns the typed frame, with every contract column present, and the cells
    lost in the cast as (frame position, column, text, rule).
    """
    spec = columns(section)
    frame = frame.with_columns(
        pl.lit(None, pl.Utf8).alias(c) for c in spec if c not in frame.columns
    ).with_row_index("__pos")
    raw = frame
    exprs: list[pl.Expr] = []
    datetime_cols: list[str] = []
    lossy: dict[str, str] = {}  # column -> the rule naming a value its cast loses
    for col, meta in spec.items():
        kind = meta["kind"]
        if kind in ("text", "kecamatan"):
            exprs.append(_text(col).alias(col))
        elif kind == "int":
            text = _text(col)
            whole = text.str.contains(_INTEGER) & ~text.str.contains(THOUSANDS)
            exprs.append(
                pl.when(whole)
                .then(text.str.replace(r"\.0*$", "").str.replace(r"^\+", ""))
                .cast(pl.Int64, strict=False)
                .alias(col)
            )
        elif kind == "date":
            exprs.append(_date(col).alias(col))
        elif kind == "datetime":
            datetime_cols.append(col)
        elif kind == "choice":
            exprs.append(_choice(_text(col)).alias(col))
        elif kind == "choice_list":
            items = (
                _text(col)
                .str.split(";")
                .list.eval(
                    _choice(pl.element().str.strip_chars()).filter(pl.element().str.len_chars() > 0)
                )
            )
            exprs.append(pl.when(items.list.len() > 0).then(items).alias(col))
        else:  # pragma: no cover - a model with an unknown kind is a programming error
            raise ValueError(f"unknown column kind {kind!r} for {section}.{col}")
        if (rule := cast_rule(kind)) is not None:
            lossy[col] = rule.id
    typed = frame.with_columns(exprs)
    for col in datetime_cols:
        typed = _to_utc(typed, col)
    lost: list[tuple] = []
    for col, rule in lossy.items():
        bad = raw.select("__pos", pl.col(col).str.strip_chars().alias("text")).with_columns(
            typed_null=typed[col].is_null()
        )
        bad = bad.filter(pl.col("text").str.len_chars() > 0, pl.col("typed_null"))
        lost += [(pos, col, text, rule) for pos, text in bad.select("__pos", "text").iter_rows()]
    return typed.drop("__pos"), lost


def lost_to_galat(
    section: str, frame: pl.DataFrame, lost: list[tuple], formats: list[str]
) -> dict[int, list[Galat]]:
    """Galat per submission (`_sub`) for the cells lost in the cast.

    `formats`: each submission's format, for the words of its messages.
    """
    out: dict[int, list[Galat]] = {}
    subs = frame["_sub"]
    rows = frame["_row"]
    for pos, col, text, rule in lost:
        declared = RULES[rule]
        hint = declared.hint(Case(row={}, value=text)) if declared.hint else ""
        galat = make(
            rule,
            sheet=section,
            row=rows[pos],
            column=col,
            value=text,
            hint=hint,
            fmt=formats[subs[pos]],
        )
        out.setdefault(subs[pos], []).append(galat)
    return out
