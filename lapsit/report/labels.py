"""Display names in Bahasa Indonesia: choice values (from `schemas/choices.py`), statuses."""

import polars as pl

from schemas.choices import LABELS, POLRES_WORDS


def label(column: str) -> pl.Expr:
    """The display name of a choice column's value (unknown values shown as they are)."""
    return pl.col(column).replace_strict(LABELS, default=pl.col(column), return_dtype=pl.Utf8)


def label_list(column: str) -> pl.Expr:
    """A list column of choices as one comma-separated string of display names."""
    return (
        pl.col(column)
        .list.eval(pl.element().replace_strict(LABELS, default=pl.element(), return_dtype=pl.Utf8))
        .list.join(", ")
        .fill_null("")
    )


# Status of a Polres for the report date (per-Polres table): the words of schemas.choices.
STATUS_POLRES = {code: w.word for code, w in POLRES_WORDS.items()}


def election_name(kode_pemilihan: str) -> str:
    """`pilkada-2024` -> `Pilkada 2024`."""
    return kode_pemilihan.replace("-", " ").capitalize()
