"""Read and validate the new files, then decide: accepted, rejected, superseded or duplicate.

SPEC §3: a later accepted submission for the same Polres, election and date
replaces the earlier one ("later": a later `dibuat_pada`, else the later
delivery, then the file name).
"""

import functools
from collections.abc import Callable
from contextvars import ContextVar

import polars as pl

from lapsit.clock import today_in
from lapsit.galat import make
from lapsit.ingest.records import Batch, Delivery, Header, Outcome, Superseded
from lapsit.reference import Reference
from lapsit.settings import Settings
from schemas.choices import DIGANTIKAN, DITERIMA, DITOLAK, DUPLIKAT

# Called as (files read, files to read) while a batch is read.
Progress = Callable[[int, int], None]
# The progress of the command running this process's ingest (the CLI's progress bar).
progress_hook: ContextVar[Progress | None] = ContextVar("progress_hook", default=None)


def validate_deliveries(
    deliveries: list[Delivery],
    ref: Reference,
    settings: Settings,
    report: Progress | None = None,
) -> list[Outcome]:
    """Read and validate new files in one batch; unknown inboxes are refused unread."""
    # The reader and the contract's pandera models (pandas with them, about 1 s) load only
    # when there are files to read: an ingest with nothing new never imports them.
    from lapsit.reading import read_submission
    from lapsit.validation.batch import Candidate, validate_batch

    zones = ref.zones()
    outcomes = [Outcome(d, DITOLAK) for d in deliveries]
    batch, positions = [], []
    report = report or progress_hook.get()
    for i, d in enumerate(deliveries):
        if report:
            report(i, len(deliveries))
        if d.inbox not in zones:
            outcomes[i].errors = [make("kotak_tidak_dikenal", value=d.inbox)]
            continue
        raw = read_submission(d.path, max_bytes=settings.max_file_bytes, max_rows=settings.max_rows)
        latest = today_in(zones[d.inbox], d.received)
        batch.append(Candidate(inbox=d.inbox, raw=raw, latest_date=latest))
        positions.append(i)
    if report:
        report(len(deliveries), len(deliveries))
    for i, result in zip(positions, validate_batch(batch, ref), strict=True):
        out = outcomes[i]
        out.errors, out.laporan, out.result = result.errors, Header.of(result.laporan), result
        out.status = DITERIMA if result.accepted else DITOLAK
    return outcomes


def _later(a: dict, b: dict) -> bool:
    """Whether submission a is later than b (SPEC §3: dibuat_pada, else delivery, else name)."""
    made_a, made_b = a["dibuat_pada"], b["dibuat_pada"]
    if made_a is not None and made_b is not None and made_a != made_b:
        return made_a > made_b
    return (a["waktu_terima"], a["path"]) > (b["waktu_terima"], b["path"])


def _order(a: dict, b: dict) -> int:
    return 1 if _later(a, b) else -1


def resolve_supersession(outcomes: list[Outcome], registry: pl.DataFrame) -> list[Superseded]:
    """Pick the newest accepted submission per (Polres, election, date).

    Marks new losers `digantikan` in place and returns the registry rows that a
    new winner supersedes.
    """
    new_keys = [
        (out.laporan.kode_polres, out.laporan.tanggal) for out in outcomes if out.status == DITERIMA
    ]
    # Only rows that could share a key with a new submission: the cost follows the new files.
    current = registry.filter(
        (pl.col("status") == DITERIMA)
        & pl.col("kode_polres").is_in({k for k, _ in new_keys})
        & pl.col("tanggal").is_in({d for _, d in new_keys})
    )
    groups: dict[tuple, list[dict]] = {}
    for row in current.iter_rows(named=True):
        key = (row["kode_polres"], row["kode_pemilihan"], row["tanggal"])
        groups.setdefault(key, []).append({**row, "outcome": None})
    for out in outcomes:
        if out.status != DITERIMA:
            continue
        lap = out.laporan
        key = (lap.kode_polres, lap.kode_pemilihan, lap.tanggal)
        entry = {
            "id_submisi": out.delivery.sha256,
            "path": out.delivery.rel,
            "dibuat_pada": lap.dibuat_pada,
            "waktu_terima": out.delivery.received,
            "outcome": out,
        }
        groups.setdefault(key, []).append(entry)
    updates = []
    for entries in groups.values():
        if len(entries) < 2:
            continue
        winner = max(entries, key=functools.cmp_to_key(_order))
        for entry in entries:
            if entry is winner:
                continue
            if entry["outcome"] is None:
                updates.append(Superseded(entry["id_submisi"], entry["path"], winner["id_submisi"]))
            else:
                entry["outcome"].status = DIGANTIKAN
                entry["outcome"].superseded_by = winner["id_submisi"]
    return updates


def duplicate_outcomes(duplicates: list[tuple[Delivery, str]]) -> list[Outcome]:
    """Outcomes for byte-identical copies of files already registered."""
    return [
        Outcome(d, DUPLIKAT, errors=[make("berkas_duplikat", value=d.rel, hint=first)])
        for d, first in duplicates
    ]


def decide(outcomes: list[Outcome], registry: pl.DataFrame, earlier: list[Outcome]) -> Batch:
    """Supersession among the batch, the registry and the earlier batches of this run.

    New losers are marked `digantikan` in place, outcomes of earlier batches of
    this run that the batch supersedes too; the registered rows superseded are
    returned with the batch, to be marked when it is written.
    """
    superseded = resolve_supersession(outcomes, registry)
    by_key = {(o.delivery.sha256, o.delivery.rel): o for o in earlier if o.status == DITERIMA}
    for update in superseded:
        out = by_key.get((update.id_submisi, update.path))
        if out is not None:
            out.status, out.superseded_by = DIGANTIKAN, update.digantikan_oleh
    return Batch(outcomes=outcomes, superseded=superseded)
