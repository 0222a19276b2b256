"""Orchestration: one visible run per submission, the quality gate, the nightly flow, deployments.

The plain functions are tested directly; the flows run for real on the
session's embedded Prefect server (`prefect_harness`) and are read back
through the Prefect client, as the UI would.
"""

import asyncio
import datetime as dt
import json
import shutil
from collections import Counter
from pathlib import Path

import polars as pl
import pytest
import yaml
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterKey,
    FlowRunFilter,
    FlowRunFilterId,
    FlowRunFilterParentFlowRunId,
)
from prefect.server.schemas.schedules import CronSchedule

from flows.cli import main
from flows.serve import NIGHTLY_CRON, deployments
from lapsit.catalog import SHIPPED_REFERENCE, table
from lapsit.errors import SubmissionRejected, UnreadableTableError
from lapsit.galat import make
from lapsit.ingest import verdicts
from lapsit.ingest.run import run_ingest
from lapsit.quality import gate, suites, tables
from lapsit.settings import Settings
from lapsit.storage import delta
from tests.builders import valid_sections, write

ROOT = Path(__file__).resolve().parents[1]
TANGGAL = "2024-11-20"
NRP = "870501234"  # nine digits: an NRP typed wrong, still never shown whole


def bad_tabalong() -> dict:
    """Tabalong reports a Balangan kecamatan (kecamatan_wilayah) and a 9-digit NRP (format_nrp)."""
    bad = valid_sections("tabalong")
    bad["pengamanan"][0]["kode_kecamatan"] = "63.09.01"
    bad["netralitas"][0]["nrp"] = NRP
    return bad


def deliver_good_and_bad(data: Path) -> None:
    write(data / "raw" / "balangan" / f"{TANGGAL}.xlsx", valid_sections())
    write(data / "raw" / "tabalong" / f"{TANGGAL}.json", bad_tabalong())


# --- plain functions ------------------------------------------------------------------------


def _verdict(status: str, errors: tuple = ()) -> verdicts.Verdict:
    return verdicts.Verdict(
        kode_polres="tabalong",
        berkas=f"{TANGGAL}.json",
        path=f"tabalong/{TANGGAL}.json",
        id_submisi="ab" * 32,
        status=status,
        errors=errors,
        error_report=f"reports/galat/tabalong/{TANGGAL}.json.abababab.md",
    )


REJECTED_ERRORS = (
    make("format_nrp", sheet="netralitas", row=2, column="nrp", value=NRP),
    make("tanggal_di_luar_tahapan", sheet="laporan", row=None, column="tanggal", value=TANGGAL),
    make("kecamatan_wilayah", sheet="pengamanan", row=2, column="kode_kecamatan", value="63.11.06"),
    make("tidak_negatif", sheet="pengamanan", row=3, column="personel_tni", value=-1),
    make("sanksi_wajib", sheet="netralitas", row=3, column="sanksi"),
)


def test_rejection_message_names_the_first_errors_in_workbook_order_without_nrp():
    message = verdicts.rejection_message(_verdict("ditolak", REJECTED_ERRORS))
    lines = message.splitlines()
    assert lines[0] == f"Submisi tabalong/{TANGGAL}.json ditolak: 4 kesalahan."
    # Errors only (the warning is left out), sheet order then row: pengamanan before netralitas.
    assert lines[1].startswith("1. [lembar pengamanan, baris 2, kolom kode_kecamatan]")
    assert lines[2].startswith("2. [lembar pengamanan, baris 3, kolom personel_tni]")
    assert lines[3].startswith("3. [lembar netralitas, baris 2, kolom nrp]")
    assert lines[4] == "... dan 1 kesalahan lain."
    assert lines[5].endswith(".json.abababab.md")
    assert NRP not in message and "******234" in message


def test_check_raises_only_for_a_rejection():
    for status in ("diterima", "digantikan", "duplikat"):
        assert verdicts.check(_verdict(status)) == status
    with pytest.raises(SubmissionRejected, match="4 kesalahan"):
        verdicts.check(_verdict("ditolak", REJECTED_ERRORS))


def test_event_and_artifact_row_of_a_rejection(ref, tmp_path):
    v = _verdict("ditolak", REJECTED_ERRORS)
    event = verdicts.rejection_event(v, ref, tmp_path)
    assert event["event"] == "lapsit.submisi.ditolak"
    assert event["resource"]["prefect.resource.id"] == "lapsit.polres.tabalong"
    assert event["resource"]["prefect.resource.name"] == "Polres Tabalong"
    assert event["resource"]["lapsit.polda"] == "kalsel"
    assert event["payload"]["jumlah_galat"] == 4
    assert event["payload"]["laporan_galat"] == str(tmp_path / v.error_report)
    assert NRP not in json.dumps(event)
    rows = verdicts.rejected_rows([v, _verdict("diterima")], ref, tmp_path)
    assert [(r["Polres"], r["Berkas"], r["Jumlah galat"]) for r in rows] == [
        ("Polres Tabalong", f"tabalong/{TANGGAL}.json", 4)
    ]
    assert rows[0]["Galat pertama"].startswith("[lembar pengamanan, baris 2")


