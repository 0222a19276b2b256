"""A kecamatan given by name only: found among the Polres's own, or a located error.

SPEC §3: `kode_kecamatan` may be empty if `nama_kecamatan` names one kecamatan
of the Polres unambiguously (ignoring case, spaces and punctuation); a near
miss gets a "did you mean" suggestion.
"""

import re

import polars as pl

from lapsit.galat import Galat, make
from lapsit.reference import Reference
from schemas.rules import did_you_mean

# The rules of a kecamatan named but not found: the cell's only problem.
KECAMATAN_RULES = ("kecamatan_tidak_dikenal", "kecamatan_ambigu")


def _norm_name(expr: pl.Expr) -> pl.Expr:
    return expr.str.to_lowercase().str.replace_all(r"[^a-z0-9]", "")


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def resolve_kecamatan(
    frame: pl.DataFrame, section: str, ref: Reference, formats: list[str]
) -> tuple[pl.DataFrame, list[tuple[int, Galat]]]:
    """Fill an empty kode_kecamatan from a name that names one kecamatan of the Polres.

    Returns the frame (with `_kec_polres`, the owner of each code) and the
    problems as (submission, Galat); `formats`: each submission's, for its messages' words.
    """
    names = ref.kecamatan.select(
        pl.col("kode_polres").alias("_inbox"),
        _norm_name(pl.col("nama_kecamatan")).alias("__key"),
        pl.col("kode_kecamatan").alias("__code"),
    )
    matches = names.group_by("_inbox", "__key").agg(
        pl.col("__code").first(), pl.col("__code").alias("__codes")
    )
    frame = (
        frame.with_row_index("__pos")
        .with_columns(_norm_name(pl.col("nama_kecamatan")).alias("__key"))
        .join(matches, on=["_inbox", "__key"], how="left", maintain_order="left")
    )
    by_name = pl.col("kode_kecamatan").is_null() & pl.col("nama_kecamatan").is_not_null()
    unique = pl.col("__codes").list.len() == 1
    problems: list[tuple[int, Galat]] = []
    for row in frame.filter(by_name & ~unique.fill_null(False)).iter_rows(named=True):
        where = {
            "sheet": section,
            "row": row["_row"],
            "column": "nama_kecamatan",
            "value": row["nama_kecamatan"],
            "fmt": formats[row["_sub"]],
        }
        if row["__codes"]:
            galat = make("kecamatan_ambigu", hint=", ".join(row["__codes"]), **where)
        else:
            own = ref.kecamatan_of(row["_inbox"])
            shown = {
                _norm(n): f"{n} ({c})"
                for n, c in own.select("nama_kecamatan", "kode_kecamatan").iter_rows()
            }
            hint = did_you_mean(_norm(row["nama_kecamatan"]), list(shown), shown)
            galat = make("kecamatan_tidak_dikenal", hint=hint, **where)
        problems.append((row["_sub"], galat))
    frame = frame.with_columns(
        pl.when(by_name & unique)
        .then(pl.col("__code"))
        .otherwise(pl.col("kode_kecamatan"))
        .alias("kode_kecamatan")
    )
    owners = ref.kecamatan.select("kode_kecamatan", pl.col("kode_polres").alias("_kec_polres"))
    frame = frame.join(owners, on="kode_kecamatan", how="left", maintain_order="left")
    return frame.drop("__pos", "__key", "__code", "__codes"), problems
