"""The ingest flow end to end on a real embedded Prefect server and real Delta tables."""

import asyncio
import os

import polars as pl
import pytest
from prefect.client.orchestration import get_client

from flows.cli import main
from flows.ingest import ingest_flow
from lapsit.catalog import table
from lapsit.storage import delta
from lapsit.storage.registry import read_registry
from tests.builders import valid_sections, write

pytestmark = pytest.mark.slow


async def _flow_run_states(name: str) -> list[str]:
    async with get_client() as client:
        runs = await client.read_flow_runs()
        return [r.state.type.value for r in runs if r.name == name]


def test_ingest_flow_registers_every_file_and_completes(prefect_harness, tmp_path):
    data = tmp_path / "data"
    write(data / "raw" / "balangan" / "2024-11-20.xlsx", valid_sections())
    bad = valid_sections("tabalong")
    bad["pengamanan"][0]["kode_kecamatan"] = "63.09.01"
    write(data / "raw" / "tabalong" / "2024-11-20.json", bad)
    summary = ingest_flow(data_dir=str(data))
    assert sorted(o.status for o in summary.outcomes) == ["diterima", "ditolak"]
    reg = read_registry(data / "curated")
    assert sorted(reg["status"]) == ["diterima", "ditolak"]
    rows = delta.read(table(data / "curated", "pengamanan"))
    assert rows["kode_polres"].unique().to_list() == ["balangan"]
    assert asyncio.run(_flow_run_states(f"ingest {data}")) == ["COMPLETED"]
    # Idempotent: a second run adds no table version.
    before = {n: delta.version(table(data / "curated", n)) for n in ("pengamanan", "submisi")}
    again = ingest_flow(data_dir=str(data))
    assert again.outcomes == []
    after = {n: delta.version(table(data / "curated", n)) for n in ("pengamanan", "submisi")}
    assert after == before


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
