"""Table maintenance on real Delta tables: compaction keeps the rows, vacuum keeps the retention."""

import datetime as dt

import polars as pl
import pytest
from deltalake import DeltaTable
from pydantic import ValidationError

from flows.maintenance import maintenance_flow
from flows.serve import MAINTENANCE_CRON, maintenance_schedule
from lapsit.catalog import table
from lapsit.ingest.run import run_ingest
from lapsit.settings import Settings
from lapsit.storage import delta, maintenance
from tests.builders import valid_sections, write

DAYS = [dt.date(2024, 11, 18) + dt.timedelta(days=i) for i in range(4)]
KEY = ["kode_polres", "tanggal", "kode_kecamatan"]


@pytest.fixture
def history(settings, ref) -> Settings:
    """Four nightly runs of two Polres: many small files in every section table."""
    for day in DAYS:
        for polres in ("balangan", "tabalong"):
            sections = valid_sections(polres, day)
            if polres == "tabalong":
                sections["pengamanan"] = [
                    {**row, "kode_kecamatan": code, "nama_kecamatan": None}
                    for row, code in zip(
                        sections["pengamanan"], ("63.09.01", "63.09.02"), strict=True
                    )
                ]
                sections.pop("kejadian")
            write(settings.catalog.raw_dir / polres / f"{day}.xlsx", sections)
        assert all(o.status == "diterima" for o in run_ingest(settings, ref).outcomes)
    return settings


def _rows(t, version=None) -> pl.DataFrame:
    return delta.read(t, as_of=version).sort(KEY)


def test_compaction_keeps_rows_and_reduces_files_and_time_travel_survives(history):
    t = table(history.catalog.curated_dir, "pengamanan")
    before, old_version = _rows(t), delta.version(t)
    first_version_rows = _rows(t, 1)
    files = maintenance.active_files(t)
    assert files >= len(DAYS)  # one file per run and partition at least

    results = {r.name: r for r in maintenance.maintain(history, retention_days=30)}

    r = results["pengamanan"]
    assert (r.version_before, r.files_before) == (old_version, files)
    assert r.files_after < r.files_before and r.files_after == maintenance.active_files(t)
    assert r.version_after > r.version_before
    assert r.files_vacuumed == 0  # every replaced file is younger than 30 days
    assert _rows(t).equals(before)  # same rows, same values
    # Time travel within the retention still works, to the first version too.
    assert _rows(t, old_version).equals(before)
    assert _rows(t, 1).equals(first_version_rows)
    assert set(results) == {"pengamanan", "satgas", "kejadian", "netralitas", "kesiapan", "submisi"}


def test_vacuum_ends_time_travel_beyond_the_retention(history):
    t = table(history.catalog.curated_dir, "pengamanan")
    before = _rows(t)
    maintenance.maintain(history, retention_days=30)
    on_disk = len(list(_data_files(t)))
    results = {r.name: r for r in maintenance.maintain(history, retention_days=0)}
    assert results["pengamanan"].files_vacuumed > 0
    assert len(list(_data_files(t))) == maintenance.active_files(t) < on_disk
    assert _rows(t).equals(before)
    with pytest.raises(Exception, match=r"(?i)not found|no such file|object at location"):
        _rows(t, 1)


def _data_files(t):
    from pathlib import Path

    return Path(t.uri).rglob("*.parquet")


def test_an_ingest_after_maintenance_still_replaces_slices(history, ref):
    maintenance.maintain(history, retention_days=30)
    revised = valid_sections("balangan", DAYS[-1])
    revised["laporan"]["dibuat_pada"] = dt.datetime.combine(DAYS[-1], dt.time(19, 45))
    revised["pengamanan"][0]["personel_polri"] = 99
    write(history.catalog.raw_dir / "balangan" / f"{DAYS[-1]}-revisi.xlsx", revised)
    assert [o.status for o in run_ingest(history, ref).outcomes] == ["diterima"]
    rows = delta.read(table(history.catalog.curated_dir, "pengamanan")).filter(
        (pl.col("kode_polres") == "balangan") & (pl.col("tanggal") == DAYS[-1])
    )
    assert rows.height == len(revised["pengamanan"]) and 99 in rows["personel_polri"].to_list()


def test_retention_comes_from_the_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("LAPSIT_RETENSI_HARI", "45")
    assert Settings(data_dir=tmp_path).retensi_hari == 45
    with pytest.raises(ValidationError):
        Settings(data_dir=tmp_path, retensi_hari=-1)
    assert maintenance.maintain(Settings(data_dir=tmp_path / "kosong")) == []


def test_maintenance_is_scheduled_weekly(ref):
    schedule = maintenance_schedule(ref)
    assert schedule.cron == MAINTENANCE_CRON and schedule.timezone == "Asia/Makassar"


@pytest.mark.slow
def test_maintenance_flow_runs_on_prefect(prefect_harness, history):
    results = maintenance_flow(data_dir=str(history.data_dir), retensi_hari=30)
    assert {r.name for r in results} >= {"pengamanan", "submisi"}
    assert DeltaTable(table(history.catalog.curated_dir, "pengamanan").uri).version() == max(
        r.version_after for r in results if r.name == "pengamanan"
    )
