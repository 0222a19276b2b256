"""Read and validate the new files, then decide: accepted, rejected, superseded or duplicate.

SPEC §3: a later accepted submission for the same Polres, election and date
replaces the earlier one ("later": a later `dibuat_pada`, else the later
delivery, then the file name).
"""

import dataclasses
import functools

import polars as pl

from lapsit.clock import today_in
from lapsit.galat import make
from lapsit.ingest.records import Batch, Delivery, Header, Outcome, Superseded
from lapsit.reference import Reference
from lapsit.settings import Settings
from schemas.choices import DIGANTIKAN, DITERIMA, DITOLAK, DUPLIKAT


def validate_deliveries(
    deliveries: list[Delivery], ref: Reference, settings: Settings
) -> list[Outcome]:
    """Read and validate new files in one batch; unknown inboxes are refused unread."""
    # The reader and the contract's pandera models (pandas with them: slow) load only
    # when there are files to read: an ingest with nothing new never imports them.
    from lapsit.reading import read_submission
    from lapsit.validation.batch import Candidate, validate_batch

    zones = ref.zones()
    refused: dict[int, Outcome] = {}
    batch, positions = [], []
    for i, d in enumerate(deliveries):
        if d.inbox not in zones:
            refused[i] = Outcome(d, DITOLAK, errors=[make("kotak_tidak_dikenal", value=d.inbox)])
            continue
        raw = read_submission(d.path, max_bytes=settings.max_file_bytes, max_rows=settings.max_rows)
        latest = today_in(zones[d.inbox], d.received)
        batch.append(Candidate(inbox=d.inbox, raw=raw, latest_date=latest))
        positions.append(i)
    checked = {
        i: Outcome(
            deliveries[i],
            DITERIMA if result.accepted else DITOLAK,
            errors=result.errors,
            laporan=Header.of(result.laporan),
            result=result,
        )
        for i, result in zip(positions, validate_batch(batch, ref), strict=True)
    }
    return [refused.get(i) or checked[i] for i in range(len(deliveries))]


def _later(a: dict, b: dict) -> bool:
    """Whether submission a is later than b (SPEC §3: dibuat_pada, else delivery, else name)."""
    made_a, made_b = a["dibuat_pada"], b["dibuat_pada"]
    if made_a is not None and made_b is not None and made_a != made_b:
        return made_a > made_b
    return (a["waktu_terima"], a["path"]) > (b["waktu_terima"], b["path"])


def _order(a: dict, b: dict) -> int:
    return 1 if _later(a, b) else -1


def resolve_supersession(
    outcomes: list[Outcome], registry: pl.DataFrame
) -> tuple[dict[int, str], list[Superseded]]:
    """Pick the newest accepted submission per (Polres, election, date).

    Returns the new losers (position in `outcomes` -> the winner's id) and the registry
    rows that a new winner supersedes.
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
        groups.setdefault(key, []).append({**row, "position": None})
    for i, out in enumerate(outcomes):
        if out.status != DITERIMA:
            continue
        lap = out.laporan
        key = (lap.kode_polres, lap.kode_pemilihan, lap.tanggal)
        entry = {
            "id_submisi": out.delivery.sha256,
            "path": out.delivery.rel,
            "dibuat_pada": lap.dibuat_pada,
            "waktu_terima": out.delivery.received,
            "position": i,
        }
        groups.setdefault(key, []).append(entry)
    losers: dict[int, str] = {}
    updates = []
    for entries in groups.values():
        if len(entries) < 2:
            continue
        winner = max(entries, key=functools.cmp_to_key(_order))
        for entry in entries:
            if entry is winner:
                continue
            if entry["position"] is None:
                updates.append(Superseded(entry["id_submisi"], entry["path"], winner["id_submisi"]))
            else:
                losers[entry["position"]] = winner["id_submisi"]
    return losers, updates


def duplicate_outcomes(duplicates: list[tuple[Delivery, str]]) -> list[Outcome]:
    """Outcomes for byte-identical copies of files already registered."""
    return [
        Outcome(d, DUPLIKAT, errors=[make("berkas_duplikat", value=d.rel, hint=first)])
        for d, first in duplicates
    ]


def superseded(outcome: Outcome, by: str) -> Outcome:
    """The outcome of an accepted file that a later one replaces."""
    return dataclasses.replace(outcome, status=DIGANTIKAN, superseded_by=by)


def decide(outcomes: list[Outcome], registry: pl.DataFrame) -> Batch:
    """Supersession among the batch and the registry (earlier batches of this run included).

    The batch's new losers are `digantikan`; the registered rows superseded are returned
    with the batch, to be marked when it is written (and in the run's own outcomes).
    """
    losers, updates = resolve_supersession(outcomes, registry)
    decided = [superseded(out, losers[i]) if i in losers else out for i, out in enumerate(outcomes)]
    return Batch(outcomes=decided, superseded=updates)
