"""The day's headline figures, computed with Polars expressions from a snapshot."""

import datetime as dt
from dataclasses import dataclass

import polars as pl

from lapsit.reference import Reference
from lapsit.report.data import Snapshot
from lapsit.report.labels import label
from lapsit.report.stage import Scope, Stage
from schemas.choices import DITERIMA, JENIS_KEJADIAN, SATGAS

# Daily totals: column -> label, in the order the summary shows them.
INDICATORS: dict[str, str] = {
    "polres_lapor": "Polres melapor",
    "tepat_waktu": "Laporan tepat waktu",
    "personel_polri": "Personel Polri",
    "personel_tni": "Personel TNI",
    "personel_linmas": "Personel Linmas/Satpol PP",
    "kecamatan": "Kecamatan diamankan",
    "rawan": "Kecamatan rawan",
    "sangat_rawan": "Kecamatan sangat rawan",
    "jumlah_tps": "TPS di kecamatan diamankan",
    "kegiatan_diamankan": "Kegiatan diamankan",
    "kejadian": "Kejadian",
    "korban_luka": "Korban luka",
    "korban_meninggal": "Korban meninggal",
    "netralitas": "Kasus netralitas",
}
LOCAL_TIME = "%d/%m %H.%M"
LEVEL_ORDER = {"sangat_rawan": 0, "rawan": 1}


@dataclass(frozen=True)
class Context:
    """What every figure needs: the data, the covered Polres, the date and the deadline."""

    snap: Snapshot
    ref: Reference
    scope: Scope
    tanggal: dt.date
    batas_waktu: dt.time

    def section(self, name: str, *dates: dt.date) -> pl.DataFrame:
        """A section's accepted rows for the covered Polres on the given dates."""
        return self.snap.sections[name].filter(
            pl.col("kode_polres").is_in(self.scope.codes) & pl.col("tanggal").is_in(dates)
        )

    def accepted(self) -> pl.DataFrame:
        """Registry rows of the covered Polres that count (status `diterima`)."""
        return self.snap.registry.filter(
            (pl.col("status") == DITERIMA) & pl.col("kode_polres").is_in(self.scope.codes)
        )

    def local(self, column: str) -> pl.Expr:
        """A UTC date-time column as naive local time of the Polda."""
        return pl.col(column).dt.convert_time_zone(self.scope.zona_waktu).dt.replace_time_zone(None)

    def on_time(self) -> pl.Expr:
        """Whether `waktu_terima` is at or before the deadline of the row's `tanggal`."""
        b = self.batas_waktu
        deadline = pl.col("tanggal").cast(pl.Datetime("us")) + pl.duration(
            hours=b.hour, minutes=b.minute, seconds=b.second
        )
        return self.local("waktu_terima") <= deadline

    def polres_names(self) -> pl.DataFrame:
        return self.scope.polres.with_row_index("_urutan")

    def kecamatan_names(self) -> pl.DataFrame:
        return self.ref.kecamatan.select("kode_kecamatan", pl.col("nama_kecamatan").alias("_nama"))


