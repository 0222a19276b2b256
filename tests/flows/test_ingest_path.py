"""The ingest flow and `run_ingest` (the same steps without Prefect) leave the same data."""

import shutil

import pytest

from flows.ingest import ingest_flow
from lapsit.ingest.run import run_ingest
from lapsit.settings import Settings
from tests.builders import balangan_season, deliver_good_and_bad
from tests.ingest.test_batches import _tables

pytestmark = pytest.mark.slow


def test_the_flow_and_the_plain_steps_give_the_same_registry_tables_and_reports(
    prefect_harness, tmp_path, ref, monkeypatch
):
    # Three files a batch: several batches, a correction superseding across them, a
    # rejection, a copy of a registered file (a duplicate, with the first batch).
    monkeypatch.setenv("LAPSIT_BATCH_FILES", "3")
    flow_dir, plain_dir = tmp_path / "flow", tmp_path / "plain"
    first = Settings(data_dir=flow_dir)
    balangan_season(first, days=4)
    deliver_good_and_bad(flow_dir)
    shutil.copytree(flow_dir, plain_dir)  # the same files, the same delivery times
    flow_settings, plain_settings = Settings(data_dir=flow_dir), Settings(data_dir=plain_dir)
    assert flow_settings.batch_files == 3

    state = ingest_flow(data_dir=str(flow_dir), return_state=True)
    plain = run_ingest(plain_settings, ref)
    assert state.is_completed()
    assert state.result().totals() == plain.totals()
    assert plain.totals()["digantikan"] == 1 and plain.totals()["ditolak"] == 1

    # A copy of a registered file, then a second round on both.
    for data in (flow_dir, plain_dir):
        shutil.copy2(
            data / "raw" / "balangan" / "2024-11-15.xlsx",
            data / "raw" / "balangan" / "salinan.xlsx",
        )
    ingest_flow(data_dir=str(flow_dir))
    assert run_ingest(plain_settings, ref).totals()["duplikat"] == 1

    expected, got = _tables(plain_settings), _tables(flow_settings)
    for name, frame in got.items():
        assert frame.equals(expected[name]), name
    reports = sorted(p.relative_to(plain_dir) for p in (plain_dir / "reports" / "galat").rglob("*"))
    assert reports and reports == sorted(
        p.relative_to(flow_dir) for p in (flow_dir / "reports" / "galat").rglob("*")
    )
