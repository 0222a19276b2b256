"""Generate the demo season of Polres submissions: Pilkada 2024, Polda Kalimantan Selatan
(and, beside it, Polda Sumatera Selatan: `lapsit.demo.sumsel`).

Usage: ``lapsit demo`` (or ``python -m lapsit.demo.season [RAW_DIR]``, default ``data/raw``).

Deterministic: two runs write byte-identical files with the same modification
times (the "delivery time", 19:00-21:30 local, some after the 20:00 deadline).
Besides one good file per Polres per day (`lapsit.demo.content`) the season holds
realistic mistakes that ingestion must reject (`MISTAKES`), lenient-but-valid
values it must accept (`LENIENT`), a resubmission that supersedes (`REVISI`), a
byte-identical duplicate (`DUPLIKAT`) and a missing day (`MISSING`).
"""

import copy
import datetime as dt
import random
import shutil
import sys
from pathlib import Path
from typing import NamedTuple

from lapsit.catalog import SHIPPED_REFERENCE
from lapsit.demo import sumsel
from lapsit.demo.content import (
    DAYS,
    SEED,
    Kecamatan,
    at,
    incident,
    jurisdictions,
    netralitas,
    split_satgas,
    stage_code,
    submission,
)
from lapsit.demo.files import save, stamp
from lapsit.reference import Reference, load_reference

D = dt.date.fromisoformat


class Mistake(NamedTuple):
    """A file that must be rejected: its path under RAW_DIR, where the error is, what is wrong."""

    path: str
    sheet: str | None
    row: int | None  # the row number the operator sees in Excel (header = 1)
    column: str | None
    problem: str


# Each mistake file (but the one of ONLY_REJECTED) sits beside a good file of the same date.
# fmt: off
MISTAKES = [
    Mistake("banjar/2024-11-21-salah-ketik.xlsx", "pengamanan", 4, "personel_polri",
            "a number typed as words: 'dua belas'"),
    Mistake("balangan/2024-11-23-kecamatan-tabalong.xlsx", "pengamanan", 5, "kode_kecamatan",
            "a kecamatan of Polres Tabalong in Polres Balangan's file"),
    Mistake("barito-kuala/2024-11-24-tni-negatif.xlsx", "pengamanan", 3, "personel_tni",
            "a negative number: -3"),
    Mistake("hulu-sungai-tengah/2024-11-25-kerawanan-sedang.xlsx", "pengamanan", 6,
            "tingkat_kerawanan", "'sedang' is not one of the allowed levels"),
    Mistake("hulu-sungai-utara/2024-11-27-netralitas-tanpa-sanksi.xlsx", "netralitas", 2,
            "sanksi", "status 'terbukti' without sanksi"),
    Mistake("tanah-bumbu/2024-11-26-kesiapan-melebihi.xlsx", "kesiapan", 3, "jumlah_siap",
            "jumlah_siap greater than jumlah_total"),
    Mistake("tapin/2024-11-22-kode-polres-tabalong.xlsx", "laporan", 2, "kode_polres",
            "kode_polres 'tabalong' in the inbox of Polres Tapin"),
    Mistake("tanah-laut/2024-11-19-format-csv.csv", None, None, None,
            "CSV is not an accepted format (send .xlsx or .json)"),
]
# fmt: on
ONLY_REJECTED = ("hulu-sungai-tengah", D("2024-11-25"))  # its good file is never sent
MISSING = {("kotabaru", D("2024-11-26"))}  # no file at all
LENIENT = {  # good files with lenient-but-valid values; None: see generate()
    ("banjarmasin", D("2024-11-19")): "numbers as text",
    ("hulu-sungai-selatan", D("2024-11-20")): "tanggal as day-first text",
    (None, D("2024-11-21")): "choices spelled loosely",
    ("tanah-laut", D("2024-11-22")): "kecamatan by name only",
}
REVISI = ("balangan", D("2024-11-22"), "2024-11-22-revisi.xlsx")
DUPLIKAT = ("tabalong", D("2024-11-20"), "2024-11-20-kirim-ulang.xlsx")


def loosen(kind: str, sections: dict) -> dict:
    """Rewrite a good file with lenient-but-valid values of the given kind (see LENIENT)."""
    rows = sections["pengamanan"]
    if kind == "numbers as text":
        for row, col in [(r, c) for r in rows for c in ("personel_polri", "personel_tni")]:
            row[col] = str(row[col])
        for row in sections["satgas"]:
            row["personel"] = str(row["personel"])
    elif kind == "tanggal as day-first text":
        sections["laporan"]["tanggal"] = sections["laporan"]["tanggal"].strftime("%d/%m/%Y")
    elif kind == "choices spelled loosely":
        for row in rows:
            row["tingkat_kerawanan"] = row["tingkat_kerawanan"].replace("_", " ").title()
            if row["faktor_kerawanan"]:
                row["faktor_kerawanan"] = " ; ".join(row["faktor_kerawanan"].split(";"))
    elif kind == "kecamatan by name only":
        for row in rows + sections.get("kejadian", []):
            row["kode_kecamatan"] = None
    return sections


