"""Validate many submissions in one pass and attribute every problem to its submission.

pandera costs about the same per call whatever the frame's size, so each
section of a whole batch is validated in one call: the rows of all
submissions are stacked with `_sub`, context from the reference data is
joined in, and the failure cases are mapped back to (submission, sheet, row,
column).
"""

import datetime as dt
import difflib
import re
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

import pandera.errors
import polars as pl

from lapsit.cast import cast_section, lost_to_galat
from lapsit.curated import stack_owned
from lapsit.errors import ERROR, WARNING, Galat, make, sort_key
from lapsit.readers import RawSubmission, read_submission
from lapsit.reference import Reference
from schemas.contract import SECTIONS, columns

# The column a dataframe-level rule is reported on (the one the operator should change).
RULE_COLUMN = {
    "laporan_satu_baris": None,
    "polres_dikenal": "kode_polres",
    "polres_sesuai_kotak": "kode_polres",
    "pemilihan_dikenal": "kode_pemilihan",
    "tahapan_pemilihan": "kode_tahapan",
    "tanggal_masa_depan": "tanggal",
    "tanggal_di_luar_tahapan": "kode_tahapan",
    "kecamatan_wilayah": "kode_kecamatan",
    "kecamatan_unik": "kode_kecamatan",
    "satgas_unik": "satgas",
    "total_satgas": "personel",
    "waktu_kejadian": "waktu",
    "temuan_setelah_laporan": "tanggal_temuan",
    "sanksi_wajib": "sanksi",
    "siap_melebihi_total": "jumlah_siap",
    "sarana_unik": "sarana",
}


@dataclass
class Candidate:
    """A submission to validate: what was read and where it came from."""

    inbox: str
    raw: RawSubmission
    # The last day the report date may be: the day of delivery (or today) in the Polres's zone.
    latest_date: dt.date


@dataclass
class Result:
    """The verdict on one submission: its problems and, when accepted, its typed sections."""

    errors: list[Galat] = field(default_factory=list)
    sections: dict[str, pl.DataFrame] = field(default_factory=dict)
    laporan: dict | None = None

    @property
    def accepted(self) -> bool:
        return not any(g.severity == ERROR for g in self.errors)

    @property
    def n_errors(self) -> int:
        return sum(g.severity == ERROR for g in self.errors)

    @property
    def n_warnings(self) -> int:
        return sum(g.severity == WARNING for g in self.errors)


def _norm_name(expr: pl.Expr) -> pl.Expr:
    return expr.str.to_lowercase().str.replace_all(r"[^a-z0-9]", "")


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _stack(candidates: list[Candidate], section: str, ref: Reference) -> pl.DataFrame | None:
    parts = [
        (i, frame)
        for i, cand in enumerate(candidates)
        if (frame := cand.raw.sections.get(section)) is not None and frame.height
    ]
    if not parts:
        return None
    zones = ref.polres.select(
        pl.col("kode_polres").alias("_inbox"), pl.col("zona_waktu").alias("_tz")
    )
    inboxes = pl.DataFrame(
        {"_sub": range(len(candidates)), "_inbox": [c.inbox for c in candidates]},
        schema={"_sub": pl.Int64, "_inbox": pl.Utf8},
    ).join(zones, on="_inbox", how="left")
    stacked = stack_owned(parts, "_sub", pl.Int64)
    return stacked.join(inboxes, on="_sub", how="left", maintain_order="left")


