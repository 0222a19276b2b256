"""Validate many submissions in one pass and attribute every problem to its submission.

pandera costs about the same per call whatever the frame's size, so each
section of a whole batch is validated in one call: the rows of all
submissions are stacked with `_sub`, context from the reference data is
joined in (`_`-prefixed columns the models' rules read), and the failure cases
are mapped back to (submission, sheet, row, column) by
`lapsit.validation.failures`.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from lapsit.clock import today_in
from lapsit.galat import make, sort_key
from lapsit.reading import RawSubmission, read_submission
from lapsit.reference import Reference
from lapsit.storage.rows import stack_owned
from lapsit.validation.cast import cast_section, lost_to_galat
from lapsit.validation.failures import model_failures, reference_lists
from lapsit.validation.kecamatan import KECAMATAN_RULES, resolve_kecamatan
from lapsit.validation.result import Result
from schemas.contract import REQUIRED_SECTIONS, SECTION_MODELS, columns
from schemas.rules import CAST, RULES


@dataclass
class Candidate:
    """A submission to validate: what was read and where it came from."""

    inbox: str
    raw: RawSubmission
    # The last day the report date may be: the day of delivery (or today) in the Polres's zone.
    latest_date: dt.date


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


def _with_context(
    typed: dict[str, tuple[pl.DataFrame, pl.DataFrame]], candidates: list[Candidate], ref: Reference
) -> pl.DataFrame | None:
    """Join in what the cross-section rules read; returns the typed laporan rows."""
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
    return laporan


def validate_batch(candidates: list[Candidate], ref: Reference) -> list[Result]:
    """Validate every candidate; one pandera call per section for the whole batch."""
    results = [Result(errors=list(c.raw.errors)) for c in candidates]
    formats = [c.raw.fmt for c in candidates]
    # section -> (typed frame, the same rows as read, for the values shown)
    typed: dict[str, tuple[pl.DataFrame, pl.DataFrame]] = {}
    for section in SECTION_MODELS:
        stacked = _stack(candidates, section, ref)
        if stacked is None:
            continue
        frame, lost = cast_section(section, stacked)
        for sub, galat in lost_to_galat(section, frame, lost, formats).items():
            results[sub].errors += galat
        if "kode_kecamatan" in frame.columns:
            frame, problems = resolve_kecamatan(frame, section, ref, formats)
            for sub, galat in problems:
                results[sub].errors.append(galat)
        typed[section] = (frame, stacked)
    laporan = _with_context(typed, candidates, ref)

    lists = reference_lists(ref)
    for section, (frame, raw_text) in typed.items():
        for sub, galat in model_failures(section, frame, raw_text, lists, formats).items():
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
        for section in REQUIRED_SECTIONS:
            has_rows = (i,) in parts.get(section, {})
            if section in cand.raw.sections and not has_rows and not cand.raw.missing.get(section):
                result.errors.append(
                    make("lembar_kosong", sheet=section, hint=section, fmt=cand.raw.fmt)
                )
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
        # A value the cast could not read, or a kecamatan name that names none: said once.
        if RULES[galat.rule].where == CAST or galat.rule in KECAMATAN_RULES:
            seen.add(cell)
        kept.append(galat)
    result.errors = kept


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
