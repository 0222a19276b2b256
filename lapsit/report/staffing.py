"""Kekuatan personel: the Polri and Linmas strength each kecamatan's TPS need, against what
was deployed, under the TPS security pattern of `pola_pengamanan.csv` (SPEC §5 v2).

Needed officers = Σ over the tiers ceil(TPS of the tier / `tps`) × `polri` (Linmas the
same with `linmas`); the tiers' TPS come from `tps_rawan`, `tps_sangat_rawan`,
`tps_khusus` and the rest of `jumlah_tps` count as kurang rawan. A kecamatan without the
tier columns counts every TPS as kurang rawan: its need is a lower bound, and says so.
A kecamatan without `jumlah_tps` cannot be assessed, which is not the same as adequate.
"""

import math
from dataclasses import dataclass

import polars as pl

from lapsit.reference import Reference
from lapsit.report.figures import Context
from schemas.choices import TINGKAT_TPS
from schemas.sections import TIERS

# Reports dated in these stages assess the strength at the TPS (the deployment window).
DEPLOYMENT_STAGES = ("masa_tenang", "pemungutan_suara")
# Tier -> the contract column holding its TPS (kurang rawan: the rest of jumlah_tps).
TIER_COLUMNS = dict(zip(("rawan", "sangat_rawan", "khusus"), TIERS, strict=True))
NATIONAL_PATTERN = "pola nasional"


@dataclass(frozen=True)
class Pattern:
    """One tier's pattern: `polri` officers and `linmas` guards (None: not set) per `tps` TPS."""

    polri: int
    tps: int
    linmas: int | None
    sumber: str  # whose pattern it is: the Polres's, the Polda's or the national default


def patterns(ref: Reference, kode_polda: str, kode_polres: str) -> dict[str, Pattern]:
    """Tier -> the pattern that applies to a Polres: its own row, else its Polda's, else national.

    A tier with no row at any level is absent (its TPS cannot be assessed).
    """
    names = ref.polres.filter(pl.col("kode_polres") == kode_polres).row(0, named=True)
    levels = [
        ((kode_polda, kode_polres), names["nama_polres"]),
        ((kode_polda, None), names["nama_polda"]),
        ((None, None), NATIONAL_PATTERN),
    ]
    rows = {(r["kode_polda"], r["kode_polres"], r["tingkat"]): r for r in ref.pola.to_dicts()}
    found = {}
    for tier in TINGKAT_TPS:
        for (polda, polres), source in levels:
            if (row := rows.get((polda, polres, tier))) is not None:
                found[tier] = Pattern(row["polri"], row["tps"], row["linmas"], source)
                break
    return found


def describe(pattern: dict[str, Pattern]) -> str:
    """`kurang rawan: 2 Polri + 6 Linmas per 4 TPS (pola nasional); ...`, tier by tier."""
    parts = []
    for tier, p in pattern.items():
        guards = f" + {p.linmas} Linmas" if p.linmas is not None else ""
        per = "per TPS" if p.tps == 1 else f"per {p.tps} TPS"
        parts.append(
            f"{TINGKAT_TPS.labels[tier].lower()}: {p.polri} Polri{guards} {per} ({p.sumber})"
        )
    missing = [TINGKAT_TPS.labels[t].lower() for t in TINGKAT_TPS if t not in pattern]
    if missing:
        parts.append(f"{', '.join(missing)}: tidak ada pola")
    return "; ".join(parts)


def tiers_of(row: dict) -> tuple[dict[str, int], bool]:
    """TPS per tier of one pengamanan row, and whether the file rated every tier.

    Unrated tiers count 0 and their TPS as kurang rawan (a lower bound); a rating above
    jumlah_tps cannot pass the contract (`tps_bertingkat_melebihi`).
    """
    rated = {t: row.get(c) for t, c in TIER_COLUMNS.items()}
    counts = {t: n or 0 for t, n in rated.items()}
    rest = row["jumlah_tps"] - sum(counts.values())
    return {"kurang_rawan": max(rest, 0), **counts}, all(n is not None for n in rated.values())


def need(tps: dict[str, int], pattern: dict[str, Pattern]) -> dict:
    """Officers and guards the TPS need: `polri`, `linmas` (None: no tier sets Linmas),
    and whether some TPS had no pattern (`tanpa_pola`) or no Linmas figure (`linmas_sebagian`)."""
    polri, linmas, linmas_set, without, partial = 0, 0, False, [], False
    for tier, n in tps.items():
        if n == 0:
            continue
        p = pattern.get(tier)
        if p is None:
            without.append(tier)
            continue
        posts = math.ceil(n / p.tps)
        polri += posts * p.polri
        if p.linmas is None:
            partial = True
        else:
            linmas += posts * p.linmas
            linmas_set = True
    return {
        "polri": polri,
        "linmas": linmas if linmas_set else None,
        "tanpa_pola": without,
        "linmas_sebagian": partial and linmas_set,
    }


