"""How the outcome of each submission is shown to Polda staff: run names, messages, events, rows.

Plain functions; the ingest flow turns each rejection into a Failed subflow run
(named by `Rejection.run_name`) and an event, and the run into a state name
and a table artifact. Accepted, superseded and duplicate files are only counted.
Everything here that reaches the Prefect UI goes through `mask_nrp`: an NRP is
never shown whole; an event or an alert carries no cell value at all.
"""

import datetime as dt
import textwrap
import uuid
import zoneinfo
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from lapsit.clock import local_time
from lapsit.galat import ERROR, Galat, describe, sort_key
from lapsit.ingest.records import Outcome
from lapsit.privacy import mask_nrp
from lapsit.reference import Reference
from schemas.choices import DIGANTIKAN, DITERIMA, DITOLAK, DUPLIKAT

# Counted in the final state message of an ingest run, in this order.
COUNTED = (DITERIMA, DITOLAK, DIGANTIKAN, DUPLIKAT, "dilewati")
# How many errors a rejection's run or an artifact row names.
FIRST_ERRORS = 3
REJECTED_EVENT = "lapsit.submisi.ditolak"
# The Prefect UI draws each table cell on one line and breaks it only at a newline: the
# first error is wrapped to this many characters a line, so that the Polres, the reason
# and the error count fit side by side in the artifact page at 1440 px and at 1280 px.
CELL_WIDTH = 40


@dataclass(frozen=True)
class Verdict:
    """The outcome of one new file, as shown."""

    kode_polres: str  # the inbox
    berkas: str  # the file's path inside its inbox, NRP-like digits masked (shown in the UI)
    path: str  # relative to raw/, masked likewise
    id_submisi: str
    status: str
    errors: tuple[Galat, ...]
    error_report: str | None  # relative to the data dir
    received: dt.date | None = None  # the day it was received: 8 digits near it are a date

    @property
    def n_errors(self) -> int:
        return sum(g.severity == ERROR for g in self.errors)

    @property
    def fmt(self) -> str:
        """The file's format (`xlsx`, `json`, ...), whose words say where an error is."""
        return self.berkas.rpartition(".")[2].lower()


def verdict(outcome: Outcome) -> Verdict:
    """The verdict of one outcome of an ingest run."""
    d = outcome.delivery
    day = d.received.date()
    return Verdict(
        kode_polres=d.inbox,
        berkas=mask_nrp(d.rel.removeprefix(f"{d.inbox}/"), day),
        path=mask_nrp(d.rel, day),
        id_submisi=d.sha256,
        status=outcome.status,
        errors=tuple(outcome.errors),
        error_report=outcome.error_report,
        received=day,
    )


def first_errors(v: Verdict, n: int = FIRST_ERRORS) -> list[str]:
    """The first n errors (not warnings) of a verdict, in workbook order."""
    errors = sorted((g for g in v.errors if g.severity == ERROR), key=sort_key)
    return [describe(g, v.fmt) for g in errors[:n]]


def rejection_message(v: Verdict, data_dir: Path) -> str:
    """Why a submission was rejected: its error count, first errors and error report."""
    shown = first_errors(v)
    more = v.n_errors - len(shown)
    lines = [f"Submisi {v.kode_polres}/{v.berkas} ditolak: {v.n_errors} kesalahan."]
    lines += [f"{i}. {line}" for i, line in enumerate(shown, 1)]
    if more > 0:
        lines.append(f"... dan {more} kesalahan lain.")
    if v.error_report:
        lines.append(f"Laporan galat lengkap: {_report_path(v, data_dir)}")
    return mask_nrp("\n".join(lines), v.received)


def counts_message(totals: Counter) -> str:
    """The counts of an ingest run, e.g. `diterima 12, ditolak 1, ..., dilewati 40`."""
    return ", ".join(f"{status} {totals[status]}" for status in COUNTED)


def state_name(totals: Counter) -> str:
    """The ingest run's state name: what happened at a glance (`Selesai · 3 ditolak`)."""
    if totals[DITOLAK]:
        return f"Selesai · {totals[DITOLAK]} ditolak"
    if totals[DITERIMA] or totals[DIGANTIKAN] or totals[DUPLIKAT]:
        return "Selesai · semua diterima"
    return "Selesai · tidak ada berkas baru"


