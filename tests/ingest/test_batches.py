"""Batches: each one's tables equal a single run's; a failed batch leaves the committed ones."""

import datetime as dt

import polars as pl
import pytest
from deltalake import DeltaTable

from lapsit.catalog import REGISTRY, table
from lapsit.ingest import commit
from lapsit.ingest.run import run_ingest
from lapsit.settings import Settings
from lapsit.storage import delta
from lapsit.storage.registry import read_registry
from tests.builders import balangan_season, valid_sections


def _tables(settings) -> dict[str, pl.DataFrame]:
    out = {}
    for name in ("pengamanan", "satgas", "kesiapan", "kejadian", "netralitas"):
        frame = delta.read(table(settings.catalog.curated_dir, name))
        out[name] = frame.sort(frame.columns) if frame is not None else None
    reg = read_registry(settings.catalog.curated_dir).drop("diproses_pada")
    out["submisi"] = reg.sort("path")
    return out


def test_batches_give_the_tables_of_one_batch(tmp_path, ref):
    one = Settings(data_dir=tmp_path / "one")
    small = Settings(data_dir=tmp_path / "small", batch_files=2)
    for s in (one, small):
        balangan_season(s)
        summary = run_ingest(s, ref)
        assert summary.totals() == {"diterima": 6, "digantikan": 1}
    expected, got = _tables(one), _tables(small)
    for name, frame in expected.items():
        assert got[name].equals(frame), name
    # 7 files in batches of 2: four registry commits, one per batch (no rewrite of the whole).
    history = DeltaTable(table(small.catalog.curated_dir, REGISTRY).uri).history()
    assert len(history) == 4
    day = delta.read(table(small.catalog.curated_dir, "pengamanan")).filter(
        pl.col("tanggal") == dt.date(2024, 11, 16)
    )
    fix = [r["personel_polri"] for r in valid_sections()["pengamanan"]]
    assert day["personel_polri"].sum() == 99 + sum(fix[1:])  # the correction won


def test_a_batch_that_fails_leaves_the_committed_ones_and_the_rerun_finishes(
    tmp_path, ref, monkeypatch
):
    settings = Settings(data_dir=tmp_path / "data", batch_files=3)
    balangan_season(settings)
    calls = []
    write_tables = commit.write_tables

    def fail_second_batch(batch, s, reference):
        calls.append(len(batch.outcomes))
        if len(calls) == 2:
            raise OSError("disk hilang")
        write_tables(batch, s, reference)

    with monkeypatch.context() as patch:
        patch.setattr(commit, "write_tables", fail_second_batch)
        with pytest.raises(OSError):
            run_ingest(settings, ref)
    assert read_registry(settings.catalog.curated_dir).height == 3  # the first batch only
    summary = run_ingest(settings, ref)
    assert len(summary.outcomes) == 4 and summary.skipped == {"balangan": 3}
    reference = Settings(data_dir=tmp_path / "reference")
    balangan_season(reference)
    run_ingest(reference, ref)
    expected = _tables(reference)
    for name, frame in _tables(settings).items():
        if name == "submisi":
            frame, want = frame.drop("waktu_terima"), expected[name].drop("waktu_terima")
        else:
            want = expected[name]
        assert frame.equals(want), name
