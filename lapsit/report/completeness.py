"""Data completeness and quality for one date: who sent nothing, who was rejected and why."""

from dataclasses import dataclass

import polars as pl

from lapsit.report.figures import Context
from schemas.choices import DIGANTIKAN, DITERIMA, DITOLAK, DUPLIKAT

GALAT_DTYPE = pl.List(
    pl.Struct(
        {
            "sheet": pl.Utf8,
            "row": pl.Int64,
            "column": pl.Utf8,
            "value": pl.Utf8,
            "rule": pl.Utf8,
            "message": pl.Utf8,
            "severity": pl.Utf8,
        }
    )
)
# Error messages shown per rejected file; the error report holds them all.
FIRST_ERRORS = 3
# What follows a rejected file, by `waktu_terima` among the files of its Polres and date:
# a valid file arrived after it; it came after a valid file (which still stands); neither.
DIGANTI = "diganti"
PERBAIKAN_DITOLAK = "perbaikan_ditolak"
BELUM_SAH = "belum_sah"
FOLLOW_UP = {
    DIGANTI: "Diganti berkas sah",
    PERBAIKAN_DITOLAK: "Perbaikan ditolak",
    BELUM_SAH: "Belum ada laporan sah",
}


def registered_for_date(ctx: Context) -> pl.DataFrame:
    """Registry rows of the covered Polres for the date.

    A file whose date could not be read (a wrong format) counts for the local
    day it was delivered.
    """
    delivered_on = ctx.local("waktu_terima").dt.date()
    return ctx.snap.registry.filter(
        pl.col("kode_polres").is_in(ctx.scope.codes)
        & (
            (pl.col("tanggal") == ctx.tanggal)
            | (pl.col("tanggal").is_null() & (delivered_on == ctx.tanggal))
        )
    )


@dataclass(frozen=True)
class Completeness:
    """Who reported what for the date, as rows for the templates."""

    tidak_lapor: list[str]
    # Each rejected file with its follow-up (`tindak_lanjut`, see FOLLOW_UP).
    ditolak: list[dict]
    # Polres whose every file for the date was rejected.
    tanpa_laporan_sah: list[str]
    peringatan: list[dict]
    digantikan: list[dict]
    duplikat: int

    @property
    def ditolak_kode(self) -> list[str]:
        return sorted({r["kode_polres"] for r in self.ditolak})

    @property
    def perbaikan_ditolak(self) -> list[dict]:
        """Rejected corrections: files rejected after an accepted file, which still stands."""
        return [r for r in self.ditolak if r["tindak_lanjut"] == PERBAIKAN_DITOLAK]


def _galat(rows: pl.DataFrame, severity: str) -> pl.DataFrame:
    """One row per error or warning of the given files, in the order they were reported."""
    where = pl.concat_str(
        pl.lit("lembar ") + pl.col("sheet"),
        pl.lit("baris ") + pl.col("row").cast(pl.Utf8),
        pl.lit("kolom ") + pl.col("column"),
        separator=", ",
        ignore_nulls=True,
    )
    return (
        rows.select("id_submisi", pl.col("galat").str.json_decode(GALAT_DTYPE))
        .explode("galat")
        .drop_nulls("galat")
        .unnest("galat")
        .filter(pl.col("severity") == severity)
        .with_columns(pl.when(where != "").then(where).otherwise(pl.lit("berkas")).alias("letak"))
    )


def _file_name() -> pl.Expr:
    return pl.col("path").str.split("/").list.last()


def _follow_up(ctx: Context, rows: pl.DataFrame, rejected: pl.DataFrame) -> pl.DataFrame:
    """`rejected` with its `tindak_lanjut` and the file that stands for its Polres and date.

    Valid files are those accepted (`diterima`, or `digantikan` by a later valid one);
    `berlaku` names the file of the Polres that counts now (status `diterima`).
    """
    valid = rows.filter(pl.col("status").is_in([DITERIMA, DIGANTIKAN])).select(
        "kode_polres", pl.col("waktu_terima").alias("_valid")
    )
    later = (
        rejected.select("id_submisi", "kode_polres", "waktu_terima")
        .join(valid, on="kode_polres", how="inner")
        .group_by("id_submisi")
        .agg(
            (pl.col("_valid") > pl.col("waktu_terima")).any().alias("_sesudah"),
            (pl.col("_valid") <= pl.col("waktu_terima")).any().alias("_sebelum"),
        )
    )
    standing = rows.filter(pl.col("status") == DITERIMA).select(
        "kode_polres",
        _file_name().alias("berlaku"),
        ctx.local("waktu_terima").alias("berlaku_waktu"),
    )
    follow = (
        pl.when(pl.col("_sesudah"))
        .then(pl.lit(DIGANTI))
        .when(pl.col("_sebelum"))
        .then(pl.lit(PERBAIKAN_DITOLAK))
        .otherwise(pl.lit(BELUM_SAH))
    )
    return (
        rejected.join(later, on="id_submisi", how="left")
        .join(standing, on="kode_polres", how="left")
        .with_columns(follow.alias("tindak_lanjut"))
    )


def completeness(ctx: Context) -> Completeness:
    """Missing Polres, rejected files with their first errors, warnings, superseded files."""
    rows = registered_for_date(ctx).join(ctx.polres_names(), on="kode_polres", how="left")
    accepted = rows.filter(pl.col("status") == DITERIMA)
    rejected = rows.filter(pl.col("status") == DITOLAK)
    reasons = (
        _galat(rejected, "error")
        .group_by("id_submisi", maintain_order=True)
        .agg(
            pl.concat_str("letak", pl.lit(": "), "message").head(FIRST_ERRORS).alias("alasan"),
        )
    )
    ok_codes = accepted["kode_polres"].unique().to_list()
    rejected_rows = (
        _follow_up(ctx, rows, rejected)
        .join(reasons, on="id_submisi", how="left")
        .sort("_urutan", "waktu_terima")
        .select(
            "kode_polres",
            "nama_polres",
            _file_name().alias("berkas"),
            ctx.local("waktu_terima").alias("waktu_terima"),
            "jumlah_galat",
            pl.col("alasan").fill_null([]),
            "tindak_lanjut",
            "berlaku",
            "berlaku_waktu",
            "laporan_galat",
        )
    )
    sent_codes = rows.filter(pl.col("status").is_in([DITERIMA, DITOLAK]))["kode_polres"]
    missing = ctx.polres_names().filter(~pl.col("kode_polres").is_in(sent_codes.implode()))
    warnings = (
        _galat(accepted, "warning")
        .join(accepted.select("id_submisi", "nama_polres", "_urutan"), on="id_submisi")
        .sort("_urutan", maintain_order=True)
        .select("nama_polres", "letak", "message")
    )
    superseded = rows.filter(pl.col("status") == DIGANTIKAN).sort("_urutan", "waktu_terima")
    return Completeness(
        tidak_lapor=missing.sort("_urutan")["nama_polres"].to_list(),
        ditolak=rejected_rows.to_dicts(),
        tanpa_laporan_sah=rejected_rows.filter(~pl.col("kode_polres").is_in(ok_codes))[
            "nama_polres"
        ]
        .unique(maintain_order=True)
        .to_list(),
        peringatan=warnings.to_dicts(),
        digantikan=superseded.select("nama_polres", _file_name().alias("berkas")).to_dicts(),
        duplikat=rows.filter(pl.col("status") == DUPLIKAT).height,
    )
