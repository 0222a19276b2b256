"""The demo season's second Polda: Sumatera Selatan (Polres Ogan Ilir and Pagar Alam, WIB).

Written beside Kalimantan Selatan's files (which stay byte-identical), so that the national
roll-up has two Polda to show. Same Pilkada 2024 builders (`lapsit.demo.content`), from
18 November to 1 December 2024 (a first-of-the-month date), with what the report must
get right planted in it (`PLANTED`):
- Pagar Alam fills the contract 1.1 template (TPS per tier); Ogan Ilir still uses the
  1.0 template (no tiers: its staffing need is a lower bound);
- Ogan Ilir's TNI typed with an extra zero on 22 Nov (an anomaly: ×10 of its usual while
  Pagar Alam's stayed put), while on voting day both Polres multiply their Linmas (not an
  anomaly: the whole Polda moved);
- Pagar Alam silent on 25 Nov (tidak melapor, never 0; 26 Nov compares Ogan Ilir only);
- on voting day Pagar Alam's Dempo Selatan has 4 sangat rawan TPS guarded by 9 officers
  (a shortfall under Pagar Alam's own pattern), and Ogan Ilir reports one kecamatan
  without jumlah_tps (cannot be assessed).
"""

import datetime as dt
import random
from pathlib import Path

from lapsit.demo.content import (
    SEED,
    Kecamatan,
    jurisdictions,
    split_satgas,
    stage_code,
    submission,
)
from lapsit.demo.files import save
from lapsit.reference import Reference

KODE_POLDA = "sumsel"
ZONE = "Asia/Jakarta"
DAYS = [dt.date(2024, 11, 18) + dt.timedelta(days=i) for i in range(14)]  # 18 Nov..1 Dec
D = dt.date.fromisoformat
# Polres that fill the 1.1 template (with the TPS tier columns).
WITH_TIERS = ("pagar-alam",)
ANOMALY = ("ogan-ilir", D("2024-11-22"), "personel_tni", 10)
SILENT = ("pagar-alam", D("2024-11-25"))
SHORTFALL = ("pagar-alam", D("2024-11-27"), "16.72.04", 4, 9)  # kecamatan, SR TPS, officers
WITHOUT_TPS = ("ogan-ilir", D("2024-11-27"), 0)  # the first kecamatan of the file
PLANTED = {"anomali": ANOMALY, "tidak_melapor": SILENT, "kekurangan": SHORTFALL,
           "tanpa_tps": WITHOUT_TPS}  # fmt: skip


def tiers(kec: Kecamatan) -> dict[str, int]:
    """How many of a kecamatan's TPS Polri rates rawan, sangat rawan, khusus (all season)."""
    rng = random.Random(f"{SEED}:tingkat:{kec.code}")
    rawan = round(kec.tps * rng.uniform(0.04, 0.12))
    sangat = rng.randint(0, 2) if kec.level in ("rawan", "sangat_rawan") else 0
    return {"tps_rawan": rawan, "tps_sangat_rawan": sangat, "tps_khusus": rng.choice([0, 0, 1])}


def sections_of(
    kode: str, day: dt.date, stage: str, kecs: list[Kecamatan]
) -> tuple[dict, dt.datetime]:
    """One good report of the Polres (see the module docstring for what is planted)."""
    sections, delivered = submission(kode, day, stage, kecs)
    rows = sections["pengamanan"]
    if kode in WITH_TIERS:
        for row, kec in zip(rows, kecs, strict=True):
            row.update(tiers(kec))
    if (kode, day) == ANOMALY[:2]:
        for row in rows:
            row[ANOMALY[2]] *= ANOMALY[3]
    if (kode, day) == SHORTFALL[:2]:
        row = next(r for r in rows if r["kode_kecamatan"] == SHORTFALL[2])
        row.update(tps_sangat_rawan=SHORTFALL[3], personel_polri=SHORTFALL[4])
        total = sum(r["personel_polri"] for r in rows)  # the Satgas still add up
        sections["satgas"] = split_satgas(total, random.Random(f"{SEED}:satgas:{kode}:{day}"))
    if (kode, day) == WITHOUT_TPS[:2]:
        rows[WITHOUT_TPS[2]]["jumlah_tps"] = None
    return sections, delivered


def generate(raw_dir: Path, ref: Reference) -> list[Path]:
    """Write Sumatera Selatan's season into `raw_dir/<kode_polres>/`; the files written."""

    kecs = jurisdictions(ref, KODE_POLDA)
    written = []
    for kode in kecs:
        for day in DAYS:
            if (kode, day) == SILENT:
                continue
            sections, delivered = sections_of(kode, day, stage_code(ref, day), kecs[kode])
            written.append(save(raw_dir / kode / f"{day}.xlsx", sections, delivered, ZONE))
    return written
