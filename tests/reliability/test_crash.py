"""Crash safety: ingest processes killed (SIGKILL) mid-write, again and again.

Each trial delivers a new day of the 13 Kalsel Polres (plus revisions that
supersede, a rejected file, random bytes and a duplicate), starts ingest in
a spawned process and kills it: at growing offsets into its writes, or just
before its k-th table write. After every kill each curated table must be a
consistent version (each submission all there or not at all) that agrees
with the registry, up to the work the killed run left pending; after the next
completed run everything must agree with one uninterrupted run over the same
files, with no row lost or duplicated, and the raw files untouched.
"""

import random
import shutil
import signal
import time

import pytest

from lapsit.ingest import commit
from lapsit.ingest.run import run_ingest
from lapsit.settings import Settings
from tests.reliability import _proc
from tests.reliability.checks import (
    Model,
    check,
    check_history,
    deliver_day,
    differences,
    table_multisets,
)
from tests.reliability.inputs import fingerprint

RANDOM_KILLS = 5
# Before the first, third and fifth section table, and after all five, before the registry.
TABLE_KILLS = (0, 2, 4, 5)


def kill_during_writes(child: _proc.Child, offset: float) -> tuple[bool, float | None]:
    """SIGKILL a running ingest child `offset` s after its writes begin.

    Returns (whether the kill hit a working process, the write duration if it finished first).
    """
    try:
        begun = child.wait("writes")
        assert begun is not None, "the ingest child ended before writing"
        time.sleep(max(0.0, begun[1] + offset - time.monotonic()))
    finally:
        child.kill()
        code = child.finish()
    done = child.wait("done", timeout=0.2)
    if code == -signal.SIGKILL and done is None:
        return True, None
    return False, (done[1] - begun[1]) if done else None


def test_killed_ingest_leaves_consistent_tables_and_the_next_run_completes(tmp_path, ref, ledger):
    settings = Settings(data_dir=tmp_path / "data")
    model = Model()
    ledger.inputs += deliver_day(settings, model, 0)

    with _proc.Pool() as pool:
        # A first, uninterrupted run measures how long the writes take.
        began: list[float] = []

        write_error_reports = commit.write_error_reports

        def write_reports(batch: commit.Batch, settings: Settings, ref: object) -> commit.Batch:
            began.append(time.monotonic())
            return write_error_reports(batch, settings, ref)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(commit, "write_error_reports", write_reports)
            run_ingest(settings, ref)
        writes = time.monotonic() - began[0]
        verdict = check(settings.catalog.curated_dir, model, settled=True)
        assert verdict, verdict.problems
        run_trials(settings, ref, model, pool, writes, ledger)

    run_ingest(settings, ref)
    for verdict in (
        check(settings.catalog.curated_dir, model, settled=True),
        check_history(settings.catalog.curated_dir, model),
    ):
        ledger.lost += verdict.lost
        ledger.duplicated += verdict.duplicated
        assert verdict, verdict.problems

    # The same files in one uninterrupted run give the same tables and outcomes.
    once = Settings(data_dir=tmp_path / "once")
    shutil.copytree(settings.catalog.raw_dir, once.catalog.raw_dir, symlinks=True)
    run_ingest(once, ref)
    diff = differences(
        table_multisets(settings.catalog.curated_dir), table_multisets(once.catalog.curated_dir)
    )
    assert diff == {}


def run_trials(
    settings: Settings, ref, model: Model, pool: _proc.Pool, writes: float, ledger
) -> None:
    """Deliver a day, kill the ingest of it, check; every other time, complete it and check."""
    plans = [("offset", (i + 0.5) / RANDOM_KILLS) for i in range(RANDOM_KILLS)]
    plans += [("table", k) for k in TABLE_KILLS]
    rng = random.Random(7)
    hits = 0
    for n, (kind, arg) in enumerate(plans, start=1):
        ledger.inputs += deliver_day(settings, model, n)
        before = fingerprint(settings.catalog.raw_dir)
        if kind == "offset":
            offset = 1.3 * writes * arg * rng.uniform(0.8, 1.2)
            hit, took = kill_during_writes(pool.take().go(settings.data_dir), offset)
            writes = max(writes, took or 0)
        else:
            child = pool.take().go(settings.data_dir, kill_before_table=arg)
            hit = child.finish() == -signal.SIGKILL
            assert hit, "the child was to kill itself"
        hits += hit
        ledger.faults += hit
        verdict = check(settings.catalog.curated_dir, model, settled=not hit)
        ledger.lost += verdict.lost
        ledger.duplicated += verdict.duplicated
        assert verdict, (kind, arg, verdict.problems)
        assert fingerprint(settings.catalog.raw_dir) == before
        if n % 2:  # every other kill is followed by a completed run; the others pile up
            run_ingest(settings, ref)
            verdict = check(settings.catalog.curated_dir, model, settled=True)
            ledger.lost += verdict.lost
            ledger.duplicated += verdict.duplicated
            assert verdict, ("after rerun", kind, arg, verdict.problems)
    # Most offsets land inside the writes (the last ones may come after a fast run).
    assert hits >= len(TABLE_KILLS) + RANDOM_KILLS // 2
