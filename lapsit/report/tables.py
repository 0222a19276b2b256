"""The day's detail tables of the report: per Polres, per kecamatan, and one per section."""

import polars as pl

from lapsit.privacy import hide_nrp
from lapsit.report.figures import LEVEL_ORDER, Context, polres_days
from lapsit.report.labels import label, label_list
from schemas.choices import BELUM_LAPOR, DITOLAK, SARANA, TEPAT_WAKTU, TERLAMBAT, TIDAK_LAPOR


def _named(ctx: Context, frame: pl.DataFrame) -> pl.DataFrame:
    """Add nama_polres and the reference name of the kecamatan (where the frame has one)."""
    frame = frame.join(ctx.polres_names(), on="kode_polres", how="left")
    if "kode_kecamatan" in frame.columns:
        frame = frame.join(ctx.kecamatan_names(), on="kode_kecamatan", how="left").with_columns(
            pl.coalesce("_nama", "nama_kecamatan", "kode_kecamatan").alias("nama_kecamatan")
        )
    return frame


def per_polres(ctx: Context, rejected: list[str]) -> list[dict]:
    """One row per covered Polres: its status for the date and its figures (None: no report)."""
    day = ctx.tanggal
    sent = (
        ctx.accepted()
        .filter(pl.col("tanggal") == day)
        .group_by("kode_polres")
        .agg(ctx.local("waktu_terima").max().dt.strftime("%H.%M").alias("waktu_terima"))
    )
    figures = polres_days(ctx, [day]).with_columns(
        (pl.col("rawan") + pl.col("sangat_rawan")).alias("rawan")
    )
    numbers = ["personel_polri", "personel_tni", "personel_linmas", "kecamatan", "rawan",
               "kegiatan_diamankan", "kejadian", "netralitas"]  # fmt: skip
    frame = (
        ctx.polres_names()
        .join(sent, on="kode_polres", how="left")
        .join(figures.select("kode_polres", "_tepat", *numbers), on="kode_polres", how="left")
    )
    status = (
        pl.when(pl.col("_tepat"))
        .then(pl.lit(TEPAT_WAKTU))
        .when(pl.col("_tepat").is_not_null())
        .then(pl.lit(TERLAMBAT))
        .when(pl.col("kode_polres").is_in(rejected))
        .then(pl.lit(DITOLAK))
        .otherwise(pl.lit(BELUM_LAPOR if ctx.before_deadline() else TIDAK_LAPOR))
    )
    return (
        frame.sort("_urutan")
        .with_columns(status.alias("status"))
        .select("kode_polres", "nama_polres", "status", "waktu_terima", *numbers)
        .to_dicts()
    )


def per_kecamatan(ctx: Context) -> list[dict]:
    """One row per kecamatan secured on the date (the table of a Polres report)."""
    incidents = (
        ctx.section("kejadian", ctx.tanggal)
        .group_by("kode_kecamatan")
        .agg(pl.len().alias("kejadian"))
    )
    frame = _named(ctx, ctx.section("pengamanan", ctx.tanggal)).join(
        incidents, on="kode_kecamatan", how="left"
    )
    return (
        frame.sort("kode_kecamatan")
        .select(
            "kode_kecamatan",
            "nama_kecamatan",
            label("tingkat_kerawanan").alias("tingkat"),
            "tingkat_kerawanan",
            "personel_polri",
            "personel_tni",
            "personel_linmas",
            "jumlah_tps",
            "kegiatan_diamankan",
            pl.col("kejadian").fill_null(0),
            "keterangan",
        )
        .to_dicts()
    )


def vulnerable(ctx: Context) -> list[dict]:
    """Kecamatan rated rawan or sangat rawan on the date, most vulnerable first."""
    rows = ctx.section("pengamanan", ctx.tanggal).filter(
        pl.col("tingkat_kerawanan").is_in(list(LEVEL_ORDER))
    )
    incidents = (
        ctx.section("kejadian", ctx.tanggal)
        .group_by("kode_kecamatan")
        .agg(pl.len().alias("kejadian"))
    )
    frame = _named(ctx, rows).join(incidents, on="kode_kecamatan", how="left")
    return (
        frame.with_columns(
            pl.col("tingkat_kerawanan")
            .replace_strict(LEVEL_ORDER, return_dtype=pl.Int8)
            .alias("_l")
        )
        .sort("_l", "_urutan", "nama_kecamatan")
        .select(
            "nama_polres",
            "kode_kecamatan",
            "nama_kecamatan",
            "tingkat_kerawanan",
            label("tingkat_kerawanan").alias("tingkat"),
            label_list("faktor_kerawanan").alias("faktor"),
            "personel_polri",
            "jumlah_tps",
            pl.col("kejadian").fill_null(0),
            "keterangan",
        )
        .to_dicts()
    )


def incidents(ctx: Context) -> list[dict]:
    """The incidents reported for the date, in order of time (local)."""
    frame = _named(ctx, ctx.section("kejadian", ctx.tanggal))
    return (
        frame.sort("waktu", "_urutan")
        .select(
            ctx.local("waktu").alias("waktu"),
            "nama_polres",
            "nama_kecamatan",
            label("jenis").alias("jenis"),
            "uraian",
            pl.col("korban_luka").fill_null(0),
            pl.col("korban_meninggal").fill_null(0),
            label("status").alias("status"),
        )
        .to_dicts()
    )


def neutrality_cases(ctx: Context) -> list[dict]:
    """Neutrality cases reported for the date; the NRP is masked before it leaves this function."""
    frame = _named(ctx, ctx.section("netralitas", ctx.tanggal))
    return (
        frame.sort("_urutan", "tanggal_temuan")
        .select(
            "nama_polres",
            "tanggal_temuan",
            # A handful of rows at most; hide_nrp is the one definition of the mask.
            pl.col("nrp").map_elements(hide_nrp, return_dtype=pl.Utf8),
            "pangkat",
            "satuan",
            "dugaan",
            label("status").alias("status"),
            "sanksi",
        )
        .to_dicts()
    )


def readiness(ctx: Context) -> list[dict]:
    """Equipment ready of total per kind on the date, summed over the covered Polres."""
    kinds = pl.DataFrame({"sarana": list(SARANA)}).with_row_index("_urutan")
    sums = (
        ctx.section("kesiapan", ctx.tanggal)
        .group_by("sarana")
        .agg(
            pl.col("jumlah_siap", "jumlah_total").sum(),
            pl.col("kode_polres").n_unique().alias("polres"),
        )
    )
    return (
        kinds.join(sums, on="sarana", how="inner")
        .sort("_urutan")
        .select(
            label("sarana").alias("sarana"),
            "jumlah_siap",
            "jumlah_total",
            "polres",
            pl.when(pl.col("jumlah_total") > 0)
            .then(pl.col("jumlah_siap") / pl.col("jumlah_total"))
            .alias("rasio"),
        )
        .to_dicts()
    )
