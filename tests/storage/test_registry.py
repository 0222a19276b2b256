"""The registry: rows are added, never rewritten whole."""

import datetime as dt

from deltalake import DeltaTable

from lapsit.catalog import REGISTRY, table
from lapsit.ingest.run import run_ingest
from lapsit.storage.registry import read_registry
from tests.builders import deliver_balangan, valid_sections, write


def test_registry_rows_are_added_not_rewritten(settings, ref):
    deliver_balangan(settings, "2024-11-19.xlsx", dt.date(2024, 11, 19))
    run_ingest(settings, ref)
    t = DeltaTable(table(settings.catalog.curated_dir, REGISTRY).uri)
    first = set(t.file_uris())
    deliver_balangan(settings, "2024-11-20.xlsx", dt.date(2024, 11, 20))
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
