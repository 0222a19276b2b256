"""Discovery: registered files are not read again; a changed file is; the cost follows the new files."""

import datetime as dt
import os

from lapsit.catalog import REGISTRY, table
from lapsit.ingest import records
from lapsit.ingest.run import run_ingest
from lapsit.storage import delta
from lapsit.storage.registry import read_registry
from tests.builders import T0, deliver_balangan, valid_sections, write


def _count_hashes(monkeypatch) -> list:
    hashed = []
    real = records.sha256

    def counting(path):
        hashed.append(path.name)
        return real(path)

    monkeypatch.setattr(records, "sha256", counting)
    return hashed


def test_registered_files_are_not_read_again(settings, ref, monkeypatch):
    deliver_balangan(settings, "2024-11-19.xlsx", dt.date(2024, 11, 19))
    run_ingest(settings, ref)
    reg = read_registry(settings.catalog.curated_dir).row(0, named=True)
    path = settings.catalog.raw_dir / "balangan" / "2024-11-19.xlsx"
    assert (reg["ukuran"], reg["mtime_ns"]) == (path.stat().st_size, path.stat().st_mtime_ns)

    hashed = _count_hashes(monkeypatch)
    deliver_balangan(settings, "2024-11-20.xlsx", dt.date(2024, 11, 20))
    summary = run_ingest(settings, ref)
    assert [o.delivery.rel for o in summary.outcomes] == ["balangan/2024-11-20.xlsx"]
    assert summary.skipped == {"balangan": 1}
    assert hashed == ["2024-11-20.xlsx"]  # the registered file was not read


def test_a_file_changed_in_place_is_hashed_and_looked_at_again(settings, ref, monkeypatch):
    path = deliver_balangan(settings, "2024-11-20.xlsx", dt.date(2024, 11, 20))
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
    deliver_balangan(settings, "2024-11-20.xlsx", dt.date(2024, 11, 20))
    run_ingest(settings, ref)
    t = table(settings.catalog.curated_dir, REGISTRY)
    old = delta.read(t).drop("ukuran", "mtime_ns")  # as written before the columns existed
    old.write_delta(t.uri, mode="overwrite", delta_write_options={"schema_mode": "overwrite"})
    assert "ukuran" not in delta.read(t).columns
    before = delta.version(t)
    assert run_ingest(settings, ref).outcomes == []
    assert delta.version(t) == before  # nothing new, nothing committed
    deliver_balangan(settings, "2024-11-19.xlsx", dt.date(2024, 11, 19))
    run_ingest(settings, ref)
    reg = read_registry(settings.catalog.curated_dir).sort("path")
    assert reg["ukuran"].is_null().to_list() == [False, True]  # the new row is stamped