def test_counts_message_names_every_outcome():
    totals = Counter({"diterima": 2, "ditolak": 1, "dilewati": 4})
    assert verdicts.counts_message(totals) == (
        "diterima 2, ditolak 1, digantikan 0, duplikat 0, dilewati 4"
    )


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


def test_suites_state_keys_regions_and_stages(ref):
    by_table = suites.suites(["pengamanan", "kesiapan", "submisi_diterima"], ref)
    names = {name: {e.name for e in suite} for name, suite in by_table.items()}
    assert "expect_compound_columns_to_be_unique(id_submisi, kode_kecamatan)" in names["pengamanan"]
    assert (
        "expect_column_pair_values_to_be_equal(kode_polres, polres_wilayah)" in names["pengamanan"]
    )
    assert "expect_column_pair_values_to_be_in_set(kode_polda, kode_polres)" in names["pengamanan"]
    assert "expect_column_values_to_be_between(personel_polri)" in names["pengamanan"]
    assert (
        "expect_column_pair_values_to_be_in_set(kode_pemilihan, kode_tahapan)" in names["kesiapan"]
    )
    assert (
        "expect_compound_columns_to_be_unique(kode_polres, kode_pemilihan, tanggal)"
        in names["submisi_diterima"]
    )
    # Personal data never reaches GX: only whether the NRP has 8 digits.
    netralitas = {e.name for e in suites.section_suite("netralitas", ref)}
    assert not any("(nrp)" in n for n in netralitas)


def test_deployments_schedule_the_nightly_flow_at_23_in_each_polda_zone(ref, tmp_path):
    by_flow = {d.flow_name: d for d in deployments(ref, tmp_path / "data")}
    assert set(by_flow) == {"nightly", "ingest", "report", "quality", "maintenance"}
    nightly = by_flow["nightly"]
    zones = {s.parameters["kode_polda"]: s.schedule.timezone for s in nightly.schedules}
    assert zones == {
        "kalsel": "Asia/Makassar",
        "sumsel": "Asia/Jakarta",
        "jatim": "Asia/Jakarta",
        "jambi": "Asia/Jakarta",
    }
    kalsel = next(s for s in nightly.schedules if s.parameters["kode_polda"] == "kalsel")
    assert kalsel.schedule.cron == NIGHTLY_CRON
    # The next run after noon UTC on 20 November is 23:00 WITA = 15:00 UTC the same day.
    server_side = CronSchedule(cron=kalsel.schedule.cron, timezone=kalsel.schedule.timezone)
    start = dt.datetime(2024, 11, 20, 12, 0, tzinfo=dt.UTC)
    (first,) = asyncio.run(server_side.get_dates(n=1, start=start))
    assert first.astimezone(dt.UTC) == dt.datetime(2024, 11, 20, 15, 0, tzinfo=dt.UTC)
    for d in by_flow.values():
        assert d.parameters == {"data_dir": str((tmp_path / "data").resolve())}
        assert d.entrypoint.startswith("flows.")
    # No schedule for the on-demand ones; ingest and nightly run one at a time.
    assert by_flow["ingest"].schedules == [] and by_flow["report"].schedules == []
    assert by_flow["ingest"].concurrency_limit == 1 and nightly.concurrency_limit == 1
    # The run form shows Indonesian labels.
    props = nightly._parameter_openapi_schema.properties
    names = ("report_date", "kode_polda", "data_dir", "task_runner", "dask_address")
    assert [props[p]["title"] for p in names] == [
        "Tanggal laporan",
        "Kode Polda",
        "Folder data",
        "Pelaksana validasi",
        "Alamat klaster Dask",
    ]
    assert props["task_runner"]["enum"] == ["default", "dask"]
    props = by_flow["report"]._parameter_openapi_schema.properties
    assert [props[p]["title"] for p in props] == [
        "Tanggal laporan",
        "Kode Polda",
        "Folder data",
        "Versi registri",
        "Peringatan kualitas",
    ]


def test_prefect_yaml_deploys_the_same_flows_and_schedules(ref, tmp_path):
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    by_entry = {d["entrypoint"]: d for d in config["deployments"]}
    served = {d.flow_name: d for d in deployments(ref, tmp_path)}
    assert {e.split(":")[0].removeprefix("flows/").removesuffix(".py") for e in by_entry} == set(
        served
    )
    for entrypoint, d in by_entry.items():
        module, fn = entrypoint.split(":")
        assert (ROOT / module).is_file()
        flow_name = module.removeprefix("flows/").removesuffix(".py")
        assert served[flow_name].entrypoint == f"flows.{flow_name}.{fn}"
        assert d["work_pool"]["name"] == "lapsit"
    nightly = by_entry["flows/nightly.py:nightly_flow"]
    written = {
        (s["cron"], s["timezone"], s["parameters"]["kode_polda"]) for s in nightly["schedules"]
    }
    derived = {
        (s.schedule.cron, s.schedule.timezone, s.parameters["kode_polda"])
        for s in served["nightly"].schedules
    }
    assert written == derived
    assert by_entry["flows/ingest.py:ingest_flow"]["concurrency_limit"]["limit"] == 1
    for entry, name in (
        ("flows/maintenance.py:maintenance_flow", "maintenance"),
        ("flows/quality.py:quality_flow", "quality"),
    ):
        (weekly,) = by_entry[entry]["schedules"]
        (served_weekly,) = served[name].schedules
        assert (weekly["cron"], weekly["timezone"], weekly.get("parameters", {})) == (
            served_weekly.schedule.cron,
            served_weekly.schedule.timezone,
            served_weekly.parameters,
        )
    # The weekly quality run checks the whole tables; the nightly only what is new.
    assert served["quality"].schedules[0].parameters == {"lingkup": "penuh"}


