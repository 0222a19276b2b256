"""A rejected file's Failed run and its event, recorded straight against the Prefect API.

Written for Prefect 3.8 (`PREFECT_SERIES`); `tests/flows/test_rejection_runs.py` fails
when what it relies on changes:

- a subflow run is a flow run whose `parent_task_run_id` is a task run of the parent
  flow run: the placeholder task run Prefect's engine makes for a subflow call, here
  made by hand (`create_task_run` with the `ditolak` flow's name) in its final state;
- `create_flow_run(..., state=Failed(...))` records a run that never executes, so no
  worker, log or traceback belongs to it: a rejection is an outcome, not a crash;
- `EventsWorker.drain_all(timeout=, at_exit=False)` waits until emitted events left.

Each rejection costs two writes (the placeholder, then the flow run): Prefect 3.8's only
bulk flow-run endpoint creates runs of a deployment, which a run of the CLI on the
embedded server has none of (docs/performance.md, "Recording rejections").
"""

import asyncio
import logging
from uuid import UUID

from prefect import Task, flow, get_client, tags
from prefect.events import emit_event
from prefect.events.worker import EventsWorker
from prefect.runtime import flow_run
from prefect.states import Failed, State
from prefect.utilities.asyncutils import run_coro_as_sync

from lapsit.ingest import verdicts
from lapsit.ingest.verdicts import Rejection

PREFECT_SERIES = "3.8"
# How long a batch waits for its events to leave before the outbox forgets them.
EVENTS_DRAIN_SECONDS = 30
# Rejections recorded at once against the server (more at once was slower: the server
# waits on its database).
CONCURRENCY = 1


@flow(name="ditolak", flow_run_name="{penolakan.run_name}", log_prints=False)
def rejection_flow(penolakan: Rejection) -> State:
    """The flow a rejection's run belongs to. The ingest records those runs without running
    this (`announce`); it runs only when started by hand, or outside an ingest run, and
    then does the same: Failed with the first errors as message, and the event."""
    emit_event(**verdicts.rejection_event(penolakan))
    return Failed(name="Ditolak", message=penolakan.message)


# The placeholder task run a subflow run hangs from in its parent (as Prefect makes one).
_PLACEHOLDER = Task(name=rejection_flow.name, fn=rejection_flow.fn, version=rejection_flow.version)


def announce(rejections: list[Rejection]) -> None:
    """A Failed subflow run of the current flow run per rejection, tagged with its Polres
    and Polda, and its event `lapsit.submisi.ditolak` (related to that run); returns once
    the events left."""
    if not rejections:
        return
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
    # Draining logs "Still processing items" at WARNING while the queue empties: not for
    # an officer.
    worker = logging.getLogger(EventsWorker.__name__)
    level = worker.level
    worker.setLevel(logging.ERROR)
    try:
        EventsWorker.drain_all(timeout=EVENTS_DRAIN_SECONDS, at_exit=False)
    finally:
        worker.setLevel(level)


async def _record(rejections: list[Rejection], parent: UUID) -> list[UUID]:
    """Record each rejection's Failed subflow run; returns their ids, in order."""
    gate = asyncio.Semaphore(CONCURRENCY)
    async with get_client() as client:

        async def one(r: Rejection) -> UUID:
            state = Failed(name="Ditolak", message=r.message)
            async with gate:
                placeholder = await client.create_task_run(
                    task=_PLACEHOLDER,
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
