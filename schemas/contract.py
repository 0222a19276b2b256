"""The submission contract v1 as pandera models, one per section (SPEC §3).

Every model validates a *batch*: the section rows of many submissions stacked,
with `_sub` (the submission's position in the batch) and `_row` (the row number
the operator sees) beside the contract's columns. Context that a rule needs
from elsewhere (the inbox, the report date, the jurisdiction of a kecamatan,
the dates of a stage) is joined in by the validator as `_`-prefixed columns,
so that every rule of the contract lives here, next to the columns it governs.

Field metadata drives the lenient casting step, the Excel template and the
published docs: `kind` (text, int, date, datetime, choice, choice_list),
`choices`, `optional` (the column may be absent) and `label` (Bahasa Indonesia).
Check names are rule identifiers; `schemas/rules/` declares each one: its
severity, message, the column it is reported on and its documentation.
"""

from typing import Annotated

import pandera.polars as pa
import polars as pl

from schemas.choices import (
    FAKTOR_KERAWANAN,
    JENIS_KEJADIAN,
    SARANA,
    SATGAS,
    STATUS_KEJADIAN,
    STATUS_NETRALITAS,
    TINGKAT_KERAWANAN,
)
from schemas.sections import CURATED_SECTIONS, REQUIRED_SECTIONS, TIERS
from schemas.sections import SECTIONS as SECTION_NAMES

__all__ = ["CONTRACT_VERSION", "CURATED_SECTIONS", "REQUIRED_SECTIONS", "SECTION_MODELS", "columns"]

# 1.1 adds the optional TPS tier columns of `pengamanan`; 1.1 only adds, so every file and
# template of an earlier minor version of the same major stays valid (`template_accepted`).
CONTRACT_VERSION = "1.1"
KODE_KECAMATAN_PATTERN = r"^\d{2}\.\d{2}\.\d{2}$"
NRP_PATTERN = r"^\d{8}$"

DateTimeUTC = Annotated[pl.Datetime, "us", "UTC"]
TextList = Annotated[pl.List, pl.Utf8]


def _meta(kind: str, label: str, *, optional: bool = False, choices: tuple = ()) -> dict:
    return {"kind": kind, "label": label, "optional": optional, "choices": choices}


def _first_in_submission(*columns: str) -> pl.Expr:
    """True on the first row of each submission holding these values (nulls never repeat)."""
    key = pl.struct("_sub", *columns)
    return pl.any_horizontal(pl.col(c).is_null() for c in columns) | key.is_first_distinct()


# TPS of the tiers a file rates (empty counts as none), for the rule over jumlah_tps.
TPS_TIERS_SUM = pl.sum_horizontal(pl.col(c).fill_null(0) for c in TIERS)


def template_accepted(version: str) -> bool:
    """Whether a template stamped `version` is read: the same major, a minor not above ours.

    The 1.0 template was stamped `1`; a later minor only adds optional columns.
    """
    major, _, minor = version.strip().partition(".")
    ours_major, _, ours_minor = CONTRACT_VERSION.partition(".")
    if not (major.isdigit() and (minor.isdigit() or minor == "")):
        return False
    return major == ours_major and int(minor or 0) <= int(ours_minor or 0)


def _within_jurisdiction() -> pl.Expr:
    """A resolved kecamatan belongs to the inbox's Polres (unresolved ones fail elsewhere)."""
    return pl.col("kode_kecamatan").is_null() | (
        pl.col("_kec_polres") == pl.col("_inbox")
    ).fill_null(False)


class _Section(pa.DataFrameModel):
    """Bookkeeping columns present in every section batch."""

    sub: pl.Int64 = pa.Field(alias="_sub")
    row: pl.Int64 = pa.Field(alias="_row", nullable=True)

    class Config:
        strict = False
        coerce = False


class Laporan(_Section):
    """The report itself. Grain: exactly one row per submission (Polres × election × date).

    Cross-reference rules: the Polres is known and equals the inbox; the stage
    belongs to the election; the date is not after the day the file was
    received, in the Polres's time zone; a date outside the stage's dates is a
    warning.
    """

    kode_polres: str = pa.Field(metadata=_meta("text", "Kode Polres"))
    tanggal: pl.Date = pa.Field(metadata=_meta("date", "Tanggal laporan"))
    kode_pemilihan: str = pa.Field(metadata=_meta("text", "Kode pemilihan"))
    kode_tahapan: str = pa.Field(metadata=_meta("text", "Kode tahapan"))
    nama_operasi: str = pa.Field(
        nullable=True, metadata=_meta("text", "Nama operasi", optional=True)
    )
    pelapor: str = pa.Field(metadata=_meta("text", "Nama dan pangkat pelapor"))
    dibuat_pada: DateTimeUTC = pa.Field(
        nullable=True, metadata=_meta("datetime", "Waktu pembuatan berkas", optional=True)
    )

    @pa.dataframe_check(name="laporan_satu_baris")
    def one_row(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("_sub").is_first_distinct())

    @pa.dataframe_check(name="polres_dikenal")
    def polres_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("kode_polres").is_null() | pl.col("_polres_dikenal"))

    @pa.dataframe_check(name="polres_sesuai_kotak")
    def polres_is_inbox(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("kode_polres").is_null()
            | ~pl.col("_polres_dikenal")
            | (pl.col("kode_polres") == pl.col("_inbox"))
        )

    @pa.dataframe_check(name="pemilihan_dikenal")
    def election_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("kode_pemilihan").is_null() | pl.col("_pemilihan_dikenal")
        )

    @pa.dataframe_check(name="tahapan_pemilihan")
    def stage_of_election(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("kode_tahapan").is_null()
            | ~pl.col("_pemilihan_dikenal")
            | pl.col("_tahapan_mulai").is_not_null()
        )

    @pa.dataframe_check(name="tanggal_masa_depan")
    def not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("tanggal").is_null() | (pl.col("tanggal") <= pl.col("_batas_tanggal"))
        )

    @pa.dataframe_check(name="tanggal_di_luar_tahapan")
    def within_stage(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("tanggal").is_null()
            | pl.col("_tahapan_mulai").is_null()
            | pl.col("tanggal").is_between(pl.col("_tahapan_mulai"), pl.col("_tahapan_selesai"))
        )