# --- the quality gate (Great Expectations; ~7 s to import) ------------------------------------


@pytest.mark.slow
def test_quality_gate_passes_then_names_the_expectations_a_broken_table_fails(ref, tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    deliver_good_and_bad(settings.data_dir)
    run_ingest(settings, ref)
    result = gate.run_gate(settings, ref)
    assert result.success, result.summary()
    assert result.docs_index == settings.catalog.reports_dir / "data-docs" / "index.html"
    assert result.docs_index.is_file()
    assert result.checked["pengamanan"] == 2 and result.checked["submisi_diterima"] == 1
    # Break the curated pengamanan table behind the contract's back.
    t = table(settings.catalog.curated_dir, "pengamanan")
    rows = delta.read(t)
    broken = pl.concat(
        [rows, rows.head(1).with_columns(pl.lit(-5, pl.Int64).alias("personel_tni"))],
        how="vertical_relaxed",
    )
    broken.write_delta(t.uri, mode="overwrite")
    result = gate.run_gate(settings, ref)
    assert not result.success
    failed = {f.describe().split(":")[0] for f in result.failures}
    assert failed == {
        "pengamanan.expect_column_values_to_be_between(personel_tni)",
        "pengamanan.expect_compound_columns_to_be_unique(id_submisi, kode_kecamatan)",
    }
    assert "GAGAL" in result.summary() and "personel_tni" in result.summary()
    assert result.warnings()[0].startswith("Pemeriksaan kualitas data")
    markdown = gate.markdown(result)
    assert result.docs_index.resolve().as_uri() in markdown
    # Data Docs is a static site anyone may open: no NRP in it.
    docs = settings.catalog.reports_dir / "data-docs"
    assert not [p for p in docs.rglob("*.html") if "87050123" in p.read_text(encoding="utf-8")]


def test_an_unreadable_curated_table_stops_the_gate(ref, tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    write(settings.catalog.raw_dir / "balangan" / f"{TANGGAL}.xlsx", valid_sections())
    run_ingest(settings, ref)
    log = Path(table(settings.catalog.curated_dir, "kesiapan").uri) / "_delta_log"
    next(log.glob("*.json")).write_text("bukan json{", encoding="utf-8")
    with pytest.raises(UnreadableTableError, match="kesiapan"):
        tables.read_tables(settings.catalog.curated_dir, ref)


# --- flows on the embedded server ---------------------------------------------------------------


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
    assert parent.name == "nightly kalsel 2024-11-20"
    assert parent.state.type.value == "COMPLETED" and parent.state.message == state.message
    (ingest,) = _child(parent_id, "ingest ")
    assert ingest.state.type.value == "COMPLETED"
    assert ingest.state.message == (
        "Ingest selesai: diterima 1, ditolak 1, digantikan 0, duplikat 0, dilewati 0"
    )
    tasks = asyncio.run(_task_runs(ingest.id))
    good = tasks[f"validasi balangan {TANGGAL}.xlsx"]
    bad = tasks[f"validasi tabalong {TANGGAL}.json"]
    assert good.state.type.value == "COMPLETED"
    assert bad.state.type.value == "FAILED"
    assert "ditolak: 3 kesalahan" in bad.state.message
    assert "[lembar pengamanan, baris 2, kolom kode_kecamatan]" in bad.state.message
    assert "kolom nrp" in bad.state.message and NRP not in bad.state.message

    (artifact,) = asyncio.run(_artifacts("submisi-ditolak", ingest.id))
    rows = json.loads(artifact.data)
    assert [(r["Polres"], r["Berkas"], r["Jumlah galat"]) for r in rows] == [
        ("Polres Tabalong", f"tabalong/{TANGGAL}.json", 3)
    ]
    assert Path(rows[0]["Laporan galat"]).is_file()
    (summary,) = asyncio.run(_artifacts("ringkasan-malam", parent_id))
    assert "Data Docs" in summary.data and "ditolak 1" in summary.data
    (gate,) = _child(parent_id, "quality ")
    (gate_md,) = asyncio.run(_artifacts("gerbang-kualitas", gate.id))
    assert "LOLOS" in gate_md.data


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