def ingest_name(polda: list[str], zone: str | None, now: dt.datetime) -> str:
    """What an ingest run works on and when, e.g. `ingest · kalsel · 27/11 20.01 WITA`."""
    where = ", ".join(polda) if polda else "semua kotak masuk"
    day = now.astimezone(zoneinfo.ZoneInfo(zone or "UTC"))
    return f"ingest · {where} · {day:%d/%m} {local_time(zone, now)}"


@dataclass(frozen=True)
class Rejection:
    """A registered rejection to announce: its Failed run and its event (JSON in the outbox).

    `event_id` is drawn once, when the rejection is written down before the
    registry records it: a rerun that announces it again sends the same id, and
    the Prefect server keeps (and alerts on) one event per id.
    """

    event_id: str
    kode_polres: str
    nama_polres: str
    kode_polda: str
    berkas: str
    path: str
    id_submisi: str
    jumlah_galat: int
    message: str
    laporan_galat: str | None  # absolute

    @property
    def run_name(self) -> str:
        return f"ditolak · {self.kode_polres} · {self.berkas}"

    @property
    def tags(self) -> list[str]:
        return [f"polres:{self.kode_polres}", f"polda:{self.kode_polda}"]

    def to_dict(self) -> dict:
        return asdict(self)


def rejection(v: Verdict, ref: Reference, data_dir: Path) -> Rejection:
    """The announcement of one rejected verdict, with a fresh event id."""
    row = ref.polres_row(v.kode_polres) or {}
    return Rejection(
        event_id=str(uuid.uuid4()),
        kode_polres=v.kode_polres,
        nama_polres=row.get("nama_polres", v.kode_polres),
        kode_polda=row.get("kode_polda", "-"),
        berkas=v.berkas,
        path=v.path,
        id_submisi=v.id_submisi,
        jumlah_galat=v.n_errors,
        message=rejection_message(v, data_dir),
        laporan_galat=_report_path(v, data_dir),
    )


def rejection_event(r: Rejection) -> dict:
    """Keyword arguments of `emit_event`: the Polres as resource, its Polda as related resource.

    The payload names the file, the error count and the error report, never a
    cell value: an alert built from it cannot leak a neutrality case.
    """
    return {
        "event": REJECTED_EVENT,
        "id": uuid.UUID(r.event_id),
        "resource": {
            "prefect.resource.id": f"lapsit.polres.{r.kode_polres}",
            "prefect.resource.name": r.nama_polres,
            "lapsit.polda": r.kode_polda,
        },
        "related": [
            {
                "prefect.resource.id": f"lapsit.polda.{r.kode_polda}",
                "prefect.resource.role": "polda",
            }
        ],
        "payload": {
            "berkas": r.berkas,
            "path": r.path,
            "id_submisi": r.id_submisi,
            "jumlah_galat": r.jumlah_galat,
            "laporan_galat": r.laporan_galat,
        },
    }


def _report_path(v: Verdict, data_dir: Path) -> str | None:
    return str(data_dir / v.error_report) if v.error_report else None


def rejected_rows(verdicts: list[Verdict], ref: Reference, data_dir: Path) -> list[dict]:
    """One row per rejected submission for the table artifact, Polres by Polres.

    Read at a glance: who, why (the first error only; the rest are in the
    rejection's run and its error report), how many, then which file and where its
    error report is (the two long ones last, where a narrow page cuts them).
    """
    rows = []
    for v in sorted(verdicts, key=lambda v: (v.kode_polres, v.berkas)):
        if v.status != DITOLAK:
            continue
        row = ref.polres_row(v.kode_polres) or {}
        first = first_errors(v, 1)
        rows.append(
            {
                "Polres": row.get("nama_polres", v.kode_polres),
                "Galat pertama": _wrapped(first[0]) if first else "-",
                "Jumlah galat": v.n_errors,
                "Berkas": v.berkas,
                "Laporan galat": _report_path(v, data_dir) or "-",
            }
        )
    return rows


def _wrapped(text: str) -> str:
    """Text broken into lines of CELL_WIDTH characters at spaces, never inside a word."""
    lines = textwrap.wrap(text, CELL_WIDTH, break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines)
