"""Incremental runs whose cost follows the new files, not the history."""

import datetime as dt
import os

import polars as pl
import pytest
from deltalake import DeltaTable

from lapsit.catalog import REGISTRY, table
from lapsit.ingest import commit, records
from lapsit.ingest.run import Steps, run_ingest
from lapsit.settings import Settings
from lapsit.storage import delta
from lapsit.storage.registry import read_registry
from tests.builders import valid_sections, write

T0 = dt.datetime(2024, 11, 20, 11, 0, tzinfo=dt.UTC)


def _deliver(settings, name: str, day: dt.date, at: dt.datetime = T0):
    path = write(settings.catalog.raw_dir / "balangan" / name, valid_sections(tanggal=day))
    os.utime(path, (at.timestamp(), at.timestamp()))
    return path


def _count_hashes(monkeypatch) -> list:
    hashed = []
    real = records.sha256

    def counting(path):
        hashed.append(path.name)
        return real(path)

    monkeypatch.setattr(records, "sha256", counting)
    return hashed


def test_registered_files_are_not_read_again(settings, ref, monkeypatch):
    _deliver(settings, "2024-11-19.xlsx", dt.date(2024, 11, 19))
    run_ingest(settings, ref)
    reg = read_registry(settings.catalog.curated_dir).row(0, named=True)
    path = settings.catalog.raw_dir / "balangan" / "2024-11-19.xlsx"
    assert (reg["ukuran"], reg["mtime_ns"]) == (path.stat().st_size, path.stat().st_mtime_ns)

    hashed = _count_hashes(monkeypatch)
    _deliver(settings, "2024-11-20.xlsx", dt.date(2024, 11, 20))
    summary = run_ingest(settings, ref)
    assert [o.delivery.rel for o in summary.outcomes] == ["balangan/2024-11-20.xlsx"]
    assert summary.skipped == {"balangan": 1}
    assert hashed == ["2024-11-20.xlsx"]  # the registered file was not read


def test_a_file_changed_in_place_is_hashed_and_looked_at_again(settings, ref, monkeypatch):
    path = _deliver(settings, "2024-11-20.xlsx", dt.date(2024, 11, 20))
    run_ingest(settings, ref)
    hashed = _count_hashes(monkeypatch)
    # Same name, same modification time, other bytes (so another size): read again.
    sections = valid_sections()
    sections["pengamanan"][0]["keterangan"] = "Koreksi: tambahan personel dari Polda"
    sections["laporan"]["dibuat_pada"] = dt.datetime(2024, 11, 20, 19, 0)
    write(path, sections)
    os.utime(path, (T0.timestamp(), T0.timestamp()))
    summary = run_ingest(settings, ref)
    assert hashed == ["2024-11-20.xlsx"]
    assert [o.status for o in summary.outcomes] == ["diterima"]
    # Touched but unchanged: hashed (the stamp differs), then skipped as the same content.
    hashed.clear()
    later = (T0 + dt.timedelta(hours=2)).timestamp()
    os.utime(path, (later, later))
    summary = run_ingest(settings, ref)
    assert hashed == ["2024-11-20.xlsx"] and summary.outcomes == []


def test_a_registry_without_file_stamps_still_skips_by_content(settings, ref):
    _deliver(settings, "2024-11-20.xlsx", dt.date(2024, 11, 20))
    run_ingest(settings, ref)
    t = table(settings.catalog.curated_dir, REGISTRY)
    old = delta.read(t).drop("ukuran", "mtime_ns")  # as written before the columns existed
    old.write_delta(t.uri, mode="overwrite", delta_write_options={"schema_mode": "overwrite"})
    assert "ukuran" not in delta.read(t).columns
    before = delta.version(t)
    assert run_ingest(settings, ref).outcomes == []
    assert delta.version(t) == before  # nothing new, nothing committed
    _deliver(settings, "2024-11-19.xlsx", dt.date(2024, 11, 19))
    run_ingest(settings, ref)
    reg = read_registry(settings.catalog.curated_dir).sort("path")
    assert reg["ukuran"].is_null().to_list() == [False, True]  # the new row is stamped


def test_slice_predicate_is_balanced_and_groups_dates():
    keys = [
        {"kode_polda": "kalsel", "kode_polres": p, "kode_pemilihan": "pilkada-2024", "tanggal": d}
        for p in ("balangan", "tabalong", "tapin")
        for d in (dt.date(2024, 11, 19), dt.date(2024, 11, 20))
    ]
    predicate = delta.slice_predicate(keys)
    assert predicate.count("tanggal IN ('2024-11-19', '2024-11-20')") == 3
    assert predicate.count(" OR ") == 2
    # Thousands of slices stay shallow (a flat OR chain overflowed delta-rs's stack).
    many = [
        {**keys[0], "kode_polres": f"polres-{i}", "tanggal": dt.date(2024, 1, 1)}
        for i in range(4096)
    ]
    deepest = max(_depths(delta.slice_predicate(many)))
    assert deepest <= 14