def _resolve_kecamatan(
    frame: pl.DataFrame, section: str, ref: Reference
) -> tuple[pl.DataFrame, list[tuple[int, Galat]]]:
    """Fill an empty kode_kecamatan from a name that names one kecamatan of the Polres."""
    names = ref.kecamatan.select(
        pl.col("kode_polres").alias("_inbox"),
        _norm_name(pl.col("nama_kecamatan")).alias("__key"),
        pl.col("kode_kecamatan").alias("__code"),
    )
    matches = names.group_by("_inbox", "__key").agg(
        pl.col("__code").first(), pl.col("__code").alias("__codes")
    )
    frame = (
        frame.with_row_index("__pos")
        .with_columns(_norm_name(pl.col("nama_kecamatan")).alias("__key"))
        .join(matches, on=["_inbox", "__key"], how="left", maintain_order="left")
    )
    by_name = pl.col("kode_kecamatan").is_null() & pl.col("nama_kecamatan").is_not_null()
    unique = pl.col("__codes").list.len() == 1
    problems: list[tuple[int, Galat]] = []
    for row in frame.filter(by_name & ~unique.fill_null(False)).iter_rows(named=True):
        if row["__codes"]:
            rule, hint = "kecamatan_ambigu", ", ".join(row["__codes"])
        else:
            own = ref.kecamatan.filter(pl.col("kode_polres") == row["_inbox"])
            options = {
                _norm(n): f"{n} ({c})"
                for n, c in own.select("nama_kecamatan", "kode_kecamatan").iter_rows()
            }
            close = difflib.get_close_matches(
                _norm(row["nama_kecamatan"]), list(options), n=1, cutoff=0.6
            )
            rule = "kecamatan_tidak_dikenal"
            hint = f" Mungkin maksud Anda {options[close[0]]}?" if close else ""
        galat = make(
            rule,
            sheet=section,
            row=row["_row"],
            column="nama_kecamatan",
            value=row["nama_kecamatan"],
            hint=hint,
        )
        problems.append((row["_sub"], galat))
    frame = frame.with_columns(
        pl.when(by_name & unique)
        .then(pl.col("__code"))
        .otherwise(pl.col("kode_kecamatan"))
        .alias("kode_kecamatan")
    )
    owners = ref.kecamatan.select("kode_kecamatan", pl.col("kode_polres").alias("_kec_polres"))
    frame = frame.join(owners, on="kode_kecamatan", how="left", maintain_order="left")
    return frame.drop("__pos", "__key", "__code", "__codes"), problems


def _laporan_context(
    frame: pl.DataFrame, candidates: list[Candidate], ref: Reference
) -> pl.DataFrame:
    latest = pl.DataFrame(
        {"_sub": range(len(candidates)), "_batas_tanggal": [c.latest_date for c in candidates]},
        schema={"_sub": pl.Int64, "_batas_tanggal": pl.Date},
    )
    known_polres = ref.polres["kode_polres"].implode()
    known_elections = ref.tahapan["kode_pemilihan"].unique().implode()
    stages = ref.tahapan.select(
        "kode_pemilihan",
        "kode_tahapan",
        pl.col("mulai").alias("_tahapan_mulai"),
        pl.col("selesai").alias("_tahapan_selesai"),
    )
    return (
        frame.join(latest, on="_sub", how="left", maintain_order="left")
        .join(stages, on=["kode_pemilihan", "kode_tahapan"], how="left", maintain_order="left")
        .with_columns(
            pl.col("kode_polres").is_in(known_polres).alias("_polres_dikenal"),
            pl.col("kode_pemilihan").is_in(known_elections).alias("_pemilihan_dikenal"),
        )
    )


def _first_laporan(laporan: pl.DataFrame | None) -> pl.DataFrame:
    if laporan is None:
        return pl.DataFrame(schema={"_sub": pl.Int64, "_tanggal_laporan": pl.Date})
    return laporan.group_by("_sub", maintain_order=True).agg(
        pl.col("tanggal").first().alias("_tanggal_laporan")
    )


def _hint(rule: str, row: dict, ref: Reference) -> tuple[object, str]:
    """The value shown and the hint for a dataframe-level rule."""
    if rule == "polres_dikenal":
        codes = ref.polres["kode_polres"].to_list()
        close = difflib.get_close_matches(row["kode_polres"] or "", codes, n=1)
        return row["kode_polres"], (f" Mungkin maksud Anda '{close[0]}'?" if close else "")
    if rule == "polres_sesuai_kotak":
        return row["kode_polres"], row["_inbox"]
    if rule == "pemilihan_dikenal":
        known = sorted(ref.tahapan["kode_pemilihan"].unique().to_list())
        return row["kode_pemilihan"], " Pilihan: " + ", ".join(known) + "."
    if rule == "tahapan_pemilihan":
        stages = ref.tahapan.filter(pl.col("kode_pemilihan") == row["kode_pemilihan"])
        options = stages["kode_tahapan"].to_list()
        close = difflib.get_close_matches(row["kode_tahapan"] or "", options, n=1)
        hint = f" Mungkin maksud Anda '{close[0]}'?" if close else ""
        return row["kode_tahapan"], hint + " Pilihan: " + ", ".join(options) + "."
    if rule == "tanggal_masa_depan":
        return row["tanggal"], str(row["_batas_tanggal"])
    if rule == "tanggal_di_luar_tahapan":
        return row["tanggal"], f"{row['_tahapan_mulai']} s.d. {row['_tahapan_selesai']}"
    if rule == "kecamatan_wilayah":
        owner = row.get("_kec_polres")
        if owner is None:
            return row["kode_kecamatan"], " (kode tidak terdaftar di Kemendagri)"
        name = ref.polres_row(owner)["nama_polres"]
        return row["kode_kecamatan"], f" (termasuk wilayah {name})"
    if rule == "total_satgas":
        return row["__total"], str(row["_total_polri"])
    if rule == "siap_melebihi_total":
        return row["jumlah_siap"], str(row["jumlah_total"])
    if rule == "waktu_kejadian":
        return row["waktu"], ""
    if rule in ("temuan_setelah_laporan",):
        return row["tanggal_temuan"], ""
    column = RULE_COLUMN.get(rule)
    return (row.get(column) if column else None), ""