def daily_totals(ctx: Context, dates: list[dt.date]) -> pl.DataFrame:
    """One row per date with every indicator of INDICATORS (0 where nothing was reported)."""
    days = pl.DataFrame({"tanggal": dates}, schema={"tanggal": pl.Date})
    polres = (
        ctx.accepted()
        .filter(pl.col("tanggal").is_in(dates))
        .with_columns(ctx.on_time().alias("_tepat"))
        .group_by("tanggal", "kode_polres")
        .agg(pl.col("_tepat").all())
        .group_by("tanggal")
        .agg(pl.len().alias("polres_lapor"), pl.col("_tepat").sum().alias("tepat_waktu"))
    )
    level = pl.col("tingkat_kerawanan")
    pengamanan = (
        ctx.section("pengamanan", *dates)
        .group_by("tanggal")
        .agg(
            pl.col("personel_polri", "personel_tni", "personel_linmas").sum(),
            pl.len().alias("kecamatan"),
            (level == "rawan").sum().alias("rawan"),
            (level == "sangat_rawan").sum().alias("sangat_rawan"),
            pl.col("jumlah_tps", "kegiatan_diamankan").sum(),
        )
    )
    kejadian = (
        ctx.section("kejadian", *dates)
        .group_by("tanggal")
        .agg(pl.len().alias("kejadian"), pl.col("korban_luka", "korban_meninggal").sum())
    )
    netralitas = (
        ctx.section("netralitas", *dates).group_by("tanggal").agg(pl.len().alias("netralitas"))
    )
    totals = days
    for part in (polres, pengamanan, kejadian, netralitas):
        totals = totals.join(part, on="tanggal", how="left")
    return totals.select(
        "tanggal", *(pl.col(c).fill_null(0).cast(pl.Int64) for c in INDICATORS)
    ).sort("tanggal")


def previous_report_day(ctx: Context, stage: Stage | None) -> dt.date | None:
    """The latest earlier date of the same stage on which some covered Polres reported."""
    if stage is None:
        return None
    earlier = ctx.accepted().filter(
        (pl.col("tanggal") < ctx.tanggal) & (pl.col("tanggal") >= stage.mulai)
    )
    return earlier["tanggal"].max()


def summary(totals: pl.DataFrame, tanggal: dt.date, before: dt.date | None) -> list[dict]:
    """Each indicator on the date, on the previous report day and the difference."""
    today = totals.filter(pl.col("tanggal") == tanggal).row(0, named=True)
    prev = totals.filter(pl.col("tanggal") == before).to_dicts() if before else []
    return [
        {
            "kunci": key,
            "label": text,
            "nilai": today[key],
            "sebelumnya": prev[0][key] if prev else None,
            "selisih": today[key] - prev[0][key] if prev else None,
        }
        for key, text in INDICATORS.items()
    ]


def _compare(
    ctx: Context,
    frame: pl.DataFrame,
    key: str,
    value: pl.Expr,
    order: tuple[str, ...],
    before: dt.date | None,
) -> list[dict]:
    """A value per choice (in contract order) on the date and the previous report day."""
    choices = pl.DataFrame({key: list(order)}).with_row_index("_urutan")

    def on(day: dt.date | None, name: str) -> pl.DataFrame:
        rows = frame.filter(pl.col("tanggal") == day) if day else frame.clear()
        return rows.group_by(key).agg(value.cast(pl.Int64).alias(name))

    table = (
        choices.join(on(ctx.tanggal, "nilai"), on=key, how="left")
        .join(on(before, "sebelumnya"), on=key, how="left")
        .with_columns(pl.col("nilai").fill_null(0))
        .with_columns(
            pl.col("sebelumnya").fill_null(0) if before else pl.col("sebelumnya"),
        )
        .with_columns((pl.col("nilai") - pl.col("sebelumnya")).alias("selisih"))
        .filter((pl.col("nilai") > 0) | (pl.col("sebelumnya").fill_null(0) > 0))
        .sort("_urutan")
    )
    return table.select(label(key).alias("label"), "nilai", "sebelumnya", "selisih").to_dicts()


def incidents_by_type(ctx: Context, before: dt.date | None) -> list[dict]:
    """Incidents per kind on the date and the previous report day."""
    days = [d for d in (ctx.tanggal, before) if d]
    return _compare(ctx, ctx.section("kejadian", *days), "jenis", pl.len(), JENIS_KEJADIAN, before)


def personnel_by_task_force(ctx: Context, before: dt.date | None) -> list[dict]:
    """Polri personnel per Satgas on the date and the previous report day."""
    days = [d for d in (ctx.tanggal, before) if d]
    frame = ctx.section("satgas", *days)
    return _compare(ctx, frame, "satgas", pl.col("personel").sum(), SATGAS, before)
