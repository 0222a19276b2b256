"""Announcing rejections once each: written down before the registry records them, sent after.

A rejection is announced (its Failed run and its event `lapsit.submisi.ditolak`)
only once the registry records the file, so that nothing is announced for a
file a crashed run did not commit. The order, per batch:

1. `stage`: the batch's rejections, each with an event id drawn now, are written
   to the outbox (`Catalog.outbox`, one JSON file per batch);
2. the registry write commits the batch (`lapsit.ingest.commit`);
3. `send`: each rejection is delivered, then the batch's outbox file removed.

A crash between 2 and 3 leaves the file in the outbox; the next run (`resume`,
under the same ingest lock) delivers what the registry recorded and drops the
rest (those files are new again and get new rejections). A crash during 3
delivers some rejections twice with the same event id: the Prefect server stores,
and alerts on, one event per id, so no alert goes out twice.
"""

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from lapsit.files import write_atomic
from lapsit.ingest import verdicts
from lapsit.ingest.records import Outcome
from lapsit.ingest.verdicts import Rejection
from lapsit.reference import Reference
from schemas.choices import DITOLAK

# Delivers rejections the registry has recorded: a Failed run and an event each.
Deliver = Callable[[list[Rejection]], None]


@dataclass(frozen=True)
class Announcer:
    """The outbox of one data dir, and how its rejections are delivered."""

    outbox: Path
    data_dir: Path
    ref: Reference
    deliver: Deliver

    def resume(self, registry: pl.DataFrame) -> int:
        """Deliver what an interrupted run left in the outbox and the registry recorded."""
        if not self.outbox.is_dir():
            return 0
        registered = set(zip(registry["id_submisi"], registry["path"], strict=True))
        delivered = 0
        for staged in sorted(self.outbox.glob("*.json")):
            todo = [r for r in _read(staged) if (r.id_submisi, r.path) in registered]
            if todo:
                self.deliver(todo)
                delivered += len(todo)
            staged.unlink()
        _tidy(self.outbox)
        return delivered

    def stage(self, outcomes: list[Outcome]) -> Path | None:
        """Write down the batch's rejections before the registry records them."""
        shown = [verdicts.verdict(o) for o in outcomes if o.status == DITOLAK]
        if not shown:
            return None
        rejections = [verdicts.rejection(v, self.ref, self.data_dir) for v in shown]
        name = f"{rejections[0].event_id}.json"
        text = json.dumps([r.to_dict() for r in rejections], ensure_ascii=False)
        return write_atomic(self.outbox / name, text)

    def send(self, staged: Path | None) -> None:
        """Deliver a batch's rejections once the registry recorded them; then forget them."""
        if staged is None:
            return
        self.deliver(_read(staged))
        staged.unlink()
        _tidy(self.outbox)


def _tidy(outbox: Path) -> None:
    """Remove the outbox once nothing waits in it: a curated store elsewhere (S3) leaves
    only the ingest lock in the local `curated/` folder."""
    with contextlib.suppress(OSError):  # not empty: a batch still waits
        outbox.rmdir()


def _read(staged: Path) -> list[Rejection]:
    return [Rejection(**r) for r in json.loads(staged.read_text(encoding="utf-8"))]
