"""A real `prefect server start`, as staff run it: a rejected submission is visible through its API.

The server runs in its own process group with its own PREFECT_HOME; `lapsit
ingest` runs in another process pointed at it with PREFECT_API_URL. What the
UI shows is then read back through the Prefect client: the failed task run
with its errors, the artifact and the custom event.
"""

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterKey,
    FlowRunFilter,
    FlowRunFilterName,
)
from prefect.events.filters import EventFilter, EventNameFilter

from tests.builders import valid_sections, write
from tests.prefect_server import environment, running_server

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PREFECT = [sys.executable, "-m", "prefect"]
# The server records task runs and events from its event stream, a few seconds behind.
RECORDING_SECONDS = 45


@pytest.fixture
def prefect_server(tmp_path):
    """`prefect server start` on a free loopback port; yields (API URL, its PREFECT_HOME)."""
    home = tmp_path / "prefect-home"
    with running_server(home) as api:
        yield api, home


async def _read_back(api: str, flow_run_name: str) -> tuple:
    """Poll until the server has recorded the run's task runs, artifact and event."""
    deadline = time.monotonic() + RECORDING_SECONDS
    async with PrefectClient(api=api) as client:
        while True:
            (run,) = await client.read_flow_runs(
                flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[flow_run_name]))
            )
            tasks = {t.name: t for t in await client.read_task_runs()}
            artifacts = await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["submisi-ditolak"]))
            )
            page = await client.read_events(
                filter=EventFilter(event=EventNameFilter(name=["lapsit.submisi.ditolak"])),
                limit=50,  # the client's default (100) is above what the server accepts
            )
            bad = tasks.get("validasi tabalong 2024-11-20.json")
            recorded = bad is not None and bad.state is not None and bad.state.is_final()
            if recorded and artifacts and page.events:
                return run, tasks, artifacts, page.events
            if time.monotonic() > deadline:
                pytest.fail(f"not recorded: tasks {sorted(tasks)}, events {len(page.events)}")
            await asyncio.sleep(1)


def test_a_rejected_submission_shows_on_a_real_server(prefect_server, tmp_path):
    api, home = prefect_server
    data = tmp_path / "data"
    write(data / "raw" / "balangan" / "2024-11-20.xlsx", valid_sections())
    bad = valid_sections("tabalong")
    bad["pengamanan"][0]["kode_kecamatan"] = "63.09.01"  # a Balangan kecamatan
    write(data / "raw" / "tabalong" / "2024-11-20.json", bad)

    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "ingest", "--data-dir", str(data)],
        cwd=ROOT,
        env=environment(home, PREFECT_API_URL=api),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Ditolak: tabalong/2024-11-20.json" in done.stdout

    run, tasks, artifacts, events = asyncio.run(_read_back(api, f"ingest {data.resolve()}"))
    assert run.state.type.value == "COMPLETED"
    assert run.state.message == (
        "Ingest selesai: diterima 1, ditolak 1, digantikan 0, duplikat 0, dilewati 0"
    )
    failed = tasks["validasi tabalong 2024-11-20.json"]
    assert failed.state.type.value == "FAILED"
    assert "[lembar pengamanan, baris 2, kolom kode_kecamatan]" in failed.state.message
    assert "63.11.06" in failed.state.message
    assert tasks["validasi balangan 2024-11-20.xlsx"].state.type.value == "COMPLETED"

    (artifact,) = artifacts
    assert artifact.type == "table" and artifact.flow_run_id == run.id
    (row,) = json.loads(artifact.data)
    assert row["Polres"] == "Polres Tabalong" and row["Jumlah galat"] == 2
    assert row["Laporan galat"].endswith(".md")

    (event,) = events
    assert event.resource.id == "lapsit.polres.tabalong"
    assert event.resource["lapsit.polda"] == "kalsel"
    assert event.payload["berkas"] == "2024-11-20.json"
    assert event.payload["jumlah_galat"] == 2
    # Related to its runs, so that an Automation can link back to them.
    related = {r.id for r in event.related}
    assert f"prefect.flow-run.{run.id}" in related
    assert f"prefect.task-run.{failed.id}" in related
