"""What the demo season's good reports hold: kecamatan profiles, personnel, incidents, cases.

Deterministic: every random choice comes from a `random.Random` seeded with a
fixed string, and nothing reads the clock. The benchmark workload
(`benchmarks/workload.py`) and the reliability suite reuse these builders.
"""

import datetime as dt
import random
from typing import Any, NamedTuple

import polars as pl

from lapsit.reference import Reference, stage_on

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


def profiles(kecamatan: pl.DataFrame, polres: list[str]) -> dict[str, list[Kecamatan]]:
    """The kecamatan of each of these Polres, with their profiles, in order of code.

    `kecamatan`: kode_kecamatan, nama_kecamatan, kode_polres (`Reference.kecamatan`).
    """
    out: dict[str, list[Kecamatan]] = {kode: [] for kode in polres}
    for code, name, kode in kecamatan.sort("kode_kecamatan").iter_rows():
        if kode in out:
            out[kode].append(profile(code, name))
    return out


def jurisdictions(ref: Reference, kode_polda: str) -> dict[str, list[Kecamatan]]:
    """The kecamatan of each Polres of a Polda (from the reference data), with their profiles."""
    return profiles(
        ref.kecamatan, ref.polres.filter(kode_polda=kode_polda)["kode_polres"].to_list()
    )


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


def stage_code(ref: Reference, day: dt.date) -> str:
    """The stage of the season's election in force on `day` (`lapsit.reference.stage_on`)."""
    return stage_on(ref, day, PEMILIHAN)["kode_tahapan"]


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


# Long: one demo report, section by section, as an operator would fill the workbook.
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