class Pengamanan(_Section):
    """Security deployed. Grain: one row per submission × kecamatan; key `kode_kecamatan`.

    Rules: the kecamatan lies inside the inbox Polres's jurisdiction; counts
    are whole numbers ≥ 0; with `jumlah_tps`, the TPS rated rawan, sangat rawan
    and khusus (contract 1.1) add up to at most `jumlah_tps` (reported on
    `tps_rawan`); at least one row per submission (checked by the validator,
    since an empty sheet has no row to carry the error).
    """

    kode_kecamatan: str = pa.Field(
        str_matches=KODE_KECAMATAN_PATTERN, metadata=_meta("kecamatan", "Kode kecamatan")
    )
    nama_kecamatan: str = pa.Field(
        nullable=True, metadata=_meta("text", "Nama kecamatan", optional=True)
    )
    personel_polri: pl.Int64 = pa.Field(ge=0, metadata=_meta("int", "Personel Polri"))
    personel_tni: pl.Int64 = pa.Field(ge=0, metadata=_meta("int", "Personel TNI"))
    personel_linmas: pl.Int64 = pa.Field(ge=0, metadata=_meta("int", "Personel Linmas/Satpol PP"))
    jumlah_tps: pl.Int64 = pa.Field(
        ge=0, nullable=True, metadata=_meta("int", "Jumlah TPS", optional=True)
    )
    tps_rawan: pl.Int64 = pa.Field(
        ge=0, nullable=True, metadata=_meta("int", "TPS rawan", optional=True)
    )
    tps_sangat_rawan: pl.Int64 = pa.Field(
        ge=0, nullable=True, metadata=_meta("int", "TPS sangat rawan", optional=True)
    )
    tps_khusus: pl.Int64 = pa.Field(
        ge=0, nullable=True, metadata=_meta("int", "TPS khusus", optional=True)
    )
    kegiatan_diamankan: pl.Int64 = pa.Field(ge=0, metadata=_meta("int", "Kegiatan diamankan"))
    tingkat_kerawanan: str = pa.Field(
        isin=TINGKAT_KERAWANAN,
        metadata=_meta("choice", "Tingkat kerawanan", choices=TINGKAT_KERAWANAN),
    )
    faktor_kerawanan: TextList = pa.Field(
        nullable=True,
        metadata=_meta("choice_list", "Faktor kerawanan", optional=True, choices=FAKTOR_KERAWANAN),
    )
    keterangan: str = pa.Field(nullable=True, metadata=_meta("text", "Keterangan", optional=True))

    @pa.check("faktor_kerawanan", name="pilihan_daftar")
    def factors_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        allowed = list(FAKTOR_KERAWANAN)
        return data.lazyframe.select(
            pl.col("faktor_kerawanan").list.eval(pl.element().is_in(allowed)).list.all()
        )

    @pa.dataframe_check(name="kecamatan_wilayah")
    def in_jurisdiction(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_within_jurisdiction())

    @pa.dataframe_check(name="tps_bertingkat_melebihi")
    def tiers_within_total(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("jumlah_tps") >= TPS_TIERS_SUM).fill_null(True))

    @pa.dataframe_check(name="kecamatan_unik")
    def unique_kecamatan(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_first_in_submission("kode_kecamatan"))


class Satgas(_Section):
    """Task forces. Grain: one row per submission × satgas; key `satgas`.

    Soft rule: the personnel of all Satgas should add up to the Polri personnel
    of `pengamanan` (flagged on the first row of the sheet).
    """

    satgas: str = pa.Field(isin=SATGAS, metadata=_meta("choice", "Satgas", choices=SATGAS))
    personel: pl.Int64 = pa.Field(ge=0, metadata=_meta("int", "Personel"))

    @pa.dataframe_check(name="satgas_unik")
    def unique_satgas(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_first_in_submission("satgas"))

    @pa.dataframe_check(name="total_satgas")
    def total_matches(cls, data: pa.PolarsData) -> pl.LazyFrame:
        total = pl.col("personel").sum().over("_sub")
        return data.lazyframe.select(
            ~pl.col("_sub").is_first_distinct()
            | pl.col("_total_polri").is_null()
            | (total == pl.col("_total_polri"))
        )


