"""Error reports sent back to a Polres: Markdown and HTML for people, JSON for machines."""

import datetime as dt
import json
from pathlib import Path

from lapsit.catalog import Catalog
from lapsit.clock import local_stamp
from lapsit.galat import ERROR, WARNING, Galat
from lapsit.ingest.records import Outcome
from lapsit.privacy import mask_nrp
from lapsit.reference import Reference
from lapsit.templating import render
from schemas.choices import SUBMISSION_WORDS


def _status(status: str) -> str:
    """A registry status in the report's capitals (its word of `schemas.choices`); the
    portal's own phrases for a file not yet ingested pass as they are."""
    word = SUBMISSION_WORDS.get(status)
    return word.word.upper() if word else status.upper()


def context(
    file_name: str,
    nama_polres: str,
    status: str,
    errors: list[Galat],
    received: dt.datetime | None = None,
    zone: str | None = None,
    *,
    json_file: bool = False,
) -> dict:
    """What the error report templates show; `received` in the Polres's time zone `zone`.

    `json_file`: the error objects locate keys and objects, not sheets and rows.
    """
    day = received.date() if received else None
    return {
        # An NRP typed in a file name is not shown whole either; a date near `received` is.
        "file": mask_nrp(file_name, day),
        "polres": nama_polres,
        "status": _status(status),
        "received": local_stamp(received, zone) if received else None,
        "json_file": json_file,
        "errors": [g for g in errors if g.severity == ERROR],
        "warnings": [g for g in errors if g.severity == WARNING],
    }


def write_error_report(outcome: Outcome, catalog: Catalog, ref: Reference) -> Path:
    """Write `<file>.<id8>.md`, `.html` and `.json` under `reports/galat/<inbox>/`; return the .md."""
    d = outcome.delivery
    row = ref.polres_row(d.inbox)
    ctx = context(
        d.rel,
        row["nama_polres"] if row else d.inbox,
        outcome.status,
        outcome.errors,
        d.received,
        ref.zone_of(d.inbox),
        json_file=d.rel.lower().endswith(".json"),
    )
    folder = catalog.error_reports(d.inbox)
    folder.mkdir(parents=True, exist_ok=True)
    # The file's own name (as stored, NRP masked, cut to fit a file name's 255 bytes).
    name = (
        mask_nrp(Path(d.rel).name, d.received.date())
        .encode("utf-8")[:160]
        .decode("utf-8", "ignore")
    )
    stem = f"{name}.{d.sha256[:8]}"
    (folder / f"{stem}.html").write_text(render("galat.html.j2", **ctx), encoding="utf-8")
    (folder / f"{stem}.json").write_text(
        json.dumps([g.to_dict() for g in outcome.errors], ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    md = folder / f"{stem}.md"
    md.write_text(render("galat.md.j2", **ctx), encoding="utf-8")
    return md
