"""Valid submissions to start from; each test changes one thing and names the rule it breaks."""

import copy
import datetime as dt
import os
from pathlib import Path

from lapsit.demo.files import write_json, write_xlsx

TANGGAL = dt.date(2024, 11, 20)


def valid_sections(kode_polres: str = "balangan", tanggal: dt.date = TANGGAL) -> dict:
    """A complete, valid Balangan report for 20 November 2024 (campaign stage)."""
    return copy.deepcopy(
        {
            "laporan": {
                "kode_polres": kode_polres,
                "tanggal": tanggal,
                "kode_pemilihan": "pilkada-2024",
                "kode_tahapan": "kampanye",
                "nama_operasi": "Operasi Mantap Praja Intan 2024",
                "pelapor": "AKP Rahmat Hidayat",
                "dibuat_pada": dt.datetime.combine(tanggal, dt.time(18, 30)),
            },
            "pengamanan": [
                {
                    "kode_kecamatan": "63.11.01",
                    "nama_kecamatan": "Juai",
                    "personel_polri": 20,
                    "personel_tni": 6,
                    "personel_linmas": 30,
                    "jumlah_tps": 45,
                    "kegiatan_diamankan": 2,
                    "tingkat_kerawanan": "kurang_rawan",
                    "faktor_kerawanan": None,
                    "keterangan": "Kampanye terbatas",
                },
                {
                    "kode_kecamatan": "63.11.06",
                    "nama_kecamatan": "Paringin",
                    "personel_polri": 35,
                    "personel_tni": 10,
                    "personel_linmas": 40,
                    "jumlah_tps": 60,
                    "kegiatan_diamankan": 3,
                    "tingkat_kerawanan": "rawan",
                    "faktor_kerawanan": "politik_uang;hoaks",
                    "keterangan": None,
                },
            ],
            "satgas": [
                {"satgas": "preemtif", "personel": 15},
                {"satgas": "preventif", "personel": 40},
            ],
            "kejadian": [
                {
                    "waktu": dt.datetime.combine(tanggal, dt.time(14, 30)),
                    "kode_kecamatan": "63.11.06",
                    "nama_kecamatan": "Paringin",
                    "jenis": "perusakan_apk",
                    "uraian": "Baliho pasangan calon dirusak orang tak dikenal.",
                    "korban_luka": 0,
                    "korban_meninggal": 0,
                    "status": "ditangani",
                }
            ],
            "netralitas": [
                {
                    "tanggal_temuan": tanggal - dt.timedelta(days=1),
                    "nrp": "87050123",
                    "pangkat": "Bripka",
                    "satuan": "Polsek Paringin",
                    "dugaan": "Menghadiri kampanye berseragam",
                    "status": "klarifikasi",
                    "sanksi": None,
                }
            ],
            "kesiapan": [
                {"sarana": "kendaraan_roda_4", "jumlah_siap": 8, "jumlah_total": 10},
                {"sarana": "alat_komunikasi", "jumlah_siap": 40, "jumlah_total": 40},
            ],
        }
    )


def write(path: Path, sections: dict) -> Path:
    """Write sections in the format the path's suffix names."""
    if path.suffix == ".json":
        return write_json(path, sections)
    return write_xlsx(path, sections)


# A nine-digit NRP: an NRP typed wrong, still never shown whole.
WRONG_NRP = "870501234"


def bad_tabalong() -> dict:
    """Tabalong reports a Balangan kecamatan (kecamatan_wilayah) and a 9-digit NRP (format_nrp)."""
    bad = valid_sections("tabalong")
    bad["pengamanan"][0]["kode_kecamatan"] = "63.09.01"
    bad["netralitas"][0]["nrp"] = WRONG_NRP
    return bad


def deliver_good_and_bad(data: Path) -> None:
    """A valid Balangan workbook and a rejected Tabalong JSON for 20 November 2024."""
    write(data / "raw" / "balangan" / f"{TANGGAL}.xlsx", valid_sections())
    write(data / "raw" / "tabalong" / f"{TANGGAL}.json", bad_tabalong())


# When `deliver_balangan` puts a file in the inbox unless told otherwise.
T0 = dt.datetime(2024, 11, 20, 11, 0, tzinfo=dt.UTC)


def deliver_balangan(settings, name: str, day: dt.date, at: dt.datetime = T0) -> Path:
    """A valid Balangan report for `day` in its inbox, delivered at `at`."""
    path = write(settings.catalog.raw_dir / "balangan" / name, valid_sections(tanggal=day))
    os.utime(path, (at.timestamp(), at.timestamp()))
    return path


def balangan_season(settings, days: int = 6) -> None:
    """`days` daily reports of Balangan, plus a correction of the second day made later."""
    for i in range(days):
        day = dt.date(2024, 11, 15) + dt.timedelta(days=i)
        at = dt.datetime.combine(day, dt.time(12), dt.UTC)
        deliver_balangan(settings, f"{day}.xlsx", day, at)
    fix = valid_sections(tanggal=dt.date(2024, 11, 16))
    fix["laporan"]["dibuat_pada"] = dt.datetime(2024, 11, 16, 21, 0)
    fix["pengamanan"][0]["personel_polri"] = 99
    # Delivered last and made last of its day: it wins, in whichever batch it lands.
    path = write(settings.catalog.raw_dir / "balangan" / "2024-11-16-revisi.xlsx", fix)
    later = dt.datetime(2024, 11, 30, tzinfo=dt.UTC).timestamp()
    os.utime(path, (later, later))
