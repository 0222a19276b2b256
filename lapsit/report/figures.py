"""The day's headline figures, computed with Polars expressions from a snapshot.

The rules of SPEC §5 (v2) live here: a Polres that did not report has no figure
(null, shown `–`), never 0; a total over fewer Polres than the scope covers says
so; a change since the previous day sums only the Polres that reported on both
days; the previous day is the latest earlier day with any accepted report of the
Polda, whatever its stage.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import polars as pl

from lapsit.reference import Reference
from lapsit.report.data import Snapshot
from lapsit.report.labels import label
from lapsit.report.stage import Scope
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
    "jumlah_tps": "TPS di kecamatan yang diamankan",
    "kegiatan_diamankan": "Kegiatan diamankan",
    "kejadian": "Kejadian",
    "korban_luka": "Korban luka",
    "korban_meninggal": "Korban meninggal",
    "netralitas": "Kasus netralitas",
}
# Figures about the Polda's Polres as a whole: not shown in the report of one Polres.
POLDA_ONLY = ("polres_lapor", "tepat_waktu")
# Figures summed over the Polres that reported (the others are not in the sum).
SUMMED = tuple(k for k in INDICATORS if k not in POLDA_ONLY)
LEVEL_ORDER = {"sangat_rawan": 0, "rawan": 1}


@dataclass(frozen=True)
class Context:
    """What every figure needs: the data, the covered Polres, the date and the deadline."""

    snap: Snapshot
    ref: Reference
    scope: Scope
    tanggal: dt.date
    batas_waktu: dt.time
    # When the page or report is made: before the deadline on `tanggal`, a Polres without a
    # report has not reported *yet* (`belum_lapor`); None: made after it.
    dibuat: dt.datetime | None = None

    def __post_init__(self) -> None:
        if not self.snap.covers(self.scope.kode_polda):
            raise ValueError(
                f"snapshot of {self.snap.kode_polda}'s partitions has no rows of "
                f"{self.scope.kode_polda}"
            )

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

    def before_deadline(self) -> bool:
        """Whether this is made before the Polda's deadline on the date (its local time)."""
        if self.dibuat is None:
            return False
        made = self.dibuat.astimezone(ZoneInfo(self.scope.zona_waktu)).replace(tzinfo=None)
        return made < dt.datetime.combine(self.tanggal, self.batas_waktu)

    def polres_names(self) -> pl.DataFrame:
        return self.scope.polres.with_row_index("_urutan")

    def kecamatan_names(self) -> pl.DataFrame:
        return self.ref.kecamatan.select("kode_kecamatan", pl.col("nama_kecamatan").alias("_nama"))


def polres_days(ctx: Context, dates: list[dt.date]) -> pl.DataFrame:
    """One row per (tanggal, kode_polres) with an accepted report: its figures of SUMMED.

    A Polres that reported has 0 where it reported nothing of a kind (no incident);
    one that did not report has no row at all.
    """
    reported = (
        ctx.accepted()
        .filter(pl.col("tanggal").is_in(dates))
        .with_columns(ctx.on_time().alias("_tepat"))
        .group_by("tanggal", "kode_polres")
        .agg(pl.col("_tepat").all())
    )
    level = pl.col("tingkat_kerawanan")
    keys = ["tanggal", "kode_polres"]
    parts = [
        ctx.section("pengamanan", *dates)
        .group_by(keys)
        .agg(
            pl.col("personel_polri", "personel_tni", "personel_linmas").sum(),
            pl.len().alias("kecamatan"),
            (level == "rawan").sum().alias("rawan"),
            (level == "sangat_rawan").sum().alias("sangat_rawan"),
            pl.col("jumlah_tps", "kegiatan_diamankan").sum(),
        ),
        ctx.section("kejadian", *dates)
        .group_by(keys)
        .agg(pl.len().alias("kejadian"), pl.col("korban_luka", "korban_meninggal").sum()),
        ctx.section("netralitas", *dates).group_by(keys).agg(pl.len().alias("netralitas")),
    ]
    for part in parts:
        reported = reported.join(part, on=keys, how="left")
    return reported.with_columns(pl.col(SUMMED).fill_null(0).cast(pl.Int64))


