"""The ingest flow end to end on a real embedded Prefect server and real Delta tables."""

import asyncio
import datetime as dt
import os
import re
from pathlib import Path

import polars as pl
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowRunFilter,
    FlowRunFilterId,
    FlowRunFilterParentFlowRunId,
    LogFilter,
    LogFilterFlowRunId,
)

from flows.cli import main
from flows.ingest import ingest_flow
from lapsit.catalog import table
from lapsit.storage import delta
from lapsit.storage.registry import read_registry
from tests.builders import TANGGAL, deliver_good_and_bad, valid_sections, write

pytestmark = pytest.mark.slow


async def _shown(parent_id) -> tuple:
    """The ingest run, its child flow runs, its task runs, and every log line of all of them."""
    async with get_client() as client:
        (run,) = await client.read_flow_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[parent_id]))
        )
        children = await client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[parent_id])
            )
        )
        ids = [parent_id, *(c.id for c in children)]
        tasks = await client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[parent_id]))
        )
        logs = await client.read_logs(
            log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=ids))
        )
        return run, children, tasks, [log.message for log in logs]


def test_ingest_flow_shows_each_rejection_as_a_failed_subflow_and_nothing_per_accepted_file(
    prefect_harness, tmp_path
):
    data = tmp_path / "data"
    deliver_good_and_bad(data)
    for days in (1, 2, 3):  # three more accepted files
        day = TANGGAL - dt.timedelta(days=days)
        write(data / "raw" / "balangan" / f"{day}.xlsx", valid_sections(tanggal=day))
    state = ingest_flow(data_dir=str(data), return_state=True)
    summary = state.result()
    assert sorted(o.status for o in summary.outcomes) == ["diterima"] * 4 + ["ditolak"]
    reg = read_registry(data / "curated")
    assert sorted(reg["status"]) == ["diterima"] * 4 + ["ditolak"]
    rows = delta.read(table(data / "curated", "pengamanan"))
    assert "tabalong" not in rows["kode_polres"].to_list()

    run, children, tasks, logs = asyncio.run(_shown(state.state_details.flow_run_id))
    # The ingest: Completed, its state name says what happened, its name what ran and when.
    assert run.state.type.value == "COMPLETED" and run.state.name == "Selesai · 1 ditolak"
    assert run.state.message == (
        "Ingest selesai: diterima 4, ditolak 1, digantikan 0, duplikat 0, dilewati 0"
    )
    assert re.fullmatch(r"ingest · kalsel · \d\d/\d\d \d\d\.\d\d WITA", run.name), run.name
    assert str(tmp_path) not in run.name
    # One Failed subflow run for the rejected file, none for the four accepted ones.
    (child,) = children
    assert child.name == f"ditolak · tabalong · {TANGGAL}.json"
    assert child.state.type.value == "FAILED" and child.state.name == "Ditolak"
    assert sorted(child.tags) == ["polda:kalsel", "polres:tabalong"]
    message = child.state.message
    assert message.startswith(f"Submisi tabalong/{TANGGAL}.json ditolak: 3 kesalahan.")
    # A JSON file: its errors are told in keys and objects.
    assert "[kunci pengamanan, objek 2, kunci kode_kecamatan]" in message
    report = message.splitlines()[-1].removeprefix("Laporan galat lengkap: ")
    assert Path(report).is_file() and Path(report).is_relative_to(data / "reports" / "galat")
    # The per-file bookkeeping costs no task run: the steps, once per batch, and the subflow.
    names = sorted(re.sub(r"-([0-9a-f]{3}|\d+)$", "", t.name) for t in tasks)
    assert names == sorted(
        [
            "load_reference",
            "discover_files",
            "validate_submissions",
            "decide_outcomes",
            "write_error_reports",
            "write_tables",
            "write_registry",
            "publish_rejections",
            "ditolak",
        ]
    ), names
    # A rejection is an outcome, not a crash: no traceback in any log.
    assert logs and not [m for m in logs if "Traceback" in m or "SubmisiDitolak" in m]
    assert not list((data / "curated" / ".ditolak-tertunda").glob("*.json"))  # announced

    # Idempotent: a second run adds no table version and no rejection run.
    before = {n: delta.version(table(data / "curated", n)) for n in ("pengamanan", "submisi")}
    again = ingest_flow(data_dir=str(data), return_state=True)
    assert again.result().outcomes == []
    assert again.name == "Selesai · tidak ada berkas baru"
    after = {n: delta.version(table(data / "curated", n)) for n in ("pengamanan", "submisi")}
    assert after == before
    _, children, _, _ = asyncio.run(_shown(again.state_details.flow_run_id))
    assert children == []


def test_cli_ingest_prints_the_summary(prefect_harness, tmp_path, capsys):
    data = tmp_path / "data"
    write(data / "raw" / "balangan" / "2024-11-20.xlsx", valid_sections())
    (data / "raw" / "balangan" / "foto.jpg").write_bytes(b"\xff\xd8")
    os.environ.pop("LAPSIT_DATA_DIR", None)
    assert main(["ingest", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "Ringkasan ingest" in out
    assert "Ditolak: balangan/foto.jpg" in out
    reg = read_registry(data / "curated")
    assert reg.filter(pl.col("status") == "ditolak")["path"].to_list() == ["balangan/foto.jpg"]
