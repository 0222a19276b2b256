"""What the quality gate found: the checked tables, the failing expectations, in words."""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from lapsit.privacy import mask_nrp

# Scopes of the gate: everything, or what was ingested since the last gate that passed.
PENUH, BARU = "penuh", "baru"


def expectation_name(kind: str, kwargs: dict) -> str:
    """`expect_column_values_to_not_be_null(kode_polres)`: how a failure is named."""
    cols = kwargs.get("column") or kwargs.get("column_list")
    if cols is None and "column_A" in kwargs:
        cols = [kwargs["column_A"], kwargs["column_B"]]
    shown = ", ".join(cols) if isinstance(cols, list) else cols
    return f"{kind}({shown})" if shown else kind


@dataclass(frozen=True)
class Failure:
    """A failing expectation: which table, which expectation, how many rows, a few of them."""

    table: str
    expectation: str
    notes: str
    unexpected: int | None
    sample: list[str]

    def describe(self) -> str:
        count = f": {self.unexpected} baris" if self.unexpected else ""
        sample = f" (contoh: {', '.join(self.sample)})" if self.sample else ""
        return mask_nrp(f"{self.table}.{self.expectation}{count}{sample}")


@dataclass
class QualityResult:
    """The outcome of the quality gate over the current curated tables."""

    success: bool
    # Rows checked per table; tables never written are absent.
    checked: dict[str, int]
    versions: dict[str, int | None]
    failures: list[Failure] = field(default_factory=list)
    docs_index: Path | None = None
    evaluated: int = 0
    lingkup: str = PENUH
    # With `baru`: the rows ingested from this moment on were checked.
    sejak: dt.datetime | None = None

    def scope_text(self) -> str:
        """What was checked, in words."""
        if self.lingkup == PENUH:
            return "seluruh tabel"
        return f"data baru sejak {self.sejak.isoformat(timespec='seconds')}"

    def summary(self) -> str:
        """One line: passed, or which expectations failed."""
        if self.success:
            if not self.checked:
                return (
                    f"Gerbang kualitas lolos: tidak ada data untuk diperiksa ({self.scope_text()})."
                )
            return (
                f"Gerbang kualitas lolos: {self.evaluated} ekspektasi pada "
                f"{len(self.checked)} tabel ({self.scope_text()})."
            )
        names = "; ".join(f.describe() for f in self.failures)
        return (
            f"Gerbang kualitas GAGAL ({len(self.failures)} ekspektasi, {self.scope_text()}): "
            f"{names}"
        )

    def warnings(self) -> list[str]:
        """What a report shows when the gate failed (empty when it passed)."""
        if self.success:
            return []
        docs = f" Rincian: {self.docs_index}" if self.docs_index else ""
        return [
            "Pemeriksaan kualitas data (Great Expectations) gagal; angka laporan ini "
            f"mungkin tidak benar.{docs}",
            *(f"Ekspektasi gagal: {f.describe()}" for f in self.failures),
        ]
