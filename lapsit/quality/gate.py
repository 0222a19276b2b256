"""The quality gate: Great Expectations suites run on the curated tables after ingestion.

Two scopes (`lingkup`): `penuh` checks the whole tables; `baru` checks only what
was ingested since the last gate that passed (the registry rows processed since
then, and every row sharing their Polres, election and date, in the registry
and in the section tables), so that the nightly's gate costs what the night
brought, not the history. The mark (`Catalog.gate_mark`) moves only when a
gate passes: a failure is checked again every night until it is mended. A
weekly run checks the whole tables (`flows/serve.py`).
"""

import datetime as dt
import json

from lapsit.catalog import REGISTRY, Catalog
from lapsit.clock import now_utc
from lapsit.files import write_atomic
from lapsit.privacy import mask_nrp
from lapsit.quality.checkpoints import run_checkpoints
from lapsit.quality.result import BARU, PENUH, QualityResult
from lapsit.quality.suites import ACCEPTED, suites
from lapsit.quality.tables import read_tables
from lapsit.reference import Reference
from lapsit.settings import Settings
from lapsit.storage.lock import ingest_lock
from lapsit.templating import render


def run_gate(settings: Settings, ref: Reference, lingkup: str = PENUH) -> QualityResult:
    """Check the curated tables (all, or what is new since the last pass); Data Docs as well.

    `baru` without a mark yet (the first gate) checks everything. When the gate
    passes, the mark moves to the newest registry row it saw.
    """
    if lingkup not in (PENUH, BARU):
        raise ValueError(f"Lingkup '{lingkup}' tidak dikenal: pilih '{PENUH}' atau '{BARU}'.")
    catalog = settings.catalog
    since = read_mark(catalog) if lingkup == BARU else None
    # Read under the ingest lock: no batch of a running ingest is committed half-seen, so
    # the mark (the newest row read) never passes over rows committed after the read.
    with ingest_lock(catalog):
        frames, versions = read_tables(catalog.tables, ref, since)
    scope = {"lingkup": BARU if since is not None else PENUH, "sejak": since}
    if not frames:
        return QualityResult(success=True, checked={}, versions=versions, **scope)
    failures, evaluated, index = run_checkpoints(
        frames, suites(list(frames), ref), catalog.data_docs_dir
    )
    result = QualityResult(
        success=not failures,
        checked={name: frame.height for name, frame in frames.items()},
        versions=versions,
        failures=failures,
        docs_index=index,
        evaluated=evaluated,
        **scope,
    )
    if result.success and REGISTRY in frames:
        write_mark(catalog, frames[REGISTRY]["diproses_pada"].max())
    return result


def read_mark(catalog: Catalog) -> dt.datetime | None:
    """Where the last gate that passed left off (None: never, or the mark is unreadable)."""
    try:
        text = json.loads(catalog.gate_mark.read_text(encoding="utf-8"))
        return dt.datetime.fromisoformat(text["diperiksa_sampai"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # check everything: never less than asked


def write_mark(catalog: Catalog, newest: dt.datetime | None) -> None:
    """Move the mark to `newest` (the latest `diproses_pada` checked); never backwards."""
    if newest is None:
        return
    current = read_mark(catalog)
    if current is not None and current >= newest:
        return
    write_atomic(catalog.gate_mark, json.dumps({"diperiksa_sampai": newest.isoformat()}))


def markdown(result: QualityResult, now: dt.datetime | None = None) -> str:
    """The gate's outcome as Markdown for a Prefect artifact, linking Data Docs."""
    versions = {
        name: result.versions.get(name if name != ACCEPTED else REGISTRY) for name in result.checked
    }
    return mask_nrp(
        render("artefak/gerbang-kualitas.md.j2", r=result, versions=versions, now=now or now_utc())
    )
