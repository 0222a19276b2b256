"""The national roll-up: every Polda's own report of one date, one row per Polda, under the
same rules (SPEC §5 v2): a Polda with no accepted report is *tidak melapor*, totals over
fewer Polda say so, and a change sums only what each Polda could compare.
"""

import datetime as dt
from dataclasses import dataclass

from lapsit.report.build import Report
from lapsit.report.figures import SUMMED

# The roll-up's own time zone (national headquarters in Jakarta): its generation time.
ZONA_NASIONAL = "Asia/Jakarta"
# Shortfalls shown per Polda in the roll-up (the Polda's report lists all of them).
TOP_SHORTFALLS = 5


@dataclass(frozen=True)
class National:
    """The roll-up of one date: the report of each Polda, in polres.csv order."""

    tanggal: dt.date
    polda: list[Report]
    dibuat: dt.datetime
    versi_data: dict[str, int | None]
    as_of_version: int | None
    versi_kode: str

    @property
    def baris(self) -> list[dict]:
        """One row per Polda: its headline figures, shortfalls, anomalies and gaps."""
        return [polda_row(r) for r in self.polda]

    @property
    def melapor(self) -> list[Report]:
        """The Polda with at least one accepted report on the date."""
        return [r for r in self.polda if r.angka["polres_lapor"]["nilai"]]

    @property
    def jumlah(self) -> dict:
        """National totals over the Polda that reported; changes summed over comparable Polda."""
        rows = self.baris
        total: dict = {
            "polres_lapor": sum(r["polres_lapor"] for r in rows),
            "jumlah_polres": sum(r["jumlah_polres"] for r in rows),
            "polda_lapor": len(self.melapor),
            "jumlah_polda": len(rows),
            "kekurangan": sum(len(r["kekurangan"]) for r in rows),
            "anomali": sum(len(r["anomali"]) for r in rows),
        }
        for key in SUMMED:
            values = [r[key] for r in rows if r[key] is not None]
            changes = [r[f"{key}_selisih"] for r in rows if r[f"{key}_selisih"] is not None]
            total[key] = sum(values) if values else None
            total[f"{key}_selisih"] = sum(changes) if changes else None
        return total


def polda_row(report: Report) -> dict:
    """A Polda's row of the roll-up, read off its own report (so the same rules hold)."""
    a = report.angka
    row = {
        "kode_polda": report.scope.kode_polda,
        "nama_polda": report.scope.nama_polda,
        "tahapan": report.tahapan.nama_tahapan if report.tahapan else None,
        "polres_lapor": a["polres_lapor"]["nilai"],
        "jumlah_polres": report.jumlah_polres,
        "tepat_waktu": a["tepat_waktu"]["nilai"],
        "tidak_lapor": report.kelengkapan.tidak_lapor,
        "tanpa_laporan_sah": report.kelengkapan.tanpa_laporan_sah,
        "perbaikan_ditolak": report.kelengkapan.perbaikan_ditolak,
        "kekuatan_dinilai": report.kekuatan.dinilai,
        "kekurangan": report.kekuatan.kekurangan,
        "kekurangan_teratas": report.kekuatan.kekurangan[:TOP_SHORTFALLS],
        "kurang_polri": report.kekuatan.kurang_polri,
        "kurang_linmas": report.kekuatan.kurang_linmas,
        "anomali": report.anomali,
        "netralitas_kasus": report.netralitas,
        "pembanding": report.pembanding,
        "tidak_dibandingkan": report.banding.tidak_dibandingkan,
    }
    for key in SUMMED:
        row[key] = a[key]["nilai"]
        row[f"{key}_selisih"] = a[key]["selisih"]
    return row


def build_national(reports: list[Report], now: dt.datetime) -> National:
    """The roll-up of the Polda reports of one date (each Polda's own report:
    `build.build_reports` with `polda_only`)."""
    first = reports[0]
    return National(
        tanggal=first.tanggal,
        polda=reports,
        dibuat=now.astimezone(dt.UTC),
        versi_data=first.versi_data,
        as_of_version=first.as_of_version,
        versi_kode=first.versi_kode,
    )
