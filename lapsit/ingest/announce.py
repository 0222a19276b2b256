"""Announcing rejections once each: written down before the registry records them, sent after.

A rejection is announced (its Failed run and its event `lapsit.submisi.ditolak`)
only once the registry records the file, so that nothing is announced for a
file a crashed run did not commit. The order, per batch:

1. `Outbox.stage`: the batch's rejections, each with an event id drawn now, are
   written to the outbox (`Catalog.outbox`, one JSON file per batch);
2. the registry write commits the batch (`lapsit.ingest.commit`);
3. each rejection is delivered, then `Outbox.forget` removes the batch's file.

A crash between 2 and 3 leaves the file in the outbox; the next run (`leftover`,
under the same ingest lock) delivers what the registry recorded and drops the
rest (those files are new again and get new rejections). A crash during 3
delivers some rejections twice with the same event id: the Prefect server stores,
and alerts on, one event per id, so no alert goes out twice.
"""

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from lapsit.files import write_atomic
from lapsit.ingest import verdicts
from lapsit.ingest.records import Outcome
from lapsit.ingest.verdicts import Rejection
from lapsit.reference import Reference
from schemas.choices import DITOLAK


@dataclass(frozen=True)
class Outbox:
    """The rejections of one data dir written down between their batch and its announcement.

    The ingest flow delivers what it reads here (`flows.rejection_runs.announce`) and then
    forgets it; nothing here calls back.
    """

    folder: Path
    data_dir: Path
    ref: Reference

    def leftover(self, registry: pl.DataFrame) -> Iterator[tuple[Path, list[Rejection]]]:
        """What an interrupted run left, each staged file with the rejections of it that the
        registry recorded (the others are new again and will get new rejections)."""
        if not self.folder.is_dir():
            return
        # By content and inbox: a rejection's `path` is shown masked, the registry's is not.
        registered = set(zip(registry["id_submisi"], registry["kode_polres"], strict=True))
        for staged in sorted(self.folder.glob("*.json")):
            rejections = self.read(staged)
            yield staged, [r for r in rejections if (r.id_submisi, r.kode_polres) in registered]

    def stage(self, outcomes: list[Outcome]) -> Path | None:
        """Write down the batch's rejections before the registry records them."""
        shown = [verdicts.verdict(o) for o in outcomes if o.status == DITOLAK]
        if not shown:
            return None
        rejections = [verdicts.rejection(v, self.ref, self.data_dir) for v in shown]
        name = f"{rejections[0].event_id}.json"
        text = json.dumps([r.to_dict() for r in rejections], ensure_ascii=False)
        return write_atomic(self.folder / name, text)

    @staticmethod
    def read(staged: Path) -> list[Rejection]:
        return [Rejection(**r) for r in json.loads(staged.read_text(encoding="utf-8"))]

    def forget(self, staged: Path) -> None:
        """Once its rejections are delivered: the staged file goes, and the outbox once
        empty (a curated store elsewhere, S3, then leaves only the ingest lock in the local
        `curated/` folder)."""
        staged.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # not empty: a batch still waits
            self.folder.rmdir()
