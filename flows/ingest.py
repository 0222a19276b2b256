"""The ingest flow: inboxes -> registry + curated tables; a Failed subflow run per rejection.

Read top to bottom, per batch of new files: discover, read and validate (in this
process or spread over a Dask cluster), decide, write the error reports, write the
tables, record the registry, announce the rejections. Each step is a task run of
`tasks/ingest.py` around a plain function of `lapsit.ingest`; what the run keeps
between batches is a `lapsit.ingest.run.Run`. Accepted, superseded, duplicate and
skipped files cost no Prefect run: they are counted in the run's state. Each rejected
file becomes its own Failed subflow run once the registry records it
(`flows.rejection_runs`), with its event for Automations.
"""

from collections.abc import Iterator
from contextlib import closing

from prefect import flow, get_run_logger
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.states import Completed, State

from flows.params import AlamatDask, FolderData, PelaksanaTugas
from flows.rejection_runs import announce
from lapsit.clock import now_utc
from lapsit.errors import ClusterError, LapsitError, UsageError
from lapsit.ingest import verdicts
from lapsit.ingest.announce import Outbox
from lapsit.ingest.discover import batches_of
from lapsit.ingest.records import Delivery, Outcome
from lapsit.ingest.run import Run
from lapsit.ingest.spread import Schedule, Validate, in_order, spread
from lapsit.reference import Reference, load_reference
from lapsit.settings import Settings, resolved
from lapsit.storage.lock import ingest_lock
from tasks.ingest import (
    decide_outcomes,
    discover_files,
    publish_rejections,
    validate_submissions,
    write_error_reports,
    write_registry,
    write_tables,
)
from tasks.reference import load_reference as load_reference_task


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
                return runner.submit(validate_submissions.task, parameters)

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


def ingest_run_name() -> str:
    """What an ingest run works on and when: the Polda of the inboxes and the local time."""
    now = now_utc()
    try:
        settings = resolved(flow_run.parameters.get("data_dir"))
        ref = load_reference(settings.catalog.reference_dir)
        raw = settings.catalog.raw_dir
        inboxes = sorted(p.name for p in raw.iterdir() if p.is_dir()) if raw.is_dir() else []
    except (LapsitError, OSError):  # the run itself reports it; the name stays plain
        return verdicts.ingest_name([], None, now)
    polda_of = ref.polda_of()
    present = {polda_of[i] for i in inboxes if i in polda_of}
    polda = [p for p in ref.polda_codes() if p in present]
    zones = ref.zones()
    first = next((i for i in inboxes if polda and polda_of.get(i) == polda[0]), None)
    return verdicts.ingest_name(polda, zones.get(first), now)


@flow(name="ingest", flow_run_name=ingest_run_name, log_prints=False)
def ingest_flow(
    data_dir: FolderData = "data",
    task_runner: PelaksanaTugas = "default",
    dask_address: AlamatDask = None,
) -> State:
    """Validate every new file in the inboxes and merge the accepted ones.

    Completes whatever it rejected: its state name says what happened
    (`Selesai · 3 ditolak`), its message counts each outcome, and each
    rejected file is a Failed subflow run. Fails only when the run itself
    cannot go on (broken reference file, unreadable curated table,
    unreachable Dask cluster).

    `task_runner="dask"` validates on a Dask cluster (`dask_address`, or a
    temporary local one); the writes stay here, so the tables are the same.
    """
    schedule = schedule_for(task_runner, dask_address)
    settings = resolved(data_dir)
    ref = load_reference_task(settings.catalog.reference_dir)
    outbox = Outbox(settings.catalog.outbox, settings.data_dir, ref)
    # One ingest per data dir at a time: overlapping runs wait here (lapsit.storage.lock).
    with ingest_lock(settings.catalog):
        # Taken once the lock is held: rows of runs that waited are stamped after the runs
        # they waited for (the quality gate's mark relies on it).
        now = now_utc()
        found = discover_files(settings.catalog)
        for staged, rejections in outbox.leftover(found.registry):  # an interrupted run's
            announce(rejections)
            outbox.forget(staged)
        run = Run(found)
        batches = batches_of(found.new, settings.batch_files)
        # Closed on the way out, also when a write fails: a Dask schedule then lets go of
        # its cluster (a temporary local one shuts down) before the error goes up.
        with closing(schedule(validate_submissions, batches, ref, settings)) as validated:
            for outcomes in run.to_decide(validated):
                batch = decide_outcomes(outcomes, run.registry)
                batch = write_error_reports(batch, settings, ref)
                write_tables(batch, settings, ref)
                staged = outbox.stage(batch.outcomes)  # before the registry records them
                rows = write_registry(batch, settings, now)
                if staged:
                    announce(outbox.read(staged))
                    outbox.forget(staged)
                run.committed(batch, rows)
    summary = run.summary()
    totals = summary.totals()
    counts = verdicts.counts_message(totals)
    shown = [verdicts.verdict(o) for o in summary.outcomes]
    publish_rejections(verdicts.rejected_rows(shown, ref, settings.data_dir), counts)
    get_run_logger().info("Ingest selesai: %s", counts)
    return Completed(
        name=verdicts.state_name(totals), message=f"Ingest selesai: {counts}", data=summary
    )
