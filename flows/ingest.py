"""The ingest flow: inboxes -> registry + curated tables; a Failed subflow run per rejection.

The steps of `lapsit.ingest.run` run as the task runs of `tasks/ingest.py`
(discover, validate, decide, then error reports, tables and registry per
batch), in this process or with the validation spread over a Dask cluster.
Accepted, superseded, duplicate and skipped files cost no Prefect run: they
are counted in the run's state. Each rejected file becomes its own Failed
subflow run (`rejection_flow`), started once the registry records it
(`lapsit.ingest.announce`), which also emits its event for Automations.
"""

import asyncio
import logging
from collections.abc import Iterator
from uuid import UUID

from prefect import Task, flow, get_client, get_run_logger, tags
from prefect.events import emit_event
from prefect.events.worker import EventsWorker
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.states import Completed, Failed, State
from prefect.utilities.asyncutils import run_coro_as_sync

from flows.params import AlamatDask, FolderData, PelaksanaTugas
from lapsit.clock import now_utc
from lapsit.errors import ClusterError, LapsitError, UsageError
from lapsit.ingest import verdicts
from lapsit.ingest.announce import Announcer
from lapsit.ingest.records import Delivery, Outcome
from lapsit.ingest.run import run_ingest
from lapsit.ingest.spread import Schedule, Validate, in_order, spread
from lapsit.ingest.verdicts import Rejection
from lapsit.reference import Reference, load_reference
from lapsit.settings import Settings, resolved
from tasks.ingest import STEPS, publish_rejections, validate_submissions
from tasks.reference import load_reference as load_reference_task

# How long a batch waits for its events to leave before the outbox forgets them.
EVENTS_DRAIN_SECONDS = 30


@flow(name="ditolak", flow_run_name="{penolakan.run_name}", log_prints=False)
def rejection_flow(penolakan: Rejection) -> State:
    """One rejected submission: Failed, its first errors in the message; emits its event.

    A rejection is an outcome, not a crash: the run returns its Failed state
    (no exception, so no traceback anywhere). The ingest does not execute this
    flow for each rejection (`announce` records its run directly, Failed, as a
    subflow run of the ingest); it is the flow those runs belong to, and runs
    like this when started by hand.
    """
    emit_event(**verdicts.rejection_event(penolakan))
    return Failed(name="Ditolak", message=penolakan.message)


# The placeholder task run a subflow run hangs from in its parent (as Prefect makes one).
_SUBFLOW_TASK = Task(name=rejection_flow.name, fn=rejection_flow.fn, version=rejection_flow.version)
# Rejections recorded at once against the server.
ANNOUNCE_CONCURRENCY = 1


def announce(rejections: list[Rejection]) -> None:
    """A Failed subflow run per rejection, tagged with its Polres and Polda; events sent.

    Each run is recorded directly in its final state (the placeholder task run
    in the ingest, then the flow run), concurrently: a rejection's run has
    nothing to execute, and running the flow engine for each cost about half a
    second (docs/performance.md). The events are emitted here too.
    """
    parent = flow_run.get_id()
    if parent is None:  # not inside a flow run: nothing to hang the runs from
        for r in rejections:
            with tags(*r.tags):
                rejection_flow(r, return_state=True)
    else:
        runs = run_coro_as_sync(_record(rejections, UUID(parent)))
        for r, run_id in zip(rejections, runs, strict=True):
            event = verdicts.rejection_event(r)
            own = {
                "prefect.resource.id": f"prefect.flow-run.{run_id}",
                "prefect.resource.role": "flow-run",
            }
            emit_event(**event | {"related": [*event.get("related", []), own]})
    # The outbox forgets these once this returns: let their events leave first. Draining
    # logs "Still processing items" at WARNING while the queue empties: not for an officer.
    worker = logging.getLogger(EventsWorker.__name__)
    level = worker.level
    worker.setLevel(logging.ERROR)
    try:
        EventsWorker.drain_all(timeout=EVENTS_DRAIN_SECONDS, at_exit=False)
    finally:
        worker.setLevel(level)


async def _record(rejections: list[Rejection], parent: UUID) -> list[UUID]:
    """Record each rejection's Failed subflow run; returns their ids, in order."""
    gate = asyncio.Semaphore(ANNOUNCE_CONCURRENCY)
    async with get_client() as client:

        async def one(r: Rejection) -> UUID:
            state = Failed(name="Ditolak", message=r.message)
            async with gate:
                placeholder = await client.create_task_run(
                    task=_SUBFLOW_TASK,
                    flow_run_id=parent,
                    dynamic_key=r.event_id,
                    name=f"{rejection_flow.name}-{r.event_id[:3]}",
                    extra_tags=r.tags,
                    state=state,
                )
                run = await client.create_flow_run(
                    flow=rejection_flow,
                    name=r.run_name,
                    parameters={"penolakan": r.to_dict()},
                    tags=r.tags,
                    parent_task_run_id=placeholder.id,
                    state=state,
                )
            return run.id

        return list(await asyncio.gather(*(one(r) for r in rejections)))


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


def ingest_run_name() -> str:
    """What an ingest run works on and when: the Polda of the inboxes and the local time."""
    now = now_utc()
    try:
        settings = resolved(flow_run.parameters.get("data_dir"))
        ref = load_reference(settings.catalog.reference_dir)
        raw = settings.catalog.raw_dir
        inboxes = sorted(p.name for p in raw.iterdir() if p.is_dir()) if raw.is_dir() else []
    except (LapsitError, OSError):  # the run itself reports it; the name stays plain
        return verdicts.ingest_run_name([], None, now)
    polda_of = ref.polda_of()
    present = {polda_of[i] for i in inboxes if i in polda_of}
    polda = [p for p in ref.polda_codes() if p in present]
    zones = ref.zones()
    first = next((i for i in inboxes if polda and polda_of.get(i) == polda[0]), None)
    return verdicts.ingest_run_name(polda, zones.get(first), now)


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
    announcer = Announcer(settings.catalog.outbox, settings.data_dir, ref, announce)
    # Overlapping runs wait for each other on the data dir's file lock (lapsit.storage.lock).
    summary = run_ingest(settings, ref, steps=STEPS, schedule=schedule, announcer=announcer)
    totals = summary.totals()
    counts = verdicts.counts_message(totals)
    shown = [verdicts.verdict(o) for o in summary.outcomes]
    publish_rejections(verdicts.rejected_rows(shown, ref, settings.data_dir), counts)
    get_run_logger().info("Ingest selesai: %s", counts)
    return Completed(
        name=verdicts.state_name(totals), message=f"Ingest selesai: {counts}", data=summary
    )