def spoil(mistake: Mistake, sections: dict, kecs: dict[str, list[Kecamatan]]) -> dict:
    """A copy of a good file with exactly the one mistake described by `mistake`."""
    broken = copy.deepcopy(sections)
    row = broken.get(mistake.sheet, [{}])
    row = row[mistake.row - 2] if isinstance(row, list) and mistake.row else row
    if mistake.column == "personel_polri":
        row["personel_polri"] = "dua belas"
    elif mistake.column == "kode_kecamatan":
        other = kecs["tabalong"][0]
        row.update(kode_kecamatan=other.code, nama_kecamatan=other.name)
    elif mistake.column == "personel_tni":
        row["personel_tni"] = -3
    elif mistake.column == "tingkat_kerawanan":
        row["tingkat_kerawanan"] = "sedang"
    elif mistake.sheet == "netralitas":  # the case of 21 Nov, now proven but without sanction
        kode = broken["laporan"]["kode_polres"]
        case = netralitas(kode, D("2024-11-21"), kecs[kode])
        broken["netralitas"] = [case | {"status": "terbukti", "sanksi": None}]
    elif mistake.column == "jumlah_siap":
        row["jumlah_siap"] = row["jumlah_total"] + 5
    elif mistake.column == "kode_polres":
        row["kode_polres"] = "tabalong"
    return broken


def generate(raw_dir: Path, ref: Reference | None = None) -> list[Path]:
    """Write the demo season into `raw_dir/<kode_polres>/` and return the files written:
    Kalimantan Selatan's (below), then Sumatera Selatan's beside them (`lapsit.demo.sumsel`)."""
    ref = ref or load_reference(SHIPPED_REFERENCE)
    polres = ref.polres.filter(kode_polda="kalsel").to_dicts()
    kecs = jurisdictions(ref, "kalsel")
    loose_choices = next(  # a Polres with a sangat_rawan kecamatan of several factors
        k for k, ks in kecs.items() if any(c.level == "sangat_rawan" and c.faktor[1:] for c in ks)
    )
    lenient = {(k or loose_choices, day): kind for (k, day), kind in LENIENT.items()}
    mistakes: dict[tuple[str, dt.date], list[Mistake]] = {}
    for m in MISTAKES:
        mistakes.setdefault((Path(m.path).parent.name, D(Path(m.path).name[:10])), []).append(m)
    forced_xlsx = set(lenient) | {REVISI[:2], DUPLIKAT[:2]}
    written: list[Path] = []
    for i, p in enumerate(polres):
        kode, zone = p["kode_polres"], p["zona_waktu"]
        for j, day in enumerate(DAYS):
            if (kode, day) in MISSING:
                continue
            sections, delivered = submission(kode, day, stage_code(ref, day), kecs[kode])
            later = min(delivered + dt.timedelta(minutes=15), at(day, 21, 30))
            for m in mistakes.get((kode, day), []):
                when = delivered if (kode, day) == ONLY_REJECTED else later
                written.append(save(raw_dir / m.path, spoil(m, sections, kecs), when, zone))
            if (kode, day) == ONLY_REJECTED:
                continue
            if (kode, day) in lenient:
                sections = loosen(lenient[(kode, day)], copy.deepcopy(sections))
            if (kode, day) == REVISI[:2]:
                written.append(revise(raw_dir / kode / REVISI[2], sections, kecs[kode], zone))
                sections["laporan"]["dibuat_pada"] = at(day, 18, 20)
                delivered = at(day, 19, 5, 13)
            as_json = (3 * i + j) % 8 == 7 and (kode, day) not in forced_xlsx  # 1 in 8
            suffix = ".json" if as_json else ".xlsx"
            good = save(raw_dir / kode / f"{day}{suffix}", sections, delivered, zone)
            written.append(good)
            if (kode, day) == DUPLIKAT[:2]:
                written.append(raw_dir / kode / DUPLIKAT[2])
                shutil.copyfile(good, written[-1])
                stamp(written[-1], min(later + dt.timedelta(minutes=10), at(day, 21, 30)), zone)
    written += sumsel.generate(raw_dir, ref)
    return sorted(written)


def revise(path: Path, original: dict, kecs: list[Kecamatan], zone: str) -> Path:
    """The corrected resubmission of `original`: one more row changed, one more incident."""
    rng = random.Random(f"{SEED}:revisi")
    sections = copy.deepcopy(original)
    day = sections["laporan"]["tanggal"]
    sections["laporan"]["dibuat_pada"] = at(day, 19, 40)
    row = sections["pengamanan"][1]
    row["personel_polri"] += 4
    row["keterangan"] = "Koreksi: tambahan 4 personel BKO dari Polda"
    total = sum(r["personel_polri"] for r in sections["pengamanan"])
    sections["satgas"] = split_satgas(total, rng)
    stage = sections["laporan"]["kode_tahapan"]
    sections["kejadian"] = [*sections.get("kejadian", []), incident(rng, day, stage, kecs)]
    return save(path, sections, at(day, 19, 52, 41), zone)


def main(argv: list[str]) -> None:
    """Command line: write the season into RAW_DIR (default data/raw) and print a summary."""
    raw_dir = Path(argv[1]) if len(argv) > 1 else Path("data/raw")
    files = generate(raw_dir)
    print(f"{len(files)} files written to {raw_dir} ({len(MISTAKES)} must be rejected)")


if __name__ == "__main__":
    main(sys.argv)
