"""The registry: rows are added, never rewritten whole."""

import datetime as dt
import os

from deltalake import DeltaTable

from lapsit.catalog import REGISTRY, table
from lapsit.ingest.run import run_ingest
from lapsit.storage.registry import read_registry
from tests.builders import valid_sections, write

T0 = dt.datetime(2024, 11, 20, 11, 0, tzinfo=dt.UTC)


def _deliver(settings, name: str, day: dt.date, at: dt.datetime = T0):
    path = write(settings.catalog.raw_dir / "balangan" / name, valid_sections(tanggal=day))
    os.utime(path, (at.timestamp(), at.timestamp()))
    return path


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
