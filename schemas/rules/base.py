"""What a rule's declaration is made of (see `schemas.rules`), and the helpers hints use."""

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

ERROR = "error"
WARNING = "warning"

# The words a message uses for where a problem is: a workbook has sheets, header rows and
# rows; a JSON file has keys and objects (the `sheet`, `row` and `column` fields of an
# error keep their meaning of SPEC §3 in both).
WHERE_WORDS: dict[str, dict[str, str]] = {
    "xlsx": {
        "lembar": "lembar",
        "kolom": "kolom",
        "baris": "baris",
        "bagian": "lembar",
        "judul": "baris judul (baris 1)",
    },
    "json": {
        "lembar": "kunci",
        "kolom": "kunci",
        "baris": "objek",
        "bagian": "bagian",
        "judul": "setiap objek",
    },
}


def where_words(fmt: str) -> dict[str, str]:
    """The words of WHERE_WORDS for a format (a workbook's for any other), also capitalised."""
    words = WHERE_WORDS.get(fmt, WHERE_WORDS["xlsx"])
    return words | {k.capitalize(): v[:1].upper() + v[1:] for k, v in words.items()}


# `1.234`: digits grouped in threes by dots, as Indonesian writes thousands. Not a whole
# number for the cast (`1.000` is a thousand to the operator, never 1), and hinted.
THOUSANDS = r"^[+-]?\d{1,3}(?:\.\d{3})+$"
_THOUSANDS = re.compile(THOUSANDS)


def thousands_hint(text: str) -> str:
    """A hint for a whole number written with thousands dots (`1.234`), else nothing."""
    if not _THOUSANDS.match(text.strip()):
        return ""
    return f" Jika maksudnya {text.strip().replace('.', '')}, tulis tanpa titik pemisah ribuan."


# Where a rule is checked.
MODEL = "model"  # a named check of a pandera model (the rule id is the check's name)
BUILTIN = "builtin"  # one of pandera's own column checks (not_nullable, isin, ...)
CAST = "cast"  # the lenient cast of one kind of column
FILE = "file"  # the reader, the validator's file-level checks or the ingest


@dataclass(frozen=True)
class Case:
    """One failing case as a rule's hint sees it."""

    # The failing row with its context columns (`_inbox`, `_batas_tanggal`, ...).
    row: Mapping[str, Any]
    # The value shown.
    value: Any = None
    # The allowed values of the column, for a choice column.
    choices: Sequence[str] = ()
    # Lists from the reference data: `polres` (codes), `pemilihan` (codes, sorted),
    # `tahapan` (election -> its stage codes), `nama_polres` (code -> name).
    lists: Mapping[str, Any] = field(default_factory=dict)
    # The name of the pandera check that failed, as pandera gives it.
    check: str = ""


class Limits(Protocol):
    """What a curated expectation reads of a contract column (`schemas.columns.Column`)."""

    name: str
    label: str
    choices: tuple[str, ...]
    minimum: int | None
    min_length: int | None
    max_length: int | None


# A Great Expectations expectation as data: (class name, keyword arguments, why, in Indonesian).
Expectation = tuple[str, dict, str]


@dataclass(frozen=True)
class Excel:
    """How the Excel template enforces a rule in the column it is reported on.

    Formulas name cells by column: `{jumlah_total}` is that column's cell in the
    same row, `{laporan.tanggal}` the report date's cell on the `laporan` sheet.
    """

    # The upper bound of the cell's validation (a formula).
    maximum: str | None = None
    # A conditional format marking what validation cannot stop: a formula, or "duplicate".
    highlight: str | None = None
    # The reference list offered as a drop-down: `polres`, `pemilihan` or `tahapan`.
    listed: str | None = None


@dataclass(frozen=True)
class Rule:
    """The declaration of one rule (see the module docstring)."""

    id: str
    severity: str
    message: str
    where: str
    doc: str = ""
    column: str | None = None
    value: str | None = None
    hint: Callable[[Case], str] | None = None
    # BUILTIN: the pandera check's name, and the columns it applies to (empty: any).
    check: str | None = None
    on: tuple[str, ...] = ()
    # CAST: the column kind whose values it guards.
    kind: str | None = None
    excel: Excel | None = None
    required_when: tuple[str, str] | None = None
    curated: Expectation | Callable[[Limits], Expectation] | None = None

    @property
    def shown(self) -> str | None:
        """The field of a failing row shown as the value (model rules)."""
        return self.value or self.column


def did_you_mean(word: str, options: Sequence[str], shown: Mapping[str, str] | None = None) -> str:
    """` Mungkin maksud Anda 'x'?` for the closest option, or nothing when none is close.

    `shown`: how an option is written in the suggestion (default: quoted as it is).
    """
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    if not close:
        return ""
    return f" Mungkin maksud Anda {shown[close[0]] if shown else repr_quoted(close[0])}?"


def repr_quoted(text: str) -> str:
    """`'text'`: a code quoted as the messages quote it."""
    return f"'{text}'"


def options(values: Sequence[str]) -> str:
    """` Pilihan: a, b, c.`"""
    return " Pilihan: " + ", ".join(values) + "."
