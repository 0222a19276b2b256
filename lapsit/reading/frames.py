"""A section as the reader hands it on: text cells of the contract's columns, with `_row`.

Both formats end here: the header is checked (names given twice, unknown and
missing columns, reported at row 1), blank lines are dropped while keeping the
row numbers the operator sees, and every cell stays text until validation.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from lapsit.galat import Galat, make
from lapsit.privacy import mask_nrp
from schemas.contract import REQUIRED_SECTIONS, columns
from schemas.rules import did_you_mean

log = logging.getLogger("lapsit.reading")
ROW = "_row"
# More distinct column names than this in one section is not a report (and would cost
# rows x columns cells to hold): the section is refused before it is built.
MAX_COLUMNS = 100


@dataclass
class RawSubmission:
    """A file as read: text cells per section, with the row number the operator sees."""

    fmt: str
    sections: dict[str, pl.DataFrame] = field(default_factory=dict)
    errors: list[Galat] = field(default_factory=list)
    # Contract columns absent from a sheet: reported once, not again row by row.
    missing: dict[str, set[str]] = field(default_factory=dict)

    @property
    def unreadable(self) -> bool:
        return any(g.sheet is None for g in self.errors)


def refused(fmt: str, rule: str, **where: object) -> RawSubmission:
    """A submission refused as a whole file, for one reason."""
    raw = RawSubmission(fmt)
    raw.errors.append(make(rule, fmt=fmt, **where))
    return raw


def short(exc: BaseException) -> str:
    """The first line of an exception's message, for the log (its type when it has none)."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:160]


def unreadable(raw: RawSubmission, path: Path, what: str, exc: BaseException, **where) -> None:
    """Report a file (or sheet) the reader could not read, saying in Indonesian `what` is
    wrong with it; the library's own words go to the log only, never to the operator."""
    # The library's message may quote a cell (`Unsupported cell error value '73915858'`).
    log.info(mask_nrp(f"Berkas {path.name} tidak terbaca: {short(exc)} ({type(exc).__name__})"))
    raw.errors.append(make("berkas_rusak", hint=what, fmt=raw.fmt, **where))


def check_columns(
    raw: RawSubmission, section: str, names: list[str], empty: Callable[[str], bool]
) -> list[str]:
    """Report unknown and missing columns at row 1; returns the contract's columns given.

    `empty(name)`: whether a column holds nothing (a column without a header may).
    """
    contract = columns(section)
    known = []
    for name in names:
        if name in contract:
            known.append(name)
        elif name.startswith("__UNNAMED__") and empty(name):
            continue  # an empty column without a header
        else:
            shown = "" if name.startswith("__UNNAMED__") else name
            raw.errors.append(
                make(
                    "kolom_tidak_dikenal",
                    sheet=section,
                    row=1,
                    column=shown or None,
                    value=shown,
                    hint=did_you_mean(shown, list(contract)),
                    fmt=raw.fmt,
                )
            )
    missing = {c for c, meta in contract.items() if c not in known and not meta["optional"]}
    for name in sorted(missing, key=list(contract).index):
        raw.errors.append(make("kolom_wajib", sheet=section, row=1, column=name, fmt=raw.fmt))
    raw.missing[section] = missing
    return known


# What Polars' `str.strip_chars()` strips (Unicode White_Space, as Rust's `char::is_whitespace`);
# Python's `str.strip()` would also strip U+001C..U+001F.
WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def section_frame(
    raw: RawSubmission, section: str, frame: pl.DataFrame, first_row: int | None
) -> pl.DataFrame:
    """The section as text columns of the contract, with `_row`.

    The header is checked (`header`, `check_columns`); `_row` numbers the rows from
    `first_row` (null for all when None); blank lines keep their numbers but are not
    rows of data. A sheet is a few dozen rows, where each Polars operation costs far
    more than the work itself, so the rows are picked in Python and the frame is
    built once, from the columns as read when no row is left out.
    """
    original = header(raw, section, frame.columns)
    known = check_columns(
        raw,
        section,
        list(original),
        lambda name: frame[original[name]].null_count() == frame.height,
    )
    given = [frame.get_column(original[c]).cast(pl.Utf8).alias(c) for c in known]
    values = [column.to_list() for column in given]
    kept = [
        i
        for i in range(frame.height)
        if any(v is not None and v.strip(WHITESPACE) for v in (col[i] for col in values))
    ]
    if len(kept) < frame.height:
        given = [
            pl.Series(c, [col[i] for i in kept], dtype=pl.Utf8)
            for c, col in zip(known, values, strict=True)
        ]
    rows = [None] * len(kept) if first_row is None else [i + first_row for i in kept]
    return pl.DataFrame([pl.Series(ROW, rows, dtype=pl.Int64), *given])


def finish(raw: RawSubmission, max_rows: int) -> RawSubmission:
    for section in REQUIRED_SECTIONS:
        if section not in raw.sections and not raw.unreadable:
            raw.errors.append(make("lembar_wajib", sheet=section, hint=section, fmt=raw.fmt))
    for section, frame in list(raw.sections.items()):
        if frame.height > max_rows:
            raw.errors.append(
                make(
                    "baris_terlalu_banyak",
                    sheet=section,
                    value=f"lebih dari {max_rows}",
                    hint=str(max_rows),
                    fmt=raw.fmt,
                )
            )
            raw.sections[section] = frame.head(0)
    return raw


def header(raw: RawSubmission, section: str, names: list[str]) -> dict[str, str]:
    """Stripped name -> header name as given; a name given twice, or the reserved `_row`,
    is reported and left out."""
    given: dict[str, str] = {}
    for name in names:
        clean = name.strip()
        if clean in given:
            raw.errors.append(
                make("kunci_ganda", sheet=section, row=1, column=clean, value=clean, fmt=raw.fmt)
            )
        elif clean == ROW:
            raw.errors.append(
                make(
                    "kolom_tidak_dikenal", sheet=section, row=1, column=ROW, value=ROW, fmt=raw.fmt
                )
            )
        else:
            given[clean] = name
    return given