class Kejadian(_Section):
    """Incidents. Grain: one row per incident; no natural key.

    Rules: the kecamatan lies inside the Polres; `uraian` 1–2000 characters;
    soft: `waktu` falls on the report date or the day before (local time).
    """

    waktu: DateTimeUTC = pa.Field(metadata=_meta("datetime", "Waktu kejadian"))
    kode_kecamatan: str = pa.Field(
        str_matches=KODE_KECAMATAN_PATTERN, metadata=_meta("kecamatan", "Kode kecamatan")
    )
    nama_kecamatan: str = pa.Field(
        nullable=True, metadata=_meta("text", "Nama kecamatan", optional=True)
    )
    jenis: str = pa.Field(
        isin=JENIS_KEJADIAN, metadata=_meta("choice", "Jenis kejadian", choices=JENIS_KEJADIAN)
    )
    uraian: str = pa.Field(
        str_length={"min_value": 1, "max_value": 2000}, metadata=_meta("text", "Uraian kejadian")
    )
    korban_luka: pl.Int64 = pa.Field(
        ge=0, nullable=True, metadata=_meta("int", "Korban luka", optional=True)
    )
    korban_meninggal: pl.Int64 = pa.Field(
        ge=0, nullable=True, metadata=_meta("int", "Korban meninggal", optional=True)
    )
    status: str = pa.Field(
        isin=STATUS_KEJADIAN, metadata=_meta("choice", "Status", choices=STATUS_KEJADIAN)
    )

    @pa.dataframe_check(name="kecamatan_wilayah")
    def in_jurisdiction(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_within_jurisdiction())

    @pa.dataframe_check(name="waktu_kejadian")
    def near_report_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        day = pl.col("_tanggal_waktu")
        report = pl.col("_tanggal_laporan")
        return data.lazyframe.select(
            day.is_null() | report.is_null() | day.is_between(report - pl.duration(days=1), report)
        )


class Netralitas(_Section):
    """Police-neutrality cases. Grain: one row per case.

    Rules: `nrp` is 8 digits (personal data: never shown whole); the finding
    is not after the report date; `sanksi` is required when `status` is
    `terbukti`.
    """

    tanggal_temuan: pl.Date = pa.Field(metadata=_meta("date", "Tanggal temuan"))
    nrp: str = pa.Field(str_matches=NRP_PATTERN, metadata=_meta("text", "NRP"))
    pangkat: str = pa.Field(metadata=_meta("text", "Pangkat"))
    satuan: str = pa.Field(metadata=_meta("text", "Satuan"))
    dugaan: str = pa.Field(metadata=_meta("text", "Dugaan pelanggaran"))
    status: str = pa.Field(
        isin=STATUS_NETRALITAS,
        metadata=_meta("choice", "Status", choices=STATUS_NETRALITAS),
    )
    sanksi: str = pa.Field(nullable=True, metadata=_meta("text", "Sanksi", optional=True))

    @pa.dataframe_check(name="temuan_setelah_laporan")
    def found_before_report(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("tanggal_temuan").is_null()
            | pl.col("_tanggal_laporan").is_null()
            | (pl.col("tanggal_temuan") <= pl.col("_tanggal_laporan"))
        )

    @pa.dataframe_check(name="sanksi_wajib")
    def sanction_when_proven(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("status") != "terbukti").fill_null(True) | pl.col("sanksi").is_not_null()
        )


class Kesiapan(_Section):
    """Readiness. Grain: one row per submission × sarana; key `sarana`.

    Rule: `jumlah_siap` ≤ `jumlah_total` (reported on `jumlah_siap`).
    """

    sarana: str = pa.Field(isin=SARANA, metadata=_meta("choice", "Sarana", choices=SARANA))
    jumlah_siap: pl.Int64 = pa.Field(ge=0, metadata=_meta("int", "Jumlah siap"))
    jumlah_total: pl.Int64 = pa.Field(ge=0, metadata=_meta("int", "Jumlah total"))

    @pa.dataframe_check(name="sarana_unik")
    def unique_sarana(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_first_in_submission("sarana"))

    @pa.dataframe_check(name="siap_melebihi_total")
    def ready_within_total(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("jumlah_siap") <= pl.col("jumlah_total")).fill_null(True)
        )


MODELS = (Laporan, Pengamanan, Satgas, Kejadian, Netralitas, Kesiapan)
SECTION_MODELS: dict[str, type[_Section]] = dict(zip(SECTION_NAMES, MODELS, strict=True))


def columns(section: str) -> dict[str, dict]:
    """The contract's columns of a section, in order, with their metadata and nullability."""
    schema = SECTION_MODELS[section].to_schema()
    return {
        name: {**col.metadata, "nullable": col.nullable, "dtype": col.dtype.type}
        for name, col in schema.columns.items()
        if not name.startswith("_")
    }
