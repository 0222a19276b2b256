"""How the outcome of each submission is shown to Polda staff: run names, messages, events, rows.

Plain functions; the ingest flow turns them into one task run per new file (a
rejected one ends Failed), a custom event per rejection and a table artifact.
Everything here that reaches the Prefect UI goes through `mask_nrp`: an NRP
is never shown whole.
"""

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from lapsit.errors import SubmissionRejected
from lapsit.galat import ERROR, Galat, describe, mask_nrp, sort_key
from lapsit.ingest.records import Outcome
from lapsit.reference import Reference
from schemas.choices import DIGANTIKAN, DITERIMA, DITOLAK, DUPLIKAT

# Counted in the final state message of an ingest run, in this order.
COUNTED = (DITERIMA, DITOLAK, DIGANTIKAN, DUPLIKAT, "dilewati")
# How many errors a failed task run or an artifact row names.
FIRST_ERRORS = 3
REJECTED_EVENT = "lapsit.submisi.ditolak"
REJECTED_ARTIFACT = "submisi-ditolak"


@dataclass(frozen=True)
class Verdict:
    """The outcome of one new file, small enough to be a task parameter."""

    kode_polres: str  # the inbox
    berkas: str  # the file's path inside its inbox, NRP-like digits masked (shown in the UI)
    path: str  # relative to raw/, masked likewise
    id_submisi: str
    status: str
    errors: tuple[Galat, ...]
    error_report: str | None  # relative to the data dir

    @property
    def n_errors(self) -> int:
        return sum(g.severity == ERROR for g in self.errors)


def verdict(outcome: Outcome) -> Verdict:
    """The verdict of one outcome of an ingest run."""
    d = outcome.delivery
    return Verdict(
        kode_polres=d.inbox,
        berkas=mask_nrp(d.rel.removeprefix(f"{d.inbox}/")),
        path=mask_nrp(d.rel),
        id_submisi=d.sha256,
        status=outcome.status,
        errors=tuple(outcome.errors),
        error_report=outcome.error_report,
    )


def first_errors(v: Verdict, n: int = FIRST_ERRORS) -> list[str]:
    """The first n errors (not warnings) of a verdict, in workbook order."""
    errors = sorted((g for g in v.errors if g.severity == ERROR), key=sort_key)
    return [describe(g) for g in errors[:n]]


def rejection_message(v: Verdict) -> str:
    """Why a submission was rejected: its error count, first errors and error report."""
    shown = first_errors(v)
    more = v.n_errors - len(shown)
    lines = [f"Submisi {v.kode_polres}/{v.berkas} ditolak: {v.n_errors} kesalahan."]
    lines += [f"{i}. {line}" for i, line in enumerate(shown, 1)]
    if more > 0:
        lines.append(f"... dan {more} kesalahan lain.")
    if v.error_report:
        lines.append(f"Laporan galat lengkap: {v.error_report}")
    return mask_nrp("\n".join(lines))


def check(v: Verdict) -> str:
    """The verdict's status; raises SubmissionRejected (naming the first errors) for a rejection."""
    if v.status == DITOLAK:
        raise SubmissionRejected(rejection_message(v))
    return v.status


def counts_message(totals: Counter) -> str:
    """The counts of an ingest run, e.g. `diterima 12, ditolak 1, ..., dilewati 40`."""
    return ", ".join(f"{status} {totals[status]}" for status in COUNTED)


def rejection_event(v: Verdict, ref: Reference, data_dir: Path) -> dict:
    """Keyword arguments of `emit_event` for one rejection; the resource is the Polres."""
    row = ref.polres_row(v.kode_polres) or {}
    resource = {
        "prefect.resource.id": f"lapsit.polres.{v.kode_polres}",
        "prefect.resource.name": row.get("nama_polres", v.kode_polres),
        "lapsit.polda": row.get("kode_polda", ""),
    }
    return {
        "event": REJECTED_EVENT,
        "resource": resource,
        "payload": {
            "berkas": v.berkas,
            "path": v.path,
            "id_submisi": v.id_submisi,
            "jumlah_galat": v.n_errors,
            "galat_pertama": first_errors(v),
            "laporan_galat": _report_path(v, data_dir),
        },
    }


def _report_path(v: Verdict, data_dir: Path) -> str | None:
    return str(data_dir / v.error_report) if v.error_report else None


def rejected_rows(verdicts: list[Verdict], ref: Reference, data_dir: Path) -> list[dict]:
    """One row per rejected submission for the table artifact, Polres by Polres."""
    rows = []
    for v in sorted(verdicts, key=lambda v: (v.kode_polres, v.berkas)):
        if v.status != DITOLAK:
            continue
        row = ref.polres_row(v.kode_polres) or {}
        rows.append(
            {
                "Polres": row.get("nama_polres", v.kode_polres),
                "Berkas": v.path,
                "Jumlah galat": v.n_errors,
                "Galat pertama": " | ".join(first_errors(v)),
                "Laporan galat": _report_path(v, data_dir) or "-",
            }
        )
    return rows
