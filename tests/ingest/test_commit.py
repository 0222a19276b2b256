"""The write order crash safety rests on: error reports, then every table, then the registry."""

import datetime as dt

from lapsit.ingest import commit
from lapsit.ingest.discover import discover
from lapsit.ingest.run import run_ingest
from lapsit.storage.registry import read_registry
from tests.builders import valid_sections, write

NOW = dt.datetime(2024, 11, 20, 14, tzinfo=dt.UTC)


def test_a_batch_is_written_error_reports_first_tables_next_registry_last(
    settings, ref, monkeypatch
):
    write(settings.catalog.raw_dir / "balangan" / "2024-11-20.xlsx", valid_sections())
    broken = valid_sections("tabalong")
    broken["pengamanan"][0]["personel_polri"] = -1
    write(settings.catalog.raw_dir / "tabalong" / "2024-11-20.xlsx", broken)
    order: list[str] = []

    def recorded(name: str, step):
        def run(batch, *args):
            order.append(name)
            # What the step before left behind is already there when the next one starts.
            if name == "tables":
                assert (settings.catalog.errors_dir / "tabalong").is_dir()
            if name == "registry":
                assert read_registry(settings.catalog.tables).height == 0
            return step(batch, *args)

        return run

    for name in ("error_reports", "tables", "registry"):
        step = getattr(commit, f"write_{name}")
        monkeypatch.setattr(commit, f"write_{name}", recorded(name, step))
    summary = run_ingest(settings, ref, now=NOW)
    assert order == ["error_reports", "tables", "registry"]
    assert sorted(o.status for o in summary.outcomes) == ["diterima", "ditolak"]
    assert read_registry(settings.catalog.tables).height == 2
    # A second run finds both registered and writes nothing.
    found = discover(settings.catalog)
    assert found.new == [] and sum(found.skipped.values()) == 2
