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
    from lapsit import curated, ingest
    from lapsit.catalog import section_tables
    from lapsit.reference import load_reference
    from lapsit.settings import SHIPPED_REFERENCE, Settings

    shipped = load_reference(SHIPPED_REFERENCE)
    events.send(("ready", time.monotonic()))
    order = orders.recv()
    if order is None:
        return
    settings = Settings(data_dir=Path(order["data_dir"]))
    same = settings.reference_dir == SHIPPED_REFERENCE
    ref = shipped if same else load_reference(settings.reference_dir)
    kill_before_table = order.get("kill_before_table")

    def discover(raw_dir: Path) -> list:
        events.send(("locked", time.monotonic()))
        return ingest.discover(raw_dir)

    def write_reports(outcomes: list, settings: Settings, ref: object) -> None:
        events.send(("writes", time.monotonic()))
        ingest.write_reports(outcomes, settings, ref)

    def write_curated(keys: list, rows: dict, settings: Settings) -> None:
        if kill_before_table is None:
            ingest.write_curated(keys, rows, settings)
            return
        for i, t in enumerate(section_tables(settings.curated_dir)):
            if i == kill_before_table:
                os.kill(os.getpid(), signal.SIGKILL)
            curated.replace_slices(t, rows[t.name], keys)
        os.kill(os.getpid(), signal.SIGKILL)

    steps = ingest.Steps(
        discover=discover, write_reports=write_reports, write_curated=write_curated
    )
    summary = ingest.run_ingest(settings, ref, steps=steps)
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
