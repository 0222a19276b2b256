"""The nightly flow on the embedded Prefect server: ingest, gate, reports; report dates per Polda."""

import asyncio
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import polars as pl
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterKey,
    FlowRunFilter,
    FlowRunFilterId,
    FlowRunFilterParentFlowRunId,
)

from flows.cli import main
from lapsit.catalog import SHIPPED_REFERENCE, table
from lapsit.ingest.run import run_ingest
from lapsit.settings import Settings
from lapsit.storage import delta
from tests.builders import WRONG_NRP as NRP
from tests.builders import deliver_good_and_bad, valid_sections, write

TANGGAL = "2024-11-20"


def test_report_date_defaults_to_today_in_each_polda_zone(ref):
    from flows.nightly import report_dates

    # 16:30 UTC: already the 21st in Makassar (UTC+8), still the 20th in Jakarta (UTC+7).
    now = dt.datetime(2024, 11, 20, 16, 30, tzinfo=dt.UTC)
    dates = report_dates(ref, None, None, now)
    assert dates["kalsel"] == dt.date(2024, 11, 21)
    assert dates["sumsel"] == dt.date(2024, 11, 20)
    assert report_dates(ref, TANGGAL, "kalsel", now) == {"kalsel": dt.date(2024, 11, 20)}
    with pytest.raises(ValueError, match="kaltim"):
        report_dates(ref, None, "kaltim", now)


async def _runs(**filters):
    async with get_client() as client:
        return await client.read_flow_runs(flow_run_filter=FlowRunFilter(**filters))


async def _task_runs(flow_run_id):
    async with get_client() as client:
        runs = await client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
        return {r.name: r for r in runs}


async def _artifacts(key: str, flow_run_id):
    async with get_client() as client:
        return await client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])),
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])),
        )


def _child(parent_id, flow_name_prefix: str):
    children = asyncio.run(_runs(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[parent_id])))
    return [r for r in children if r.name.startswith(flow_name_prefix)]


@pytest.mark.slow
def test_nightly_flow_shows_each_submission_and_completes(prefect_harness, tmp_path):
    from flows.nightly import nightly_flow

    data = tmp_path / "data"
    deliver_good_and_bad(data)
    state = nightly_flow(
        report_date=TANGGAL, kode_polda="kalsel", data_dir=str(data), return_state=True
    )
    assert state.is_completed(), state.message
    assert "diterima 1, ditolak 1, digantikan 0, duplikat 0, dilewati 0" in state.message
    night = state.result()
    assert night.polda_report("kalsel").is_file()
    assert night.quality.success and night.quality.docs_index.is_file()

    parent_id = state.state_details.flow_run_id
    (parent,) = asyncio.run(_runs(id=FlowRunFilterId(any_=[parent_id])))
    assert re.fullmatch(r"nightly · kalsel · laporan 2024-11-20 · \d\d\.\d\d WITA", parent.name)
    assert parent.state.type.value == "COMPLETED" and parent.state.message == state.message
    assert parent.state.name == "Selesai · 1 ditolak"
    (ingest,) = _child(parent_id, "ingest · kalsel · ")
    assert ingest.state.type.value == "COMPLETED" and ingest.state.name == "Selesai · 1 ditolak"
    assert ingest.state.message == (
        "Ingest selesai: diterima 1, ditolak 1, digantikan 0, duplikat 0, dilewati 0"
    )
    # The rejected file is a Failed run under the ingest; the accepted one is only counted.
    (bad,) = _child(ingest.id, "")
    assert bad.name == f"ditolak · tabalong · {TANGGAL}.json"
    assert bad.state.type.value == "FAILED"
    assert "ditolak: 3 kesalahan" in bad.state.message
    # A JSON file: its errors are told in keys and objects.
    assert "[kunci pengamanan, objek 2, kunci kode_kecamatan]" in bad.state.message
    assert "kunci nrp" in bad.state.message and NRP not in bad.state.message
    assert not [t for t in asyncio.run(_task_runs(ingest.id)) if "validasi" in t]

    (artifact,) = asyncio.run(_artifacts("submisi-ditolak", ingest.id))
    rows = json.loads(artifact.data)
    assert [(r["Polres"], r["Berkas"], r["Jumlah galat"]) for r in rows] == [
        ("Polres Tabalong", f"{TANGGAL}.json", 3)
    ]
    assert "kode_kecamatan" in rows[0]["Galat pertama"]  # the first error only
    assert "nrp" not in rows[0]["Galat pertama"]
    assert Path(rows[0]["Laporan galat"]).is_file()
    (summary,) = asyncio.run(_artifacts("ringkasan-malam", parent_id))
    assert "Data Docs" in summary.data and "ditolak 1" in summary.data
    (gate,) = _child(parent_id, "kualitas · baru · ")
    assert re.fullmatch(r"kualitas · baru · \d\d\.\d\d WITA", gate.name)
    (gate_md,) = asyncio.run(_artifacts("gerbang-kualitas", gate.id))
    assert "LOLOS" in gate_md.data


