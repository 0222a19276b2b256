"""A real `prefect server start`, as staff run it: what `lapsit ingest` shows, read back through its API.

The server runs in its own process group with its own PREFECT_HOME; `lapsit
ingest` runs in another process pointed at it with PREFECT_API_URL, as on a
Polda's machine. Then the server is read back: a Failed flow run per rejected
file named after it, none for the accepted ones, the ingest's state name, the
artifact, one event per rejection, and no traceback in any log; and the
console output is read as an officer would.
"""

import asyncio
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from prefect.events.filters import EventFilter, EventNameFilter

from tests.builders import TANGGAL, bad_tabalong, valid_sections, write
from tests.prefect_server import environment, running_server

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
LAPSIT = Path(sys.executable).parent / "lapsit"
# The server records events from its event stream, a few seconds behind.
RECORDING_SECONDS = 45


@pytest.fixture
def prefect_server(tmp_path):
    """`prefect server start` on a free loopback port; yields (API URL, its PREFECT_HOME)."""
    home = tmp_path / "prefect-home"
    with running_server(home) as api:
        yield api, home


def _lapsit_ingest(
    data: Path, env: dict[str, str], timeout: int = 180
) -> subprocess.CompletedProcess:
    """`lapsit ingest` in its own process with Prefect's INFO logs on: it must exit 0."""
    done = subprocess.run(
        [str(LAPSIT), "ingest", "--data-dir", str(data)],
        cwd=ROOT,
        env=env | {"PREFECT_LOGGING_LEVEL": "INFO"},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def deliver(data: Path) -> None:
    """Two accepted files, and three rejected for different reasons in two Polres."""
    write(data / "raw" / "balangan" / f"{TANGGAL}.xlsx", valid_sections())
    write(
        data / "raw" / "balangan" / "2024-11-19.xlsx",
        valid_sections(tanggal=TANGGAL.replace(day=19)),
    )
    write(data / "raw" / "tabalong" / f"{TANGGAL}.json", bad_tabalong())
    negative = valid_sections("balangan", TANGGAL.replace(day=18))
    negative["pengamanan"][0]["personel_tni"] = -3
    write(data / "raw" / "balangan" / "2024-11-18.xlsx", negative)
    (data / "raw" / "tabalong" / "foto.jpg").write_bytes(b"\xff\xd8\xff")


async def _read_back(api: str) -> tuple:
    """Poll until the server holds the ingest, its rejections' runs, the artifact and events."""
    deadline = time.monotonic() + RECORDING_SECONDS
    async with PrefectClient(api=api) as client:
        while True:
            runs = await client.read_flow_runs()
            artifacts = await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["submisi-ditolak"]))
            )
            page = await client.read_events(
                filter=EventFilter(event=EventNameFilter(name=["lapsit.submisi.ditolak"])),
                limit=50,  # the client's default (100) is above what the server accepts
            )
            if artifacts and len(page.events) >= 3:
                logs = await client.read_logs()
                return runs, artifacts, page.events, logs
            if time.monotonic() > deadline:
                pytest.fail(f"not recorded: {len(runs)} runs, {len(page.events)} events")
            await asyncio.sleep(1)


def test_rejected_submissions_show_on_a_real_server_and_the_console_stays_quiet(
    prefect_server, tmp_path
):
    api, home = prefect_server
    data = tmp_path / "data"
    deliver(data)
    done = _lapsit_ingest(data, environment(home, PREFECT_API_URL=api))

    # The console: the summary, one line per rejected file, no Prefect INFO lines, no traceback.
    console = done.stdout + done.stderr
    assert "Ringkasan ingest" in done.stdout
    rejected_lines = [line for line in console.splitlines() if "Ditolak" in line]
    assert sorted(line.split()[1] for line in rejected_lines) == [
        "balangan/2024-11-18.xlsx",
        "tabalong/2024-11-20.json",
        "tabalong/foto.jpg",
    ], console
    assert "Traceback" not in console and "| INFO" not in console
    assert "telemetry" not in console.lower()
    assert done.stderr == ""

    runs, artifacts, events, logs = asyncio.run(_read_back(api))
    by_name = {r.name: r for r in runs}
    (ingest,) = [r for r in runs if r.name.startswith("ingest · ")]
    assert re.fullmatch(r"ingest · kalsel · \d\d/\d\d \d\d\.\d\d WITA", ingest.name)
    assert ingest.state.type.value == "COMPLETED"
    assert ingest.state.name == "Selesai · 3 ditolak"
    assert ingest.state.message == (
        "Ingest selesai: diterima 2, ditolak 3, digantikan 0, duplikat 0, dilewati 0"
    )
    # A Failed flow run per rejected file, named after it; none for the accepted files.
    failed = sorted(r.name for r in runs if r.state.type.value == "FAILED")
    assert failed == [
        "ditolak · balangan · 2024-11-18.xlsx",
        "ditolak · tabalong · 2024-11-20.json",
        "ditolak · tabalong · foto.jpg",
    ]
    assert len(runs) == 4
    negative = by_name["ditolak · balangan · 2024-11-18.xlsx"].state.message
    assert "[lembar pengamanan, baris 2, kolom personel_tni]" in negative
    assert "Laporan galat lengkap: " in negative
    wrong = by_name["ditolak · tabalong · 2024-11-20.json"].state.message
    assert "63.11.06" in wrong and "kode_kecamatan" in wrong
    assert sorted(by_name["ditolak · tabalong · foto.jpg"].tags) == [
        "polda:kalsel",
        "polres:tabalong",
    ]
    # No traceback in any log the server holds.
    assert logs and not [log.message for log in logs if "Traceback" in log.message]

    (artifact,) = artifacts
    assert artifact.type == "table" and artifact.flow_run_id == ingest.id
    rows = json.loads(artifact.data)
    assert [(r["Polres"], r["Berkas"]) for r in rows] == [
        ("Polres Balangan", "2024-11-18.xlsx"),
        ("Polres Tabalong", "2024-11-20.json"),
        ("Polres Tabalong", "foto.jpg"),
    ]

    # One event per rejection: the Polres as resource, its Polda and its own run related.
    by_file = {e.payload["path"]: e for e in events}
    assert sorted(by_file) == [
        "balangan/2024-11-18.xlsx",
        "tabalong/2024-11-20.json",
        "tabalong/foto.jpg",
    ]
    assert len(events) == 3
    event = by_file["tabalong/2024-11-20.json"]
    assert event.resource.id == "lapsit.polres.tabalong"
    assert event.resource["lapsit.polda"] == "kalsel"
    assert event.payload["jumlah_galat"] == 3
    related = {r.id for r in event.related}
    assert "lapsit.polda.kalsel" in related
    assert f"prefect.flow-run.{by_name['ditolak · tabalong · 2024-11-20.json'].id}" in related
    assert "63.11.06" not in json.dumps(event.payload)  # no cell value in an alert


@pytest.mark.slow
def test_on_the_embedded_server_the_console_stays_quiet_to_the_end(tmp_path):
    """Without a server, `lapsit ingest` starts Prefect's embedded one and stops it at exit;
    neither its start nor its stop shows a Prefect INFO line on the console."""
    data = tmp_path / "data"
    deliver(data)
    done = _lapsit_ingest(data, environment(tmp_path / "prefect-home"), timeout=300)
    console = done.stdout + done.stderr
    assert "Ringkasan ingest" in done.stdout
    assert "| INFO" not in console and "temporary server" not in console, console[-2000:]
    assert done.stderr == ""
