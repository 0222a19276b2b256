"""An ingest run: inboxes -> verdicts -> curated tables and registry, batch by batch.

The steps, in order: discover (`lapsit.ingest.discover`), read and validate
(`lapsit.ingest.decide.validate_deliveries`, spread by a schedule of
`lapsit.ingest.spread`), decide (`decide`), then write the batch
(`lapsit.ingest.commit.commit_batch`: error reports, tables, registry). Each
step is a plain function; the ingest flow (`flows/ingest.py`) runs the same
steps as Prefect tasks, so that the Prefect UI shows them, and gives an
`Announcer` (`lapsit.ingest.announce`) that announces each rejection once the
registry records it.

New files are taken in batches (`Settings.batch_files`): memory follows the
batch, not the number of new files, and a batch committed stays committed if
a later one fails; the next run takes up the rest.
"""

import datetime as dt
from contextlib import closing
from dataclasses import dataclass, field
from typing import Protocol

import polars as pl

from lapsit.catalog import Catalog
from lapsit.clock import now_utc
from lapsit.ingest import decide as deciding
from lapsit.ingest.announce import Announcer
from lapsit.ingest.commit import Writers, commit_batch
from lapsit.ingest.discover import batches_of, discover
from lapsit.ingest.records import Batch, Discovery, IngestSummary, Outcome
from lapsit.ingest.spread import Schedule, Validate, in_order
from lapsit.reference import Reference
from lapsit.settings import Settings
from lapsit.storage.lock import ingest_lock


class Discover(Protocol):
    def __call__(self, catalog: Catalog) -> Discovery: ...


class Decide(Protocol):
    def __call__(
        self, outcomes: list[Outcome], registry: pl.DataFrame, earlier: list[Outcome]
    ) -> Batch: ...


@dataclass(frozen=True)
class Steps:
    """The steps of a run; the flow gives Prefect tasks around the same plain functions."""

    discover: Discover = discover
    validate: Validate = deciding.validate_deliveries
    decide: Decide = deciding.decide
    writers: Writers = field(default_factory=Writers)


def run_ingest(
    settings: Settings,
    ref: Reference,
    now: dt.datetime | None = None,
    steps: Steps = Steps(),
    schedule: Schedule = in_order,
    announcer: Announcer | None = None,
) -> IngestSummary:
    """Ingest every new file of every inbox, one ingest per data dir at a time.

    `announcer`: first announces what an interrupted run registered but did not
    announce, then each batch's rejections after its registry write.
    """
    catalog = settings.catalog
    with ingest_lock(catalog):
        # Taken once the lock is held: rows of runs that waited are stamped after the runs
        # they waited for (the quality gate's mark relies on it).
        now = now or now_utc()
        found = steps.discover(catalog)
        registry = found.registry
        if announcer:
            announcer.resume(registry)
        every: list[Outcome] = []
        pending = deciding.duplicate_outcomes(found.duplicates)
        validated = schedule(
            steps.validate, batches_of(found.new, settings.batch_files), ref, settings
        )
        # Closed on the way out, also when a commit fails: a Dask schedule then lets go of
        # its cluster (a temporary local one shuts down) before the error goes up.
        with closing(validated):
            for outcomes in validated:
                batch = steps.decide(outcomes + pending, registry, every)
                pending = []
                registry = commit_batch(
                    batch, registry, settings, ref, now, steps.writers, announcer
                )
                every += batch.outcomes
        if pending:  # only duplicates: nothing to validate
            commit_batch(Batch(pending, []), registry, settings, ref, now, steps.writers, announcer)
            every += pending
    return IngestSummary(outcomes=every, skipped=found.skipped)
