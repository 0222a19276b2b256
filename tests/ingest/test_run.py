"""Ingestion without Prefect: outcomes, curated tables, supersession, idempotency, crash safety."""

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from lapsit.catalog import section_tables, table
from lapsit.demo import season
from lapsit.ingest.run import run_ingest
from lapsit.storage import delta
from lapsit.storage.registry import read_registry
from tests.builders import valid_sections, write

T0 = dt.datetime(2024, 11, 20, 11, 0, tzinfo=dt.UTC)  # 19:00 WITA


def deliver(settings, inbox: str, name: str, sections: dict, at: dt.datetime = T0) -> Path:
    path = write(settings.catalog.raw_dir / inbox / name, sections)
    os.utime(path, (at.timestamp(), at.timestamp()))
    return path


def registry(settings) -> pl.DataFrame:
    return read_registry(settings.catalog.curated_dir).sort("waktu_terima", "path")


def current(settings, name: str) -> pl.DataFrame:
    frame = delta.read(table(settings.catalog.curated_dir, name))
    return frame if frame is not None else pl.DataFrame()


def versions(settings) -> dict:
    tables = [
        *section_tables(settings.catalog.curated_dir),
        table(settings.catalog.curated_dir, "submisi"),
    ]
    return {t.name: delta.version(t) for t in tables}


def test_accepted_file_lands_in_every_table_with_lineage(settings, ref):
    sections = valid_sections()
    path = deliver(settings, "balangan", "2024-11-20.xlsx", sections)
    summary = run_ingest(settings, ref)
    assert [o.status for o in summary.outcomes] == ["diterima"]
    rows = current(settings, "pengamanan")
    assert rows["personel_polri"].sum() == sum(r["personel_polri"] for r in sections["pengamanan"])
    assert set(rows["id_submisi"]) == {summary.outcomes[0].delivery.sha256}
    assert rows.select(
        "kode_polda", "kode_polres", "kode_pemilihan", "kode_tahapan"
    ).unique().rows() == [("kalsel", "balangan", "pilkada-2024", "kampanye")]
    assert set(rows["tanggal"]) == {dt.date(2024, 11, 20)}
    for name, expected in [("satgas", 2), ("kejadian", 1), ("netralitas", 1), ("kesiapan", 2)]:
        assert current(settings, name).height == expected
    # Partitioned by region and stage.
    assert (
        Path(table(settings.catalog.curated_dir, "pengamanan").uri) / "kode_polda=kalsel"
    ).is_dir()
    reg = registry(settings).row(0, named=True)
    assert reg["path"] == "balangan/2024-11-20.xlsx"
    assert reg["status"] == "diterima" and reg["jumlah_galat"] == 0
    assert reg["waktu_terima"] == T0
    assert path.exists()


def test_rejected_file_leaves_no_row_and_is_kept_as_received(settings, ref):
    deliver(settings, "balangan", "2024-11-19.xlsx", valid_sections(tanggal=dt.date(2024, 11, 19)))
    bad = valid_sections()
    bad["kesiapan"][0]["jumlah_siap"] = 99
    path = deliver(settings, "balangan", "2024-11-20.xlsx", bad)
    before = path.read_bytes()
    summary = run_ingest(settings, ref)
    assert sorted(o.status for o in summary.outcomes) == ["diterima", "ditolak"]
    for name in ("pengamanan", "satgas", "kejadian", "netralitas", "kesiapan"):
        assert set(current(settings, name)["tanggal"]) == {dt.date(2024, 11, 19)}, name
    assert path.read_bytes() == before
    reg = registry(settings).filter(pl.col("status") == "ditolak").row(0, named=True)
    errors = json.loads(reg["galat"])
    assert [(e["sheet"], e["row"], e["column"], e["rule"]) for e in errors] == [
        ("kesiapan", 2, "jumlah_siap", "siap_melebihi_total")
    ]
    report = settings.data_dir / reg["laporan_galat"]
    assert report.suffix == ".md" and "jumlah\\_siap" in report.read_text()  # as plain text
    assert report.with_suffix(".html").exists()
    assert json.loads(report.with_suffix(".json").read_text())[0]["rule"] == "siap_melebihi_total"