def daily_totals(ctx: Context, dates: list[dt.date]) -> pl.DataFrame:
    """One row per date: INDICATORS summed over the Polres that reported (null: nobody did)."""
    days = pl.DataFrame({"tanggal": dates}, schema={"tanggal": pl.Date})
    sums = (
        polres_days(ctx, dates)
        .group_by("tanggal")
        .agg(
            pl.len().cast(pl.Int64).alias("polres_lapor"),
            pl.col("_tepat").sum().cast(pl.Int64).alias("tepat_waktu"),
            pl.col(SUMMED).sum(),
        )
    )
    return (
        days.join(sums, on="tanggal", how="left")
        .with_columns(pl.col(POLDA_ONLY).fill_null(0))
        .select("tanggal", *INDICATORS)
        .sort("tanggal")
    )


def previous_report_day(ctx: Context) -> dt.date | None:
    """The latest earlier date on which any Polres of the Polda has an accepted report.

    Whatever its stage: voting day compares with the last quiet day.
    """
    polda = ctx.ref.polres.filter(pl.col("kode_polda") == ctx.scope.kode_polda)["kode_polres"]
    earlier = ctx.snap.registry.filter(
        (pl.col("status") == DITERIMA)
        & pl.col("kode_polres").is_in(polda.implode())
        & (pl.col("tanggal") < ctx.tanggal)
    )
    return earlier["tanggal"].max()


@dataclass(frozen=True)
class Comparison:
    """The previous report day and which covered Polres reported on both days."""

    tanggal: dt.date | None
    # kode_polres of the covered Polres with an accepted report on both days.
    kedua_hari: list[str]
    # Names of the covered Polres that reported on only one of the two days.
    tidak_dibandingkan: list[str]
    # The stage most reports of the previous day declared (its name), if any.
    nama_tahapan: str | None = None

    @property
    def ada(self) -> bool:
        return self.tanggal is not None


def comparison(ctx: Context, before: dt.date | None) -> Comparison:
    """Who can be compared between the report date and `before`."""
    if before is None:
        return Comparison(None, [], [])
    sent = ctx.accepted().filter(pl.col("tanggal").is_in([ctx.tanggal, before]))
    today = set(sent.filter(pl.col("tanggal") == ctx.tanggal)["kode_polres"])
    then = set(sent.filter(pl.col("tanggal") == before)["kode_polres"])
    names = ctx.polres_names()
    both = [k for k in names["kode_polres"] if k in today & then]
    one = names.filter(pl.col("kode_polres").is_in(sorted(today ^ then)))["nama_polres"]
    stages = (
        ctx.snap.registry.filter((pl.col("status") == DITERIMA) & (pl.col("tanggal") == before))
        .join(ctx.ref.tahapan, on=["kode_pemilihan", "kode_tahapan"])
        .group_by("nama_tahapan")
        .len()
        .sort("len", "nama_tahapan", descending=[True, False])
    )
    stage = stages["nama_tahapan"][0] if stages.height else None
    return Comparison(before, both, one.to_list(), stage)


def _change(frame: pl.DataFrame, keys: list[str], value: str, cmp: Comparison, tanggal: dt.date):
    """Today minus the previous day of `value` per `keys`, over the Polres of both days."""
    both = frame.filter(pl.col("kode_polres").is_in(cmp.kedua_hari)).with_columns(
        pl.col(value).cast(pl.Int64)
    )
    today = both.filter(pl.col("tanggal") == tanggal).group_by(keys).agg(pl.col(value).sum())
    then = both.filter(pl.col("tanggal") == cmp.tanggal).group_by(keys).agg(pl.col(value).sum())
    return today.join(then, on=keys, how="full", coalesce=True, suffix="_lalu").select(
        *keys,
        (pl.col(value).fill_null(0) - pl.col(f"{value}_lalu").fill_null(0)).alias("selisih"),
    )


