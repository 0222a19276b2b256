"""The ingest flow: inboxes -> registry + curated tables, with one visible run per new file.

The steps of `lapsit.ingest.run` run as the task runs of `tasks/ingest.py`
(discover, validate, decide, then error reports, tables and registry per
batch), in this process or with the validation spread over a Dask cluster.
"""

from collections.abc import Iterator

from prefect import flow, get_run_logger
from prefect.futures import PrefectFuture, wait
from prefect.states import Completed, State

from flows.params import AlamatDask, FolderData, PelaksanaTugas
from lapsit.errors import ClusterError, UsageError
from lapsit.ingest import verdicts
from lapsit.ingest.records import Delivery, IngestSummary, Outcome
from lapsit.ingest.run import run_ingest
from lapsit.ingest.spread import Schedule, Validate, in_order, spread
from lapsit.reference import Reference
from lapsit.settings import Settings, resolved
from schemas.choices import DITOLAK
from tasks.ingest import STEPS, publish_rejections, record_submission, validate_submissions
from tasks.reference import load_reference


def record_outcomes(summary: IngestSummary, ref: Reference, settings: Settings) -> str:
    """Run one task per new file and publish the rejections; returns the counts message."""
    shown = [verdicts.verdict(o) for o in summary.outcomes]
    futures = [
        record_submission.submit(
            v,
            verdicts.rejection_event(v, ref, settings.data_dir) if v.status == DITOLAK else None,
        )
        for v in shown
    ]
    # Rejected files end Failed on purpose; the run itself goes on.
    wait(futures)
    counts = verdicts.counts_message(summary.totals())
    publish_rejections(verdicts.rejected_rows(shown, ref, settings.data_dir), counts)
    return counts


def on_dask(address: str | None) -> Schedule:
    """Validate each batch as chunks of task runs on a Dask cluster (`lapsit.ingest.spread`).

    `address`: the scheduler of an existing cluster (`tcp://HOST:8786`); None starts a
    temporary `distributed.LocalCluster` of worker processes for this run. Only the
    validation (reading included) runs on the workers, which must see the inboxes at the
    same path; supersession and every write stay in the flow's process, in order.
    """

    def schedule(
        validate: Validate, batches: list[list[Delivery]], ref: Reference, settings: Settings
    ) -> Iterator[list[Outcome]]:
        from prefect_dask import DaskTaskRunner

        if not batches:
            return
        runner = DaskTaskRunner(address=address) if address else DaskTaskRunner()
        with runner:
            try:  # the client, and a temporary cluster, start on first use
                workers = runner.client.scheduler_info()["workers"].values()
            except OSError as exc:  # distributed's connect timeout is an OSError
                where = address or "lokal sementara"
                raise ClusterError(f"Klaster Dask {where} tidak dapat dihubungi: {exc}") from exc
            threads = sum(w.get("nthreads", 1) for w in workers)

            def submit(chunk: list[Delivery]) -> PrefectFuture:
                parameters = {"deliveries": chunk, "ref": ref, "settings": settings}
                return runner.submit(validate_submissions, parameters)

            # Two chunks per worker thread in flight: none idles while one is collected.
            yield from spread(
                submit, batches, settings.dask_chunk_files, in_flight=max(2 * threads, 2)
            )

    return schedule


def schedule_for(task_runner: str, dask_address: str | None) -> Schedule:
    """Where the ingest validates: in this process (`default`) or on Dask."""
    if task_runner == "dask":
        return on_dask(dask_address)
    if task_runner != "default":
        raise UsageError(
            f"Pelaksana validasi '{task_runner}' tidak dikenal: pilih default atau dask."
        )
    if dask_address:
        raise UsageError("Alamat klaster Dask hanya dipakai dengan pelaksana validasi dask.")
    return in_order


@flow(name="ingest", flow_run_name="ingest {data_dir}", log_prints=False)
def ingest_flow(
    data_dir: FolderData = "data",
    task_runner: PelaksanaTugas = "default",
    dask_address: AlamatDask = None,
) -> State:
    """Validate every new file in the inboxes and merge the accepted ones.

    Completes whatever it rejected (its message counts each outcome); fails
    only when the run itself cannot go on (broken reference file, unreadable
    curated table, unreachable Dask cluster).

    `task_runner="dask"` validates on a Dask cluster (`dask_address`, or a
    temporary local one); the writes stay here, so the tables are the same.
    """
    schedule = schedule_for(task_runner, dask_address)
    settings = resolved(data_dir)
    ref = load_reference(settings.catalog.reference_dir)
    # Overlapping runs wait for each other on the data dir's file lock (lapsit.storage.lock).
    summary = run_ingest(settings, ref, steps=STEPS, schedule=schedule)
    counts = record_outcomes(summary, ref, settings)
    get_run_logger().info("Ingest selesai: %s", counts)
    return Completed(message=f"Ingest selesai: {counts}", data=summary)