@dataclass(frozen=True)
class Staffing:
    """The assessment of one report's kecamatan (empty outside the deployment window)."""

    dinilai: bool
    # Every kecamatan short of officers or guards, largest deficit of officers first.
    kekurangan: list[dict]
    # How many kecamatan were assessed, and how many of those only as a lower bound.
    jumlah_dinilai: int
    batas_bawah: int
    # Kecamatan without jumlah_tps: cannot be assessed (not the same as adequate).
    tidak_dapat_dinilai: list[dict]
    # Per covered Polres that reported: which pattern applies to each tier.
    pola: list[dict]

    @property
    def kurang_polri(self) -> int:
        return sum(r["kurang_polri"] for r in self.kekurangan)

    @property
    def kurang_linmas(self) -> int:
        return sum(r["kurang_linmas"] or 0 for r in self.kekurangan)


NOT_ASSESSED = Staffing(False, [], 0, 0, [], [])


def in_window(kode_tahapan: str | None) -> bool:
    return kode_tahapan in DEPLOYMENT_STAGES


def assess_rows(rows: list[dict], pattern_of: dict[str, dict[str, Pattern]]) -> Staffing:
    """Assess pengamanan rows (with nama_polres, nama_kecamatan) under each Polres's pattern."""
    short, without, assessed, lower = [], [], 0, 0
    for row in rows:
        if row["jumlah_tps"] is None:
            without.append(row)
            continue
        tps, rated = tiers_of(row)
        needed = need(tps, pattern_of[row["kode_polres"]])
        assessed += 1
        bound = not rated or bool(needed["tanpa_pola"])
        lower += bound
        gap_polri = max(needed["polri"] - row["personel_polri"], 0)
        gap_linmas = (
            None if needed["linmas"] is None else max(needed["linmas"] - row["personel_linmas"], 0)
        )
        if gap_polri or gap_linmas:
            short.append(
                row
                | {
                    "tps": tps,
                    "dinilai_semua_tingkat": rated,
                    "batas_bawah": bound,
                    "tanpa_pola": needed["tanpa_pola"],
                    "perlu_polri": needed["polri"],
                    "kurang_polri": gap_polri,
                    "perlu_linmas": needed["linmas"],
                    "linmas_sebagian": needed["linmas_sebagian"],
                    "kurang_linmas": gap_linmas,
                }
            )
    short.sort(key=lambda r: (-r["kurang_polri"], -(r["kurang_linmas"] or 0), r["_urutan"],
                              r["nama_kecamatan"]))  # fmt: skip
    return Staffing(True, short, assessed, lower, without, [])


def staffing(ctx: Context, kode_tahapan: str | None) -> Staffing:
    """The kekuatan personel of the report's date, or NOT_ASSESSED outside the window."""
    if not in_window(kode_tahapan):
        return NOT_ASSESSED
    rows = (
        ctx.section("pengamanan", ctx.tanggal)
        .join(ctx.polres_names(), on="kode_polres", how="left")
        .join(ctx.kecamatan_names(), on="kode_kecamatan", how="left")
        .with_columns(
            pl.coalesce("_nama", "nama_kecamatan", "kode_kecamatan").alias("nama_kecamatan")
        )
        .sort("_urutan", "nama_kecamatan")
    )
    codes = rows["kode_polres"].unique(maintain_order=True).to_list()
    pattern_of = {k: patterns(ctx.ref, ctx.scope.kode_polda, k) for k in codes}
    found = assess_rows(
        rows.select(
            "kode_polres", "nama_polres", "_urutan", "kode_kecamatan", "nama_kecamatan",
            "tingkat_kerawanan", "personel_polri", "personel_linmas", "jumlah_tps", *TIERS,
        ).to_dicts(),
        pattern_of,
    )  # fmt: skip
    names = dict(ctx.polres_names().select("kode_polres", "nama_polres").iter_rows())
    used = [{"nama_polres": names[k], "uraian": describe(pattern_of[k])} for k in codes]
    return Staffing(
        True, found.kekurangan, found.jumlah_dinilai, found.batas_bawah,
        found.tidak_dapat_dinilai, used,
    )  # fmt: skip
