"""The verdict on one submission, apart from the validation that makes it.

Light on purpose (Polars and the error type only): the ingest's records hold
verdicts without loading the reader or pandera, which only a run with new files
needs.
"""

from dataclasses import dataclass, field

import polars as pl

from lapsit.galat import ERROR, WARNING, Galat


@dataclass
class Result:
    """The verdict on one submission: its problems and, when accepted, its typed sections."""

    errors: list[Galat] = field(default_factory=list)
    sections: dict[str, pl.DataFrame] = field(default_factory=dict)
    laporan: dict | None = None

    @property
    def accepted(self) -> bool:
        return not any(g.severity == ERROR for g in self.errors)

    @property
    def n_errors(self) -> int:
        return sum(g.severity == ERROR for g in self.errors)

    @property
    def n_warnings(self) -> int:
        return sum(g.severity == WARNING for g in self.errors)
