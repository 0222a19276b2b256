"""Concurrency: ingest processes started at once on one data dir end as one run would.

Each process is spawned, imports lapsit, and is then released at the same
moment as the others. Their tables (every row, as a multiset) and registry
outcomes are compared with one run over a copy of the same files.
"""

import datetime as dt
import shutil
import threading

import polars as pl

from lapsit.catalog import Lineage, Slice, table
from lapsit.ingest.run import run_ingest
from lapsit.settings import Settings
from lapsit.storage import delta
from lapsit.storage.rows import with_lineage
from tests.reliability import _proc
from tests.reliability.checks import Model, check, deliver_day, differences, table_multisets
from tests.reliability.inputs import fingerprint


def overlap(children: list[_proc.Child]) -> int:
    """How many of the children were running while another one was."""
    spans = [(c.seen["ready"][1], c.seen["done"][1]) for c in children]
    return sum(
        any(a < end and start < b for j, (a, b) in enumerate(spans) if j != i)
        for i, (start, end) in enumerate(spans)
    )


def run_together(data_dir, n: int, **order: object) -> list[_proc.Child]:
    """Start n ingest children, release them together, wait for all; assert each completed."""
    children = [_proc.Child() for _ in range(n)]
    try:
        for child in children:
            assert child.wait("ready"), "an ingest child could not start"
        for child in children:
            child.go(data_dir, **order)
        for child in children:
            assert child.wait("done"), "an ingest child did not complete"
            assert child.finish() == 0
    finally:
        for child in children:
            child.dismiss()  # already ended, unless something above failed
    return children


def one_run(tmp_path, settings: Settings, ref) -> dict:
    """The tables one run over a copy of the same inbox gives."""
    once = Settings(data_dir=tmp_path / "once")
    shutil.copytree(settings.catalog.raw_dir, once.catalog.raw_dir, symlinks=True)
    run_ingest(once, ref)
    return table_multisets(once.catalog.curated_dir)


def test_three_ingests_at_once_end_as_one_run(tmp_path, ref, ledger):
    settings = Settings(data_dir=tmp_path / "data")
    model = Model()
    for n in range(3):
        ledger.inputs += deliver_day(settings, model, n)
    before = fingerprint(settings.catalog.raw_dir)

    children = run_together(settings.data_dir, 3)
    ledger.overlapped += overlap(children)
    assert overlap(children) == 3
    # They waited for each other: exactly one found the files new.
    accepted = sorted(c.seen["done"][2].get("diterima", 0) for c in children)
    assert accepted[:2] == [0, 0] and accepted[2] > 0

    verdict = check(settings.catalog.curated_dir, model, settled=True)
    ledger.lost += verdict.lost
    ledger.duplicated += verdict.duplicated
    assert verdict, verdict.problems
    assert (
        differences(table_multisets(settings.catalog.curated_dir), one_run(tmp_path, settings, ref))
        == {}
    )
    assert fingerprint(settings.catalog.raw_dir) == before


def _race(t, frame: pl.DataFrame, keys: list[dict], writers: int = 2) -> None:
    """Several threads replace the same slices with the same rows at the same moment."""
    barrier = threading.Barrier(writers)

    def write() -> None:
        barrier.wait()
        delta.replace_slices(t, frame, keys)

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _slice(kode: str) -> tuple[pl.DataFrame, list[Slice]]:
    lineage = Lineage("kalsel", kode, "pilkada-2024", "kampanye", dt.date(2024, 11, 20), kode * 4)
    rows = pl.DataFrame({"satgas": ["preemtif", "preventif"], "personel": [10, 20]})
    return with_lineage("satgas", [(0, rows)], [lineage]), [lineage.slice]


def test_racing_writers_of_a_table_conflict_and_retry_without_duplicates(tmp_path, ledger):
    """Delta sees two writers of the same slices as a conflict; the loser retries, idempotently."""
    t = table(tmp_path / "curated", "satgas")
    delta.replace_slices(t, *_slice("tapin"))
    frame, keys = _slice("balangan")
    for _ in range(5):
        _race(t, frame, keys)
        ledger.racing += 2
        rows = delta.read(t)
        assert rows.filter(pl.col("kode_polres") == "balangan").height == 2
        assert rows.height == 4


def test_racing_first_writes_of_a_table_without_duplicates(tmp_path):
    for n in range(5):
        t = table(tmp_path / f"curated-{n}", "satgas")
        frame, keys = _slice("balangan")
        _race(t, frame, keys)
        assert delta.read(t).height == 2
