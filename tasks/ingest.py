"""Tasks of the ingest flow; only I/O tasks retry."""

from collections.abc import Callable, Iterator

from prefect import task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event
from prefect.futures import PrefectFuture

from lapsit import curated, ingest, outcomes
from lapsit.reference import Reference
from lapsit.settings import Settings

discover_files = task(
    ingest.discover, name="discover_files", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE
)
validate_submissions = task(
    ingest.validate_deliveries, name="validate_submissions", cache_policy=NO_CACHE
)
write_error_reports = task(
    ingest.write_reports, name="write_error_reports", retries=2, cache_policy=NO_CACHE
)
write_curated = task(ingest.write_curated, name="write_curated", retries=2, cache_policy=NO_CACHE)
write_registry = task(
    curated.add_to_registry, name="write_registry", retries=2, cache_policy=NO_CACHE
)

STEPS = ingest.Steps(
    discover=discover_files,
    validate=validate_submissions,
    write_reports=write_error_reports,
    write_curated=write_curated,
    write_registry=write_registry,
)


@task(
    name="record_submission",
    task_run_name="validasi {verdict.kode_polres} {verdict.berkas}",
    cache_policy=NO_CACHE,
)
def record_submission(verdict: outcomes.Verdict, event: dict | None = None) -> str:
    """One run per new file: Completed with its status, or Failed naming its first errors.

    A rejection also emits `event` (the Polres as resource) for Automations.
    """
    try:
        return outcomes.check(verdict)
    except outcomes.SubmisiDitolak:
        if event:
            emit_event(**event)
        raise


@task(name="publish_rejections", cache_policy=NO_CACHE)
def publish_rejections(rows: list[dict], counts: str) -> None:
    """The table artifact of this run's rejected submissions (empty when none were)."""
    description = (
        f"Submisi ditolak pada run ini ({len(rows)}). Ringkasan: {counts}."
        if rows
        else f"Tidak ada submisi ditolak pada run ini. Ringkasan: {counts}."
    )
    create_table_artifact(key=outcomes.REJECTED_ARTIFACT, table=rows, description=description)


def on_dask(address: str | None) -> Callable[..., Iterator[list[ingest.Outcome]]]:
    """The ingest's schedule on a Dask cluster: each batch validated as chunks, one task each.

    `address`: the scheduler of an existing cluster (`tcp://HOST:8786`); None starts a
    temporary `distributed.LocalCluster` of worker processes for this run. Only the
    validation (reading included) runs on the workers, which must see the inboxes at the
    same path; supersession and every write stay in the flow's process, in order.
    """

    def schedule(
        validate: ingest.Validate,
        batches: list[list[ingest.Delivery]],
        ref: Reference,
        settings: Settings,
    ) -> Iterator[list[ingest.Outcome]]:
        from prefect_dask import DaskTaskRunner

        if not batches:
            return
        runner = DaskTaskRunner(address=address) if address else DaskTaskRunner()
        with runner:
            try:  # the client, and a temporary cluster, start on first use
                workers = runner.client.scheduler_info()["workers"].values()
            except OSError as exc:  # distributed's connect timeout is an OSError
                where = address or "lokal sementara"
                raise ingest.ClusterError(
                    f"Klaster Dask {where} tidak dapat dihubungi: {exc}"
                ) from exc
            threads = sum(w.get("nthreads", 1) for w in workers)

            def submit(chunk: list[ingest.Delivery]) -> PrefectFuture:
                parameters = {"deliveries": chunk, "ref": ref, "settings": settings}
                return runner.submit(validate, parameters)

            # Two chunks per worker thread in flight: none idles while one is collected.
            yield from ingest.spread(
                submit, batches, settings.dask_chunk_files, in_flight=max(2 * threads, 2)
            )

    return schedule
