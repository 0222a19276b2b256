"""Tasks of the ingest flow: thin, named wrappers around `lapsit.ingest`'s steps, each
taking values and returning values.

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

from lapsit import artifacts
from lapsit.ingest import commit, decide, discover


def quoted(step: Task) -> Callable[..., Any]:
    """Call `step` as a task run, its arguments quoted (Prefect does not walk them); the
    task itself is `.task` (a Dask runner submits it)."""

    @functools.wraps(step.fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        return step(*map(quote, args), **{k: quote(v) for k, v in kwargs.items()})

    run.task = step  # type: ignore[attr-defined]
    return run


discover_files = quoted(
    task(discover.discover, name="discover_files", retries=2, retry_delay_seconds=2,
         cache_policy=NO_CACHE)
)  # fmt: skip
validate_submissions = quoted(
    task(decide.validate_deliveries, name="validate_submissions", cache_policy=NO_CACHE)
)
decide_outcomes = quoted(task(decide.decide, name="decide_outcomes", cache_policy=NO_CACHE))
write_error_reports = quoted(
    task(commit.write_error_reports, name="write_error_reports", retries=2, cache_policy=NO_CACHE)
)
write_tables = quoted(
    task(commit.write_tables, name="write_tables", retries=2, cache_policy=NO_CACHE)
)
write_registry = quoted(
    task(commit.write_registry, name="write_registry", retries=2, cache_policy=NO_CACHE)
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
    create_table_artifact(key=artifacts.REJECTED, table=rows, description=description)
