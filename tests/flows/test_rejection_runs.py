"""What `flows/rejection_runs.py` relies on in Prefect, checked on a real server: if an upgrade
changes it, this fails (the adapter says which Prefect it is written for)."""

import asyncio
import uuid

import prefect
import pytest
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId
from prefect.runtime import flow_run

from flows.rejection_runs import PREFECT_SERIES, announce
from lapsit.ingest.verdicts import Rejection

pytestmark = pytest.mark.slow


def _rejection() -> Rejection:
    return Rejection(
        event_id=str(uuid.uuid4()),
        kode_polres="tabalong",
        nama_polres="Polres Tabalong",
        kode_polda="kalsel",
        berkas="2024-11-20.json",
        path="tabalong/2024-11-20.json",
        id_submisi="ab" * 32,
        jumlah_galat=2,
        message="Submisi tabalong/2024-11-20.json ditolak: 2 kesalahan.",
        laporan_galat=None,
    )


def test_the_installed_prefect_is_the_one_the_adapter_is_written_for():
    assert prefect.__version__.startswith(f"{PREFECT_SERIES}."), prefect.__version__


def test_a_recorded_rejection_is_a_failed_subflow_run_of_the_ingest(prefect_harness):
    rejection = _rejection()

    @flow(name="ingest-uji")
    def parent() -> str:
        announce([rejection])
        return flow_run.get_id()

    parent_id = parent()

    async def shown():
        async with get_client() as client:
            (child,) = await client.read_flow_runs(
                flow_run_filter=FlowRunFilter(
                    parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[parent_id])
                )
            )
            placeholder = await client.read_task_run(child.parent_task_run_id)
            return child, placeholder, await client.read_flow(child.flow_id)

    child, placeholder, child_flow = asyncio.run(shown())
    # A subflow run: under a task run of the ingest, as the engine would hang it.
    assert str(placeholder.flow_run_id) == parent_id
    assert child_flow.name == "ditolak" and child.name == rejection.run_name
    # In its final state, never run: Failed "Ditolak" with the message, no traceback.
    assert child.state.type.value == "FAILED" and child.state.name == "Ditolak"
    assert child.state.message == rejection.message
    assert placeholder.state.type.value == "FAILED"
    assert set(rejection.tags) <= set(child.tags)