@pytest.mark.slow
def test_nightly_of_every_polda_also_writes_the_national_roll_up(prefect_harness, tmp_path):
    from flows.nightly import nightly_flow

    data = tmp_path / "data"
    deliver_good_and_bad(data)
    state = nightly_flow(report_date=TANGGAL, data_dir=str(data), return_state=True)
    assert state.is_completed(), state.message
    night = state.result()
    assert night.national_date.isoformat() == TANGGAL
    folder = data / "reports" / "nasional" / TANGGAL
    assert night.reports["nasional"] == [
        folder / f"lapsit-nasional-{TANGGAL}.{ext}" for ext in ("html", "md", "pdf")
    ]
    assert night.polda_report("nasional") == folder / f"lapsit-nasional-{TANGGAL}.html"
    assert set(night.reports) == {"kalsel", "sumsel", "jatim", "jambi", "nasional"}
    (summary,) = asyncio.run(_artifacts("ringkasan-malam", state.state_details.flow_run_id))
    assert f"| nasional | {TANGGAL} |" in summary.data
    # Each report run is named after what it renders: the Runs page tells them apart.
    reports = sorted(r.name for r in _child(state.state_details.flow_run_id, "laporan · "))
    assert reports == sorted(
        f"laporan · {p} · {TANGGAL}" for p in ("kalsel", "sumsel", "jatim", "jambi", "nasional")
    )


@pytest.mark.slow
def test_cli_nightly_fails_after_the_report_when_an_expectation_fails(
    prefect_harness, tmp_path, ref, capsys
):
    settings = Settings(data_dir=tmp_path / "data")
    write(settings.catalog.raw_dir / "balangan" / f"{TANGGAL}.xlsx", valid_sections())
    run_ingest(settings, ref)
    # Readiness above the total, slipped into the curated table behind the contract's back.
    t = table(settings.catalog.curated_dir, "kesiapan")
    delta.read(t).with_columns(pl.lit(99, pl.Int64).alias("jumlah_siap")).write_delta(
        t.uri, mode="overwrite"
    )
    code = main(
        ["nightly", "--date", TANGGAL, "--polda", "kalsel", "--data-dir", str(settings.data_dir)]
    )
    out, err = capsys.readouterr()
    assert code == 3
    assert "kesiapan.expect_column_pair_values_a_to_be_greater_than_b" in err
    # The report was written before the run failed, and the CLI says where it and Data Docs are.
    (line,) = [x for x in out.splitlines() if x.startswith("Laporan situasi kalsel 2024-11-20: ")]
    html = Path(line.split(": ", 1)[1]).read_text(encoding="utf-8")
    assert "Pemeriksaan kualitas data (Great Expectations) gagal" in html
    assert (
        f"Data Docs kualitas data: {settings.catalog.reports_dir / 'data-docs' / 'index.html'}"
        in out
    )


@pytest.mark.slow
def test_nightly_stops_loudly_on_a_broken_reference_file(prefect_harness, tmp_path):
    from flows.nightly import nightly_flow

    data = tmp_path / "data"
    deliver_good_and_bad(data)
    reference = data / "reference"
    shutil.copytree(SHIPPED_REFERENCE, reference)
    polres = reference / "polres.csv"
    polres.write_text(polres.read_text().replace("Asia/Makassar", "WITA", 1), encoding="utf-8")
    state = nightly_flow(report_date=TANGGAL, data_dir=str(data), return_state=True)
    assert state.is_failed()
    assert "polres.csv" in state.message
    assert not (data / "curated" / "submisi").exists()  # nothing touched
