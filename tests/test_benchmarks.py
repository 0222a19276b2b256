"""The benchmark workload generator and runner on a tiny workload (no timing assertions)."""

import json
import math

import polars as pl
import pytest

from benchmarks import phases
from benchmarks import run as bench
from benchmarks.workload import SIZES, generate, polres_rows, workload_files, zone_of_province
from lapsit.ingest.run import run_ingest
from lapsit.reference import load_reference
from lapsit.settings import Settings


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("workload") / "TINY"
    return out, generate(out, SIZES["TINY"])


def test_generator_is_deterministic_and_reused(tiny, tmp_path):
    out, manifest = tiny
    assert (manifest.polres, manifest.days, manifest.files) == (2, 3, 7)
    assert manifest.invalid == 1 and manifest.new_day_files == 2
    assert generate(tmp_path / "again", SIZES["TINY"]) == manifest
    assert _snapshot(out) == _snapshot(tmp_path / "again")
    # A matching manifest reuses the folder as it is.
    assert generate(out, SIZES["TINY"]) == manifest


def _is_submission(rel):
    return rel.parts[0] == "baru" or rel.parts[:2] == ("data", "raw")


def _snapshot(folder):
    """Bytes of every file; modification time (the delivery time) of every submission."""
    return {
        p.relative_to(folder): (
            p.read_bytes(),
            p.stat().st_mtime_ns if _is_submission(p.relative_to(folder)) else 0,
        )
        for p in workload_files(folder)
    }


def test_workload_ingests_with_the_expected_outcomes(tiny, tmp_path):
    out, manifest = tiny
    settings = Settings(data_dir=out / "data")
    ref = load_reference(settings.catalog.reference_dir)
    assert settings.catalog.reference_dir == out / "data" / "reference"
    assert ref.polres["kode_polres"].to_list() == ["banjarmasin", "banjarbaru"]
    work = Settings(data_dir=tmp_path / "data")
    bench.shutil.copytree(out / "data", work.data_dir)
    statuses = run_ingest(work, ref).totals()
    assert statuses == {"diterima": manifest.files - manifest.invalid, "ditolak": manifest.invalid}


def test_synthetic_polres_cover_a_province_without_shipped_ones():
    rows = polres_rows(("64",))  # Kalimantan Timur: none in polres.csv
    assert len(rows) == 10 and {r["kode_polda"] for r in rows} == {"kalimantan-timur"}
    assert {r["zona_waktu"] for r in rows} == {"Asia/Makassar"}
    assert all(r["nama_polres"].startswith(("Polres ", "Polresta ")) for r in rows)
    jatim = polres_rows(("35",))
    assert len(jatim) == 38 and jatim[0]["kode_polres"] == "jombang"  # shipped, then synthetic
    # Kota Malang and Kabupaten Malang get distinct codes.
    assert {"malang", "malang-kota"} <= {r["kode_polres"] for r in jatim}
    assert (zone_of_province("31"), zone_of_province("61"), zone_of_province("94")) == (
        "Asia/Jakarta",
        "Asia/Pontianak",
        "Asia/Jayapura",
    )


def test_whole_country_reference_loads():
    frame = pl.DataFrame(polres_rows(None))
    assert frame.height == 514 and frame["kode_polres"].n_unique() == 514


def test_run_writes_results_with_ratios(tiny, tmp_path):
    out, _ = tiny
    # In-process phases keep the test fast; the spawned measurement is checked below.
    result = bench.run("TINY", out.parent, prefect=False, quality=False, isolate=False, repeats=2)
    md = bench.record(result, tmp_path / "RESULTS.md")
    stored = json.loads((tmp_path / "RESULTS.json").read_text())
    assert set(stored) == {"TINY"}
    assert set(result["ratios"]) == {
        "cold_ingest_work / bare_read",
        "cold_ingest_work / peer",
        "cold_ingest / peer",
        "floor / bare_floor",
        "cold_ingest / bare_floor",
        "new_day_ingest / bare_floor_new_day",
        "cold_ingest / floor",
        "noop_ingest / floor",
        "new_day_ingest / floor_new_day",
        "new_day_nightly / floor_new_day",
        "polda_report / floor",
    }
    for name, ratio in result["ratios"].items():
        assert math.isfinite(ratio) and ratio > 0, name
    floor = result["seconds"]["floor"]
    assert result["ratios"]["cold_ingest / floor"] == result["seconds"]["cold_ingest"] / floor
    bare = result["seconds"]["bare_floor"]
    assert result["ratios"]["cold_ingest / bare_floor"] == result["seconds"]["cold_ingest"] / bare
    # Both floors read every file of the history, and the rows in them.
    for phase in ("floor", "bare_floor"):
        assert result["details"][phase]["info"]["files"] == 7
        assert result["details"][phase]["info"]["rows"] > 7
    assert result["details"]["cold_ingest"]["info"]["totals"] == {"diterima": 6, "ditolak": 1}
    # Each cold ingest of the repeats started from nothing; the work is the cold one less the
    # one with nothing new; the peer's verdicts agree with lapsit's on every file.
    assert len(result["details"]["cold_ingest"]["info"]["samples"]) == 2
    s = result["seconds"]
    assert s["cold_ingest_work"] == s["cold_ingest"] - s["noop_ingest"]
    assert result["ratios"]["cold_ingest_work / peer"] == s["cold_ingest_work"] / s["peer"]
    peer = result["details"]["peer"]["info"]
    assert (peer["files"], peer["accepted"]) == (7, 6)
    assert result["details"]["bare_read"]["info"]["files"] == 7
    assert result["details"]["nightly_new_day"]["info"]["totals"]["diterima"] == 2
    assert all(peak > 0 for peak in result["peak_mib"].values())
    text = md.read_text()
    for heading in ("## Machine", "## Against", "## Cold ingest", "## One new day", "## Peak"):
        assert heading in text
    assert "| TINY (2 Polres × 3 days) | 7 |" in text
    assert result["machine"]["cores"] and "polars" in result["machine"]["packages"]


def test_a_phase_is_measured_in_a_spawned_process(tiny):
    out, _ = tiny
    files = workload_files(out / "baru")
    measured = phases.measure(phases.floor, files)
    assert measured.info == {"files": 2, "rows": measured.info["rows"]}
    assert measured.info["rows"] > 2 and measured.seconds["read"] > 0
    assert measured.peak_mib > 50  # a fresh interpreter with Polars loaded
