"""Today's completeness of a Polda, for the staff board and an operator's own status.

The statuses are the situation report's (`lapsit.report.tables.per_polres`: on time,
late, rejected, not reported) and the first error of a rejected file its completeness
section's (`lapsit.report.completeness`), computed on the registry as it is now; files
in an inbox that no ingest has registered yet are shown as sent, waiting for it.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from lapsit.clock import clock_time, local, today_in
from lapsit.portal.context import Portal
from lapsit.portal.submissions import PENDING, submissions
from lapsit.report.completeness import completeness
from lapsit.report.data import Snapshot
from lapsit.report.figures import Context
from lapsit.report.stage import Scope, polda_scope
from lapsit.report.tables import per_polres
from lapsit.storage.registry import read_registry
from lapsit.storage.rows import conform_section
from schemas.choices import BELUM_LAPOR, DITOLAK, POLRES_WORDS, TERKIRIM, TIDAK_LAPOR
from schemas.sections import CURATED_SECTIONS

REPORTS_SHOWN = 7


@dataclass(frozen=True)
class Board:
    kode_polda: str
    nama_polda: str
    tanggal: dt.date
    zona: str
    batas_waktu: str  # `20.00 WITA`
    rows: list[dict]
    # The status of a Polres without a report now: `belum_lapor` before the deadline.
    tanpa_laporan: str

    def count(self, status: str) -> int:
        return sum(r["status"] == status for r in self.rows)

    def legend(self) -> dict:
        """The statuses the board can show now, with their words (one of belum_lapor and
        tidak_lapor, whichever the hour makes)."""
        hidden = TIDAK_LAPOR if self.tanpa_laporan == BELUM_LAPOR else BELUM_LAPOR
        return {k: w for k, w in POLRES_WORDS.items() if k != hidden}


def _context(portal: Portal, scope: Scope, day: dt.date, now: dt.datetime) -> Context:
    """The report's context on the registry alone (the board shows no section figures), as
    of now: before the deadline a Polres without a report has not reported *yet*."""
    registry = read_registry(portal.catalog.tables)
    sections = {name: conform_section(None, name) for name in CURATED_SECTIONS}
    snap = Snapshot(registry, sections, {})
    return Context(snap, portal.ref, scope, day, portal.settings.batas_waktu, dibuat=now)


def board(
    portal: Portal, kode_polda: str, day: dt.date | None = None, now: dt.datetime | None = None
) -> Board:
    """Every Polres of the Polda on `day` (today) as of `now`: its status, when it reported,
    the first error."""
    scope = polda_scope(portal.ref, kode_polda)
    now = now or dt.datetime.now(dt.UTC)
    day = day or today_in(scope.zona_waktu, now)
    ctx = _context(portal, scope, day, now)
    done = completeness(ctx)
    first_error = {}
    for r in done.ditolak:  # in order of delivery: the latest rejected file's first error wins
        if r["alasan"]:
            first_error[r["kode_polres"]] = r["alasan"][0]
    pending = {}
    for row in submissions(portal, scope.codes, limit=10_000):
        if row["status"] == PENDING and local(row["waktu_terima"], scope.zona_waktu).date() == day:
            pending.setdefault(row["kode_polres"], row)
    rows = []
    for r in per_polres(ctx, done.ditolak_kode):
        status = r["status"]
        waiting = pending.get(r["kode_polres"])
        if waiting is not None and status in (BELUM_LAPOR, TIDAK_LAPOR, DITOLAK):
            status = TERKIRIM
        word, sign = POLRES_WORDS[status].word, POLRES_WORDS[status].sign
        rows.append(
            {
                "kode_polres": r["kode_polres"],
                "nama_polres": r["nama_polres"],
                "status": status,
                "label": word,
                "tanda": sign,
                "waktu_terima": f"{r['waktu_terima']} {_abbrev(scope.zona_waktu, day)}"
                if r["waktu_terima"]
                else (clock_time(waiting["waktu_terima"], scope.zona_waktu) if waiting else ""),
                "galat_pertama": first_error.get(r["kode_polres"], "")
                if r["status"] == "ditolak"
                else "",
                "menunggu": waiting,
            }
        )
    deadline = dt.datetime.combine(day, portal.settings.batas_waktu)
    return Board(
        kode_polda,
        scope.nama_polda,
        day,
        scope.zona_waktu,
        f"{deadline:%H.%M} {_abbrev(scope.zona_waktu, day)}",
        rows,
        BELUM_LAPOR if ctx.before_deadline() else TIDAK_LAPOR,
    )


def _abbrev(zone: str, day: dt.date) -> str:
    """WIB, WITA, WIT: the zone's abbreviation on that day."""
    return local(dt.datetime.combine(day, dt.time(12), dt.UTC), zone).strftime("%Z")


def latest_reports(portal: Portal, kode_polda: str) -> list[dict]:
    """The Polda's latest situation reports: date folder and its files, newest first."""
    folder = portal.catalog.reports_dir / kode_polda
    if not folder.is_dir():
        return []
    days = sorted((p for p in folder.iterdir() if _is_day(p.name) and p.is_dir()), reverse=True)
    out = []
    for day in days[:REPORTS_SHOWN]:
        files = sorted(p.name for p in day.iterdir() if p.is_file() and p.suffix in REPORT_SUFFIXES)
        out.append({"tanggal": day.name, "berkas": files})
    return out


REPORT_SUFFIXES = (".html", ".pdf", ".md")


def _is_day(name: str) -> bool:
    try:
        return dt.date.fromisoformat(name).isoformat() == name
    except ValueError:
        return False


def report_file(portal: Portal, kode_polda: str, tanggal: str, name: str) -> Path | None:
    """A file of the Polda's reports, only when it is one listed there (never a joined path)."""
    if not _is_day(tanggal):
        return None
    folder = portal.catalog.reports_dir / kode_polda / tanggal
    if not folder.is_dir():
        return None
    for p in folder.iterdir():
        if p.name == name and p.is_file() and p.suffix in REPORT_SUFFIXES:
            return p
    return None
