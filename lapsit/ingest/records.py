"""The typed records handed from one step of an ingest to the next."""

__all__ = ["Batch", "Delivery", "Discovery", "Header", "IngestSummary", "Outcome", "Superseded"]

import datetime as dt
import functools
import hashlib
from collections import Counter
from dataclasses import dataclass, field, fields
from pathlib import Path

import polars as pl

from lapsit.galat import Galat
from lapsit.storage.registry import Superseded
from lapsit.validation.result import Result

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes (its `id_submisi`)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Delivery:
    """A file found in an inbox; what only new files need is computed when first asked for.

    Every run lists the whole history, so a listed file costs only its fields; its
    `Path`, delivery time and SHA-256 are made for the files that are not skipped.
    """

    location: str  # the file's path as the operating system gave it
    rel: str  # relative to raw/
    inbox: str
    size: int  # bytes
    mtime_ns: int  # modification time as the file system stores it

    @functools.cached_property
    def path(self) -> Path:
        return Path(self.location)

    @functools.cached_property
    def received(self) -> dt.datetime:
        """The modification time, UTC (to the microsecond)."""
        return EPOCH + dt.timedelta(microseconds=self.mtime_ns // 1000)

    @functools.cached_property
    def sha256(self) -> str:
        # Lazy: a file whose path, size and mtime match its registry row is not read again.
        return sha256(self.path)


@dataclass(frozen=True)
class Header:
    """What the ingest decides with from a submission's `laporan` row."""

    kode_polres: str
    kode_pemilihan: str
    kode_tahapan: str
    tanggal: dt.date
    dibuat_pada: dt.datetime | None

    @classmethod
    def of(cls, laporan: dict | None) -> "Header | None":
        """The header of a validated laporan row (None when the file had none)."""
        if laporan is None:
            return None
        return cls(**{f.name: laporan.get(f.name) for f in fields(cls)})


@dataclass
class Outcome:
    """What happened to one new file."""

    delivery: Delivery
    status: str
    errors: list[Galat] = field(default_factory=list)
    laporan: Header | None = None
    result: Result | None = None
    superseded_by: str | None = None
    error_report: str | None = None  # relative to the data dir


@dataclass
class Discovery:
    """What the inboxes hold that the registry does not know yet."""

    new: list[Delivery]
    # Byte-identical copies of files already registered in the same inbox, with that file's path.
    duplicates: list[tuple[Delivery, str]]
    skipped: Counter  # per inbox: files already registered under the same path and content
    # The registry columns the ingest decides with (see DECISION_COLUMNS).
    registry: pl.DataFrame


@dataclass
class Batch:
    """One batch of new files, decided: what each is, and the registered files it supersedes."""

    outcomes: list[Outcome]
    superseded: list[Superseded]


@dataclass
class IngestSummary:
    """Counts of a run per Polres and status."""

    outcomes: list[Outcome]
    skipped: Counter

    def counts(self) -> dict[str, Counter]:
        per: dict[str, Counter] = {}
        for o in self.outcomes:
            per.setdefault(o.delivery.inbox, Counter())[o.status] += 1
        for inbox, n in self.skipped.items():
            per.setdefault(inbox, Counter())["dilewati"] += n
        return per

    def totals(self) -> Counter:
        total: Counter = Counter()
        for counter in self.counts().values():
            total.update(counter)
        return total