def _depths(text: str):
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        yield depth


def test_thousands_of_slices_replace_in_one_transaction(settings):
    t = table(settings.catalog.curated_dir, "satgas")
    days = [dt.date(2020, 1, 1) + dt.timedelta(days=i) for i in range(3000)]
    rows = pl.DataFrame(
        {
            "kode_polda": "kalsel",
            "kode_polres": "balangan",
            "kode_pemilihan": "pilkada-2024",
            "kode_tahapan": "kampanye",
            "tanggal": days,
            "id_submisi": "x",
            "satgas": "preventif",
            "personel": 1,
        }
    )
    keys = rows.select("kode_polda", "kode_polres", "kode_pemilihan", "tanggal").to_dicts()
    assert delta.replace_slices(t, rows, keys)
    assert delta.replace_slices(t, rows.with_columns(personel=pl.lit(2)), keys)
    assert delta.read(t)["personel"].to_list() == [2] * 3000


def _season(settings, days: int = 6) -> None:
    """`days` daily reports of Balangan, plus a correction of the second day made later."""
    for i in range(days):
        day = dt.date(2024, 11, 15) + dt.timedelta(days=i)
        at = dt.datetime.combine(day, dt.time(12), dt.UTC)
        _deliver(settings, f"{day}.xlsx", day, at)
    fix = valid_sections(tanggal=dt.date(2024, 11, 16))
    fix["laporan"]["dibuat_pada"] = dt.datetime(2024, 11, 16, 21, 0)
    fix["pengamanan"][0]["personel_polri"] = 99
    # Delivered last and made last of its day: it wins, in whichever batch it lands.
    path = write(settings.catalog.raw_dir / "balangan" / "2024-11-16-revisi.xlsx", fix)
    later = dt.datetime(2024, 11, 30, tzinfo=dt.UTC).timestamp()
    os.utime(path, (later, later))


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
        _season(s)
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


def test_a_batch_that_fails_leaves_the_committed_ones_and_the_rerun_finishes(tmp_path, ref):
    settings = Settings(data_dir=tmp_path / "data", batch_files=3)
    _season(settings)
    calls = []

    def fail_second_batch(batch, s, reference):
        calls.append(len(batch.outcomes))
        if len(calls) == 2:
            raise OSError("disk hilang")
        commit.write_tables(batch, s, reference)

    steps = Steps(writers=commit.Writers(tables=fail_second_batch))
    with pytest.raises(OSError):
        run_ingest(settings, ref, steps=steps)
    assert read_registry(settings.catalog.curated_dir).height == 3  # the first batch only
    summary = run_ingest(settings, ref)
    assert len(summary.outcomes) == 4 and summary.skipped == {"balangan": 3}
    reference = Settings(data_dir=tmp_path / "reference")
    _season(reference)
    run_ingest(reference, ref)
    expected = _tables(reference)
    for name, frame in _tables(settings).items():
        if name == "submisi":
            frame, want = frame.drop("waktu_terima"), expected[name].drop("waktu_terima")
        else:
            want = expected[name]
        assert frame.equals(want), name


def test_registry_rows_are_added_not_rewritten(settings, ref):
    _deliver(settings, "2024-11-19.xlsx", dt.date(2024, 11, 19))
    run_ingest(settings, ref)
    t = DeltaTable(table(settings.catalog.curated_dir, REGISTRY).uri)
    first = set(t.file_uris())
    _deliver(settings, "2024-11-20.xlsx", dt.date(2024, 11, 20))
    run_ingest(settings, ref)
    t.update_incremental()
    assert first < set(t.file_uris())  # the first file is kept, one file added
    # A correction marks the old row by a merge that rewrites only the file holding it.
    fix = valid_sections(tanggal=dt.date(2024, 11, 20))
    fix["laporan"]["dibuat_pada"] = dt.datetime(2024, 11, 20, 22, 0)
    write(settings.catalog.raw_dir / "balangan" / "2024-11-20-revisi.xlsx", fix)
    summary = run_ingest(settings, ref)
    t.update_incremental()
    assert first <= set(t.file_uris())  # the 19th's row was not touched
    reg = read_registry(settings.catalog.curated_dir).sort("path")
    assert reg["path"].to_list() == [
        "balangan/2024-11-19.xlsx",
        "balangan/2024-11-20-revisi.xlsx",
        "balangan/2024-11-20.xlsx",
    ]
    assert reg["status"].to_list() == ["diterima", "diterima", "digantikan"]
    new_id = summary.outcomes[0].delivery.sha256
    assert reg["digantikan_oleh"].to_list() == [None, None, new_id]
