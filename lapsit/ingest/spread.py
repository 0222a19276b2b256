"""Where a run validates its batches: in this process, or spread over a Dask cluster.

A schedule yields each batch's outcomes, in the batches' order; supersession
and every write stay in the flow's process, in order (`lapsit.ingest.run`).
"""

from collections import Counter, deque
from collections.abc import Callable, Iterator
from typing import Protocol

from lapsit.ingest.discover import batches_of
from lapsit.ingest.records import Delivery, Outcome
from lapsit.reference import Reference
from lapsit.settings import Settings


class Validate(Protocol):
    """The read-and-validate step of one batch (or chunk) of new files."""

    def __call__(
        self, deliveries: list[Delivery], ref: Reference, settings: Settings
    ) -> list[Outcome]: ...


class Schedule(Protocol):
    """Validate the batches, yielding each one's outcomes in order."""

    def __call__(
        self, validate: Validate, batches: list[list[Delivery]], ref: Reference, settings: Settings
    ) -> Iterator[list[Outcome]]: ...


def in_order(
    validate: Validate, batches: list[list[Delivery]], ref: Reference, settings: Settings
) -> Iterator[list[Outcome]]:
    """Validate the batches one after the other, in this process."""
    for batch in batches:
        yield validate(batch, ref, settings)


class Pending(Protocol):
    """What `spread`'s `submit` returns: a future of one chunk's outcomes."""

    def result(self) -> list[Outcome]: ...


def spread(
    submit: Callable[[list[Delivery]], Pending],
    batches: list[list[Delivery]],
    chunk_files: int,
    in_flight: int,
) -> Iterator[list[Outcome]]:
    """Validate every batch as chunks of `chunk_files` through `submit`, in parallel.

    Yields each batch's outcomes, in the order of its files, as soon as its last
    chunk is done, while later chunks go on validating. At most `in_flight` chunks
    are submitted and not yet collected, so memory follows that, not the number
    of new files.
    """
    jobs = [
        (b, chunk) for b, batch in enumerate(batches) for chunk in batches_of(batch, chunk_files)
    ]
    chunks_left = Counter(b for b, _ in jobs)
    queue = iter(jobs)
    pending: deque[tuple[int, Pending]] = deque()
    done: list[Outcome] = []

    def fill() -> None:
        while len(pending) < in_flight and (job := next(queue, None)) is not None:
            pending.append((job[0], submit(job[1])))

    fill()
    while pending:
        b, future = pending.popleft()
        done += future.result()
        fill()
        chunks_left[b] -= 1
        if not chunks_left[b]:
            yield done
            done = []
