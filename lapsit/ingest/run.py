"""What an ingest run carries from batch to batch, and the run without Prefect.

The ingest is the flow `flows/ingest.py`: per batch, it reads and validates the new
files, decides, writes the error reports, the tables and the registry, then announces
the rejections. What it keeps between batches (the registry as written so far, the
outcomes, the duplicates waiting for a batch, the progress) is a `Run`.

`run_ingest` calls the same plain step functions in the flow's order, for code that
must run without Prefect (tests, the profile benchmark); `tests/flows/test_ingest_path.py`
checks that both give the same registry and tables.

New files are taken in batches (`Settings.batch_files`): memory follows the
batch, not the number of new files, and a batch committed stays committed if
a later one fails; the next run takes up the rest.
"""

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field

import polars as pl

from lapsit.clock import now_utc
from lapsit.ingest import commit, decide, discover
from lapsit.ingest.records import Batch, Discovery, IngestSummary, Outcome
from lapsit.ingest.spread import Schedule, in_order
from lapsit.reference import Reference
from lapsit.settings import Settings
from lapsit.storage.lock import ingest_lock

# One INFO record per batch read (`dibaca 120 dari 2.000 berkas`); the CLI draws its bar
# from these records (`flows/cli/runs.py`), its `kemajuan` attribute (done, total).
PROGRESS = logging.getLogger("lapsit.ingest.kemajuan")


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@dataclass
class Run:
    """An ingest run between its batches: the registry as written so far, the outcomes."""

    found: Discovery
    registry: pl.DataFrame = field(init=False)
    outcomes: list[Outcome] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.registry = self.found.registry

    def to_decide(self, validated: Iterator[list[Outcome]]) -> Iterator[list[Outcome]]:
        """Each validated batch to decide, its progress logged; the copies of registered
        files ride with the first batch (alone when no file is new)."""
        waiting = decide.duplicate_outcomes(self.found.duplicates)
        total, read = len(self.found.new), 0
        for outcomes in validated:
            read += len(outcomes)
            PROGRESS.info(
                "dibaca %s dari %s berkas",
                _thousands(read),
                _thousands(total),
                extra={"kemajuan": (read, total)},
            )
            yield outcomes + waiting
            waiting = []
        if waiting:
            yield waiting

    def committed(self, batch: Batch, rows: pl.DataFrame) -> None:
        """The batch is in the registry: the run's registry and outcomes follow it."""
        self.registry = commit.updated_registry(
            self.registry, rows.select(self.registry.columns), batch.superseded
        )
        by = {(s.id_submisi, s.path): s.digantikan_oleh for s in batch.superseded}
        earlier = [
            decide.superseded(o, by[(o.delivery.sha256, o.delivery.rel)])
            if (o.delivery.sha256, o.delivery.rel) in by
            else o
            for o in self.outcomes
        ]
        # The section frames are in the tables now: memory is kept per batch.
        self.outcomes = earlier + [dataclasses.replace(o, result=None) for o in batch.outcomes]

    def summary(self) -> IngestSummary:
        return IngestSummary(outcomes=self.outcomes, skipped=self.found.skipped)


def run_ingest(
    settings: Settings,
    ref: Reference,
    now: dt.datetime | None = None,
    schedule: Schedule = in_order,
) -> IngestSummary:
    """The ingest flow's steps without Prefect, in its order. Rejections are not announced:
    their Failed runs and events (and the outbox that guards them) are the flow's."""
    catalog = settings.catalog
    with ingest_lock(catalog):
        now = now or now_utc()
        found = discover.discover(catalog)
        run = Run(found)
        batches = discover.batches_of(found.new, settings.batch_files)
        with closing(schedule(decide.validate_deliveries, batches, ref, settings)) as validated:
            for outcomes in run.to_decide(validated):
                batch = decide.decide(outcomes, run.registry)
                batch = commit.write_error_reports(batch, settings, ref)
                commit.write_tables(batch, settings, ref)
                rows = commit.write_registry(batch, settings, now)
                run.committed(batch, rows)
    return run.summary()