def _column_galat(section: str, check: str, column: str, value: object) -> tuple[str, str]:
    """Rule and hint for a column-level pandera check."""
    if check == "not_nullable":
        return "wajib_diisi", ""
    if check.startswith("greater_than_or_equal_to"):
        return "tidak_negatif", ""
    if check.startswith("str_matches"):
        return ("format_nrp" if column == "nrp" else "format_kode_kecamatan"), ""
    if check.startswith("str_length"):
        return "panjang_teks", ""
    if check.startswith("isin") or check == "pilihan_daftar":
        choices = columns(section)[column]["choices"]
        hint = ""
        if check.startswith("isin"):
            close = difflib.get_close_matches(str(value), list(choices), n=1)
            hint = f" Mungkin maksud Anda '{close[0]}'?" if close else ""
        return ("pilihan" if check.startswith("isin") else "pilihan_daftar"), (
            hint + " Pilihan: " + ", ".join(choices) + "."
        )
    return "kontrak_tidak_dikenal", check


def _run_model(
    section: str, frame: pl.DataFrame, raw_text: pl.DataFrame, ref: Reference
) -> dict[int, list[Galat]]:
    """Validate one stacked section with its pandera model; Galat per submission."""
    out: dict[int, list[Galat]] = {}
    try:
        SECTIONS[section].validate(frame, lazy=True)
        return out
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    # Only the failing rows are turned into Python objects.
    failing = cases["index"].drop_nulls().unique().sort().to_list()
    rows = dict(zip(failing, frame[failing].to_dicts(), strict=True))
    for case in cases.iter_rows(named=True):
        index = case["index"]
        if index is None:
            # A schema-level failure (dtype, missing column) means the casting step is wrong:
            # stop the run rather than accept or reject files for a reason of our own.
            raise RuntimeError(f"{section}: {case['check']} failed: {case['failure_case']}")
        row = rows[index]
        if case["schema_context"] == "Column":
            column = case["column"]
            shown = raw_text[column][index] if column in raw_text.columns else case["failure_case"]
            rule, hint = _column_galat(section, case["check"], column, row.get(column))
            galat = make(
                rule, sheet=section, row=row["_row"], column=column, value=shown, hint=hint
            )
        else:
            rule = case["check"]
            value, hint = _hint(rule, row, ref)
            galat = make(
                rule,
                sheet=section,
                row=row["_row"],
                column=RULE_COLUMN.get(rule),
                value=value,
                hint=hint,
            )
        out.setdefault(row["_sub"], []).append(galat)
    return out