def test_later_dibuat_pada_supersedes_in_one_step(settings, ref):
    first = valid_sections()
    deliver(settings, "balangan", "2024-11-20.xlsx", first)
    run_ingest(settings, ref)
    version_before = versions(settings)["pengamanan"]
    second = valid_sections()
    second["laporan"]["dibuat_pada"] = dt.datetime(2024, 11, 20, 19, 45)
    second["pengamanan"][0]["personel_polri"] = 21
    del second["kejadian"]  # the revision withdraws the incident
    deliver(settings, "balangan", "2024-11-20-revisi.xlsx", second, T0 + dt.timedelta(hours=1))
    summary = run_ingest(settings, ref)
    new_id = summary.outcomes[0].delivery.sha256
    reg = registry(settings)
    assert reg["status"].to_list() == ["digantikan", "diterima"]
    assert reg["digantikan_oleh"].to_list() == [new_id, None]
    rows = current(settings, "pengamanan")
    assert set(rows["id_submisi"]) == {new_id}
    assert rows["personel_polri"].sum() == 56
    assert current(settings, "kejadian").height == 0
    # The old rows stay in the table's history.
    old = pl.read_delta(
        table(settings.catalog.curated_dir, "pengamanan").uri, version=version_before
    )
    assert old["personel_polri"].sum() == 55
    assert versions(settings)["pengamanan"] == version_before + 1


def test_older_file_arriving_later_is_superseded_at_once(settings, ref):
    newer = valid_sections()
    newer["laporan"]["dibuat_pada"] = dt.datetime(2024, 11, 20, 19, 0)
    deliver(settings, "balangan", "b.xlsx", newer)
    run_ingest(settings, ref)
    before = versions(settings)
    older = valid_sections()
    older["laporan"]["dibuat_pada"] = dt.datetime(2024, 11, 20, 8, 0)
    older["pengamanan"][0]["personel_polri"] = 1
    deliver(settings, "balangan", "a.xlsx", older, T0 + dt.timedelta(hours=2))
    summary = run_ingest(settings, ref)
    assert [o.status for o in summary.outcomes] == ["digantikan"]
    after = versions(settings)
    assert {k: v for k, v in after.items() if k != "submisi"} == {
        k: v for k, v in before.items() if k != "submisi"
    }
    assert current(settings, "pengamanan")["personel_polri"].sum() == 55


def test_without_dibuat_pada_the_later_delivery_wins(settings, ref):
    a, b = valid_sections(), valid_sections()
    for s in (a, b):
        s["laporan"]["dibuat_pada"] = None
    b["pengamanan"][0]["personel_polri"] = 30
    deliver(settings, "balangan", "z-first.xlsx", b, T0)
    deliver(settings, "balangan", "a-second.xlsx", a, T0 + dt.timedelta(minutes=5))
    summary = run_ingest(settings, ref)
    status = {o.delivery.rel: o.status for o in summary.outcomes}
    assert status == {"balangan/z-first.xlsx": "digantikan", "balangan/a-second.xlsx": "diterima"}
    assert current(settings, "pengamanan")["personel_polri"].sum() == 55


def test_duplicate_bytes_change_nothing(settings, ref):
    path = deliver(settings, "balangan", "2024-11-20.xlsx", valid_sections())
    run_ingest(settings, ref)
    before = versions(settings)
    copy = settings.catalog.raw_dir / "balangan" / "kirim-ulang.xlsx"
    shutil.copy(path, copy)
    summary = run_ingest(settings, ref)
    assert [o.status for o in summary.outcomes] == ["duplikat"]
    after = versions(settings)
    assert after["submisi"] == before["submisi"] + 1
    assert {k: after[k] for k in after if k != "submisi"} == {
        k: before[k] for k in before if k != "submisi"
    }
    dup = registry(settings).filter(pl.col("status") == "duplikat").row(0, named=True)
    assert dup["id_submisi"] == registry(settings)["id_submisi"][0]
    assert "balangan/2024-11-20.xlsx" in json.loads(dup["galat"])[0]["message"]


def test_a_rerun_with_nothing_new_commits_nothing(settings, ref):
    deliver(settings, "balangan", "2024-11-20.xlsx", valid_sections())
    bad = valid_sections(tanggal=dt.date(2024, 11, 19))
    bad["pengamanan"][0]["personel_tni"] = "enam"
    deliver(settings, "balangan", "2024-11-19.xlsx", bad)
    run_ingest(settings, ref)
    before = versions(settings)
    summary = run_ingest(settings, ref)
    assert summary.outcomes == []
    assert sum(summary.skipped.values()) == 2
    assert versions(settings) == before


NOTHING_NEW = """
import sys
from lapsit.catalog import SHIPPED_REFERENCE
from lapsit.ingest.run import run_ingest
from lapsit.reference import load_reference
from lapsit.settings import Settings
summary = run_ingest(Settings(data_dir=sys.argv[1]), load_reference(SHIPPED_REFERENCE))
heavy = ("pandera", "pandas", "lokal", "fastexcel", "great_expectations", "matplotlib")
print(sum(summary.skipped.values()), len(summary.outcomes), *(m for m in heavy if m in sys.modules))
"""


