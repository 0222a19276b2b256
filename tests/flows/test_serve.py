"""The deployments `lapsit serve` offers and `prefect.yaml`: the same flows and schedules."""

import asyncio
import datetime as dt
from pathlib import Path

import yaml
from prefect.server.schemas.schedules import CronSchedule

from flows.serve import NIGHTLY_CRON, deployments

ROOT = Path(__file__).resolve().parents[2]


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
        "Laporan nasional",
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