def validate_batch(candidates: list[Candidate], ref: Reference) -> list[Result]:
    """Validate every candidate; one pandera call per section for the whole batch."""
    results = [Result(errors=list(c.raw.errors)) for c in candidates]
    typed: dict[str, pl.DataFrame] = {}
    for section in SECTIONS:
        stacked = _stack(candidates, section, ref)
        if stacked is None:
            continue
        frame, lost = cast_section(section, stacked)
        for sub, galat in lost_to_galat(section, frame, lost).items():
            results[sub].errors += galat
        if "kode_kecamatan" in frame.columns:
            frame, problems = _resolve_kecamatan(frame, section, ref)
            for sub, galat in problems:
                results[sub].errors.append(galat)
        typed[section] = (frame, stacked)

    laporan = typed.get("laporan", (None,))[0]
    if laporan is not None:
        laporan = _laporan_context(laporan, candidates, ref)
        typed["laporan"] = (laporan, typed["laporan"][1])
    report_dates = _first_laporan(laporan)
    for section in ("kejadian", "netralitas"):
        if section in typed:
            frame = typed[section][0].join(
                report_dates, on="_sub", how="left", maintain_order="left"
            )
            if section == "kejadian":
                frame = frame.with_columns(_local_date(frame).alias("_tanggal_waktu"))
            typed[section] = (frame, typed[section][1])
    if "satgas" in typed:
        polri = (
            typed["pengamanan"][0]
            .group_by("_sub")
            .agg(pl.col("personel_polri").sum().alias("_total_polri"))
            if "pengamanan" in typed
            else pl.DataFrame(schema={"_sub": pl.Int64, "_total_polri": pl.Int64})
        )
        frame = typed["satgas"][0].join(polri, on="_sub", how="left", maintain_order="left")
        frame = frame.with_columns(pl.col("personel").sum().over("_sub").alias("__total"))
        typed["satgas"] = (frame, typed["satgas"][1])

    for section, (frame, raw_text) in typed.items():
        for sub, galat in _run_model(section, frame, raw_text, ref).items():
            results[sub].errors += galat

    # Split the batch back into submissions once per section, not once per submission.
    firsts = {}
    if laporan is not None:
        first_rows = laporan.unique("_sub", keep="first", maintain_order=True)
        firsts = {row["_sub"]: row for row in first_rows.to_dicts()}
    parts = {
        section: frame.select("_sub", *columns(section)).partition_by(
            "_sub", as_dict=True, include_key=False
        )
        for section, (frame, _) in typed.items()
    }
    empty = {
        section: frame.select(*columns(section)).clear() for section, (frame, _) in typed.items()
    }
    for i, (cand, result) in enumerate(zip(candidates, results, strict=True)):
        _drop_repeats(result, cand.raw.missing)
        for section in ("laporan", "pengamanan"):
            has_rows = (i,) in parts.get(section, {})
            if section in cand.raw.sections and not has_rows and not cand.raw.missing.get(section):
                result.errors.append(make("lembar_kosong", sheet=section, hint=section))
        result.errors.sort(key=sort_key)
        result.laporan = firsts.get(i)
        if result.accepted:
            for section in typed:
                result.sections[section] = parts[section].get((i,), empty[section])
    return results


def _local_date(frame: pl.DataFrame) -> pl.Series:
    """The local calendar day of each incident's `waktu`, in its Polres's time zone."""
    out = pl.Series("_tanggal_waktu", [None] * frame.height, dtype=pl.Date)
    for zone in frame["_tz"].unique().to_list():
        mask = (frame["_tz"] == zone) if zone is not None else frame["_tz"].is_null()
        local = frame["waktu"].dt.convert_time_zone(zone or "UTC").dt.date()
        out = pl.select(pl.when(mask).then(local).otherwise(out)).to_series()
    return out.alias("_tanggal_waktu")


def _drop_repeats(result: Result, missing: dict[str, set[str]]) -> None:
    """One problem per cell: a value already reported by the cast, or a missing column, not again."""
    seen: set[tuple] = set()
    kept = []
    for galat in result.errors:
        if galat.column in missing.get(galat.sheet or "", set()) and galat.row != 1:
            continue
        cell = (galat.sheet, galat.row, galat.column)
        if galat.rule == "wajib_diisi" and cell in seen:
            continue
        if galat.rule == "wajib_diisi" and galat.column == "kode_kecamatan":
            name_cell = (galat.sheet, galat.row, "nama_kecamatan")
            if name_cell in seen:
                continue
        if galat.rule in ("bilangan_bulat", "format_tanggal", "format_waktu"):
            seen.add(cell)
        if galat.rule in ("kecamatan_tidak_dikenal", "kecamatan_ambigu"):
            seen.add(cell)
        kept.append(galat)
    result.errors = kept


def today_in(zone: str | None, now: dt.datetime | None = None) -> dt.date:
    """The calendar day in a time zone (UTC when the zone is unknown)."""
    now = now or dt.datetime.now(dt.UTC)
    return now.astimezone(zoneinfo.ZoneInfo(zone or "UTC")).date()


def validate_file(
    path: Path,
    inbox: str,
    ref: Reference,
    *,
    max_bytes: int,
    max_rows: int,
    received: dt.datetime | None = None,
) -> Result:
    """Read and validate one file for `validate` (the date limit is today unless `received`)."""
    raw = read_submission(path, max_bytes=max_bytes, max_rows=max_rows)
    cand = Candidate(inbox=inbox, raw=raw, latest_date=today_in(ref.zone_of(inbox), received))
    return validate_batch([cand], ref)[0]