def test_a_run_with_nothing_new_loads_neither_the_reader_nor_pandera(settings, ref, tmp_path):
    deliver(settings, "balangan", "2024-11-20.xlsx", valid_sections())
    run_ingest(settings, ref)
    env = {**os.environ, "LAPSIT_CACHE_DIR": str(tmp_path / "cache")}
    run = [sys.executable, "-c", NOTHING_NEW, str(settings.data_dir)]
    root = Path(__file__).resolve().parents[2]
    subprocess.run(run, env=env, cwd=root, check=True, capture_output=True)  # checks the files
    again = subprocess.run(run, env=env, cwd=root, capture_output=True, text=True)
    assert again.stdout.split() == ["1", "0"], again.stderr


def test_a_file_overwritten_in_its_inbox_is_looked_at_again(settings, ref):
    bad = valid_sections()
    bad["pengamanan"][0]["personel_tni"] = "enam"
    deliver(settings, "balangan", "2024-11-20.xlsx", bad)
    run_ingest(settings, ref)
    deliver(settings, "balangan", "2024-11-20.xlsx", valid_sections(), T0 + dt.timedelta(hours=1))
    summary = run_ingest(settings, ref)
    assert [o.status for o in summary.outcomes] == ["diterima"]
    assert registry(settings)["status"].to_list() == ["ditolak", "diterima"]


def test_unknown_inbox_and_foreign_polres_write_nothing(settings, ref):
    deliver(
        settings, "polres-fiktif", "2024-11-19.xlsx", valid_sections(tanggal=dt.date(2024, 11, 19))
    )
    deliver(settings, "tapin", "2024-11-20.xlsx", valid_sections("balangan"))
    summary = run_ingest(settings, ref)
    rules = {o.delivery.inbox: [g.rule for g in o.errors] for o in summary.outcomes}
    assert rules["polres-fiktif"] == ["kotak_tidak_dikenal"]
    assert rules["tapin"][0] == "polres_sesuai_kotak"
    assert set(rules["tapin"][1:]) == {"kecamatan_wilayah"}  # Balangan's kecamatan, not Tapin's
    assert all(delta.version(t) is None for t in section_tables(settings.catalog.curated_dir))


def test_hidden_files_and_symlinks_are_not_followed(settings, ref, tmp_path):
    outside = write(tmp_path / "outside.xlsx", valid_sections())
    inbox = settings.catalog.raw_dir / "balangan"
    inbox.mkdir(parents=True)
    (inbox / "link.xlsx").symlink_to(outside)
    (inbox / ".~lock.2024-11-20.xlsx#").write_text("lock")
    assert run_ingest(settings, ref).outcomes == []


def test_crash_between_table_writes_is_completed_by_the_next_run(settings, ref, monkeypatch):
    deliver(settings, "balangan", "2024-11-20.xlsx", valid_sections())
    real = delta.replace_slices
    calls = []

    def crash_on_third_table(t, rows, keys):
        calls.append(t.name)
        if len(calls) == 3:
            raise OSError("disk hilang")
        return real(t, rows, keys)

    monkeypatch.setattr(delta, "replace_slices", crash_on_third_table)
    with pytest.raises(OSError):
        run_ingest(settings, ref)
    assert delta.version(table(settings.catalog.curated_dir, "submisi")) is None
    monkeypatch.setattr(delta, "replace_slices", real)
    summary = run_ingest(settings, ref)
    assert [o.status for o in summary.outcomes] == ["diterima"]
    assert current(settings, "pengamanan").height == 2
    assert current(settings, "satgas").height == 2
    assert current(settings, "kejadian").height == 1


def test_demo_season_gets_the_outcomes_the_spec_gives(settings, ref):
    season.generate(settings.catalog.raw_dir)
    summary = run_ingest(settings, ref)
    status = {o.delivery.rel: o for o in summary.outcomes}
    for mistake in season.MISTAKES:
        outcome = status[mistake.path]
        assert outcome.status == "ditolak", mistake
        located = {(g.sheet, g.row, g.column) for g in outcome.errors if g.severity == "error"}
        assert (mistake.sheet, mistake.row, mistake.column) in located, (mistake, located)
    assert status["balangan/2024-11-22.xlsx"].status == "digantikan"
    assert status["balangan/2024-11-22-revisi.xlsx"].status == "diterima"
    assert status["tabalong/2024-11-20-kirim-ulang.xlsx"].status == "duplikat"
    totals = summary.totals()
    assert totals["ditolak"] == len(season.MISTAKES)
    # One current submission per Polres, election and date.
    reg = registry(settings).filter(pl.col("status") == "diterima")
    assert reg.select("kode_polres", "kode_pemilihan", "tanggal").is_duplicated().sum() == 0
    rows = current(settings, "pengamanan")
    assert set(rows["id_submisi"]) == set(reg["id_submisi"])
