"""Tasks of the ingest flow: thin, named wrappers around `lapsit.ingest`'s steps.

Only I/O tasks retry. A step's arguments are handed to Prefect quoted: Prefect
walks every collection a task is given (to find futures), and a batch holds
thousands of records, so walking it would cost seconds per run for nothing.
"""

import functools
from collections.abc import Callable
from typing import Any

from prefect import Task, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from lapsit.ingest import commit, decide, discover, verdicts
from lapsit.ingest.run import Steps

discover_files = task(
    discover.discover,
    name="discover_files",
    retries=2,
    retry_delay_seconds=2,
    cache_policy=NO_CACHE,
)
validate_submissions = task(
    decide.validate_deliveries, name="validate_submissions", cache_policy=NO_CACHE
)
decide_outcomes = task(decide.decide, name="decide_outcomes", cache_policy=NO_CACHE)
write_error_reports = task(
    commit.write_error_reports, name="write_error_reports", retries=2, cache_policy=NO_CACHE
)
write_tables = task(commit.write_tables, name="write_tables", retries=2, cache_policy=NO_CACHE)
write_registry = task(
    commit.write_registry, name="write_registry", retries=2, cache_policy=NO_CACHE
)


def quoted(step: Task) -> Callable[..., Any]:
    """Run `step` as a task run, its arguments quoted (Prefect does not walk them)."""

    @functools.wraps(step.fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        return step(*map(quote, args), **{k: quote(v) for k, v in kwargs.items()})

    return run


# The steps of `lapsit.ingest.run.run_ingest`, each a task run in the Prefect UI.
STEPS = Steps(
    discover=quoted(discover_files),
    validate=quoted(validate_submissions),
    decide=quoted(decide_outcomes),
    writers=commit.Writers(
        error_reports=quoted(write_error_reports),
        tables=quoted(write_tables),
        registry=quoted(write_registry),
    ),
)


@task(name="publish_rejections", cache_policy=NO_CACHE)
def publish_rejections(rows: list[dict], counts: str) -> None:
    """The table artifact of this run's rejected submissions (empty when none were)."""
    description = (
        f"Submisi ditolak pada run ini ({len(rows)}). Ringkasan: {counts}. Tabel ini memuat "
        "galat pertama tiap berkas; semua galatnya ada di run `ditolak · <polres> · <berkas>` "
        "(tab Details, State Message) dan di laporan galatnya."
        if rows
        else f"Tidak ada submisi ditolak pada run ini. Ringkasan: {counts}."
    )
    create_table_artifact(key=verdicts.REJECTED_ARTIFACT, table=rows, description=description)
