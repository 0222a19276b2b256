"""Ingest in child processes started with `spawn` (Polars and deltalake must not be forked).

A child imports lapsit (seconds on a small machine), says `ready` and waits
for its orders, so a `Pool` can start children ahead of the moment they are
needed. Once told to go it reports when it holds the data dir (`locked`),
when its writes begin (`writes`: the error reports, then the tables, then the
registry) and when it is `done`. With `kill_before_table` it kills itself just
before writing the k-th section table (5: after all of them, before the
registry).
"""

import collections
import multiprocessing
import os
import signal
import time
from multiprocessing.connection import Connection
from pathlib import Path

SPAWN = multiprocessing.get_context("spawn")


def ingest_child(events: Connection, orders: Connection) -> None:
    """Import lapsit, wait for orders, run one ingest, tell `events` how far it got."""
    from lapsit.catalog import SHIPPED_REFERENCE, Catalog
    from lapsit.ingest import commit, discover
    from lapsit.ingest.run import run_ingest
    from lapsit.reference import load_reference
    from lapsit.settings import Settings
    from lapsit.storage import delta

    shipped = load_reference(SHIPPED_REFERENCE)
    events.send(("ready", time.monotonic()))
    order = orders.recv()
    if order is None:
        return
    settings = Settings(data_dir=Path(order["data_dir"]))
    same = settings.catalog.reference_dir == SHIPPED_REFERENCE
    ref = shipped if same else load_reference(settings.catalog.reference_dir)
    kill_before_table = order.get("kill_before_table")

    discovered, reports_written, tables_written = (
        discover.discover,
        commit.write_error_reports,
        commit.write_tables,
    )

    def discover_files(catalog: Catalog) -> discover.Discovery:
        events.send(("locked", time.monotonic()))
        return discovered(catalog)

    def write_reports(batch: commit.Batch, settings: Settings, ref: object) -> commit.Batch:
        events.send(("writes", time.monotonic()))
        return reports_written(batch, settings, ref)

    def write_tables(batch: commit.Batch, settings: Settings, ref: object) -> None:
        if kill_before_table is None:
            tables_written(batch, settings, ref)
            return
        keys, rows = commit.curated_writes(batch.outcomes, ref)
        for i, t in enumerate(settings.catalog.section_tables()):
            if i == kill_before_table:
                os.kill(os.getpid(), signal.SIGKILL)
            delta.replace_slices(t, rows[t.name], keys)
        os.kill(os.getpid(), signal.SIGKILL)

    # This child runs one ingest: its steps are instrumented where run_ingest finds them.
    discover.discover = discover_files
    commit.write_error_reports = write_reports
    commit.write_tables = write_tables
    summary = run_ingest(settings, ref)
    events.send(("done", time.monotonic(), dict(summary.totals())))


class Child:
    """One ingest child: started at once, told to run later."""

    def __init__(self) -> None:
        self.events, events_end = SPAWN.Pipe(duplex=False)
        orders_end, self.orders = SPAWN.Pipe(duplex=False)
        self.proc = SPAWN.Process(target=ingest_child, args=(events_end, orders_end))
        self.proc.start()
        events_end.close()
        orders_end.close()
        self.seen: dict[str, tuple] = {}

    def go(self, data_dir: Path, **order: object) -> "Child":
        """Start the ingest over `data_dir` once the child is ready."""
        assert self.wait("ready", timeout=120), "the ingest child could not start"
        self.orders.send({"data_dir": str(data_dir), **order})
        return self

    def wait(self, what: str, timeout: float = 120) -> tuple | None:
        """The child's message `what`, or None if the child ended without sending it."""
        deadline = time.monotonic() + timeout
        while what not in self.seen and time.monotonic() < deadline:
            try:
                if not self.events.poll(max(0.0, deadline - time.monotonic())):
                    break
                message = self.events.recv()
            except (EOFError, OSError):
                break
            self.seen[message[0]] = message
        return self.seen.get(what)

    def kill(self) -> None:
        self.proc.kill()

    def finish(self, timeout: float = 120) -> int:
        """Wait for the child to end; its exit code (negative: the signal that killed it)."""
        self.proc.join(timeout)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
            raise AssertionError("the ingest child did not finish in time")
        return self.proc.exitcode

    def dismiss(self) -> None:
        """End an unused child (it has touched nothing)."""
        self.proc.kill()
        self.proc.join()


class Pool:
    """Children started `ahead` of need, each used for one run."""

    def __init__(self, ahead: int = 2) -> None:
        self.ahead = ahead
        self.waiting: collections.deque[Child] = collections.deque()

    def __enter__(self) -> "Pool":
        self._fill()
        return self

    def __exit__(self, *exc: object) -> None:
        while self.waiting:
            self.waiting.popleft().dismiss()

    def _fill(self) -> None:
        while len(self.waiting) < self.ahead:
            self.waiting.append(Child())

    def take(self) -> Child:
        child = self.waiting.popleft() if self.waiting else Child()
        self._fill()
        return child