def summary(ctx: Context, cmp: Comparison) -> list[dict]:
    """Each indicator on the date, on the previous report day and the comparable change.

    `selisih` sums only the Polres of both days; the count of Polres reporting (and of
    those on time) compares the raw counts.
    """
    dates = [d for d in (ctx.tanggal, cmp.tanggal) if d]
    totals = {r["tanggal"]: r for r in daily_totals(ctx, dates).to_dicts()}
    today, prev = totals[ctx.tanggal], totals.get(cmp.tanggal)
    both = polres_days(ctx, dates).filter(pl.col("kode_polres").is_in(cmp.kedua_hari))
    sums = {r["tanggal"]: r for r in both.group_by("tanggal").agg(pl.col(SUMMED).sum()).to_dicts()}
    rows = []
    for key, text in INDICATORS.items():
        change = None
        if prev is not None and key in POLDA_ONLY:
            change = today[key] - prev[key]
        elif prev is not None and cmp.kedua_hari:
            change = sums[ctx.tanggal][key] - sums[cmp.tanggal][key]
        rows.append(
            {
                "kunci": key,
                "label": text,
                "nilai": today[key],
                "sebelumnya": prev[key] if prev else None,
                "selisih": change,
            }
        )
    return rows


def _compare(
    ctx: Context,
    frame: pl.DataFrame,
    key: str,
    value: str,
    order: tuple[str, ...],
    cmp: Comparison,
) -> list[dict]:
    """`value` summed per choice (in contract order) today, on the previous day, and the change.

    `frame` holds one row per (tanggal, kode_polres, key) with `value`.
    """
    choices = pl.DataFrame({key: list(order)}).with_row_index("_urutan")

    def on(day: dt.date | None, name: str) -> pl.DataFrame:
        rows = frame.filter(pl.col("tanggal") == day) if day else frame.clear()
        return rows.group_by(key).agg(pl.col(value).sum().cast(pl.Int64).alias(name))

    table = (
        choices.join(on(ctx.tanggal, "nilai"), on=key, how="left")
        .join(on(cmp.tanggal, "sebelumnya"), on=key, how="left")
        .with_columns(pl.col("nilai").fill_null(0))
        .with_columns(pl.col("sebelumnya").fill_null(0) if cmp.ada else pl.col("sebelumnya"))
        .filter((pl.col("nilai") > 0) | (pl.col("sebelumnya").fill_null(0) > 0))
    )
    if cmp.ada and cmp.kedua_hari:
        change = _change(frame, [key], value, cmp, ctx.tanggal)
        table = table.join(change, on=key, how="left").with_columns(pl.col("selisih").fill_null(0))
    else:
        table = table.with_columns(pl.lit(None, pl.Int64).alias("selisih"))
    return (
        table.sort("_urutan")
        .select(label(key).alias("label"), "nilai", "sebelumnya", "selisih")
        .to_dicts()
    )


def incidents_by_type(ctx: Context, cmp: Comparison) -> list[dict]:
    """Incidents per kind on the date and the previous report day."""
    days = [d for d in (ctx.tanggal, cmp.tanggal) if d]
    frame = (
        ctx.section("kejadian", *days)
        .group_by("tanggal", "kode_polres", "jenis")
        .agg(pl.len().cast(pl.Int64).alias("n"))
    )
    return _compare(ctx, frame, "jenis", "n", JENIS_KEJADIAN, cmp)


def personnel_by_task_force(ctx: Context, cmp: Comparison) -> list[dict]:
    """Polri personnel per Satgas on the date and the previous report day."""
    days = [d for d in (ctx.tanggal, cmp.tanggal) if d]
    frame = ctx.section("satgas", *days).select("tanggal", "kode_polres", "satgas", "personel")
    return _compare(ctx, frame, "satgas", "personel", SATGAS, cmp)
