"""The quality gate: it passes, names what a broken table fails, stops on an unreadable one;
its scopes: the whole tables, or what came in since the last gate that passed."""

import datetime as dt
import os
from pathlib import Path

import polars as pl
import pytest

from lapsit.catalog import table
from lapsit.errors import UnreadableTableError
from lapsit.ingest.run import run_ingest
from lapsit.quality import gate, tables
from lapsit.settings import Settings
from lapsit.storage import delta
from tests.builders import deliver_good_and_bad, valid_sections, write

TANGGAL = "2024-11-20"
DAY1, DAY2, DAY3 = dt.date(2024, 11, 18), dt.date(2024, 11, 19), dt.date(2024, 11, 20)


def _deliver(settings: Settings, day: dt.date) -> None:
    path = write(settings.catalog.raw_dir / "balangan" / f"{day}.xlsx", valid_sections(tanggal=day))
    at = dt.datetime.combine(day, dt.time(12), dt.UTC).timestamp()
    os.utime(path, (at, at))


def _break_row(settings: Settings, day: dt.date) -> None:
    """Give one pengamanan row of `day` a negative count, behind the contract's back."""
    t = table(settings.catalog.curated_dir, "pengamanan")
    rows = delta.read(t)
    broken = rows.with_columns(
        pl.when((pl.col("tanggal") == day) & (pl.col("kode_kecamatan") == "63.11.01"))
        .then(-5)
        .otherwise(pl.col("personel_tni"))
        .alias("personel_tni")
    )
    broken.write_delta(t.uri, mode="overwrite")


@pytest.mark.slow
def test_the_nightly_scope_checks_what_is_new_and_keeps_failures_until_mended(ref, tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    _deliver(settings, DAY1)
    run_ingest(settings, ref)
    first = gate.run_gate(settings, ref, gate.BARU)
    # No mark yet: the first gate checks everything, then leaves its mark.
    assert first.success and first.lingkup == gate.PENUH
    assert gate.read_mark(settings.catalog) is not None

    _deliver(settings, DAY2)
    run_ingest(settings, ref)
    second = gate.run_gate(settings, ref, gate.BARU)
    assert second.success and second.lingkup == gate.BARU
    assert "data baru sejak" in second.summary()
    day2 = delta.read(table(settings.catalog.curated_dir, "pengamanan")).filter(
        pl.col("tanggal") == DAY2
    )
    assert second.checked["pengamanan"] == day2.height == 2  # not the 4 rows of both days
    assert second.checked["submisi"] == 1 and second.checked["submisi_diterima"] == 1

    nothing = gate.run_gate(settings, ref, gate.BARU)
    assert nothing.success and nothing.checked == {}
    assert "tidak ada data" in nothing.summary()

    # A row of an already checked day broken behind the contract's back: only a full gate sees it.
    _break_row(settings, DAY1)
    assert gate.run_gate(settings, ref, gate.BARU).success
    full = gate.run_gate(settings, ref, gate.PENUH)
    assert not full.success and full.lingkup == gate.PENUH
    assert "personel_tni" in full.summary()

    # A new day whose rows are broken fails the gate, and keeps failing it: the mark stays.
    _deliver(settings, DAY3)
    run_ingest(settings, ref)
    mark = gate.read_mark(settings.catalog)
    _break_row(settings, DAY3)
    for _ in range(2):
        failed = gate.run_gate(settings, ref, gate.BARU)
        assert not failed.success and "personel_tni" in failed.summary()
        assert failed.checked["pengamanan"] == 2  # DAY3 only
        assert gate.read_mark(settings.catalog) == mark
    # A corrected submission of that day replaces the slice: the gate passes and moves on.
    fix = valid_sections(tanggal=DAY3)
    fix["laporan"]["dibuat_pada"] = dt.datetime(2024, 11, 20, 19, 30)
    write(settings.catalog.raw_dir / "balangan" / f"{DAY3}-revisi.xlsx", fix)
    run_ingest(settings, ref)
    mended = gate.run_gate(settings, ref, gate.BARU)
    assert mended.success, mended.summary()
    assert gate.read_mark(settings.catalog) > mark


def test_an_unreadable_mark_means_a_full_check(settings, ref):
    settings.catalog.curated_dir.mkdir(parents=True)
    settings.catalog.gate_mark.write_text("{bukan json", encoding="utf-8")
    assert gate.read_mark(settings.catalog) is None
    with pytest.raises(ValueError, match="Lingkup 'sebagian' tidak dikenal"):
        gate.run_gate(settings, ref, "sebagian")


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
