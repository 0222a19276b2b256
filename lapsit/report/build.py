"""Assemble a situation report (figures, completeness, charts, provenance) for one scope and date."""

import dataclasses
import datetime as dt
import importlib.metadata
from dataclasses import dataclass, field

import polars as pl

from lapsit.reference import Reference
from lapsit.report import figures, tables
from lapsit.report.anomalies import detect
from lapsit.report.completeness import Completeness, completeness
from lapsit.report.data import Snapshot
from lapsit.report.drawing import Drawer
from lapsit.report.figures import Comparison, Context
from lapsit.report.staffing import Staffing, staffing
from lapsit.report.stage import Scope, Stage, polda_scope, stage_in_force
from lapsit.settings import Settings
from schemas.choices import BELUM_LAPOR

# The trend covers the stage so far, and at least this many days.
MIN_TREND_DAYS = 7


@dataclass(frozen=True)
class Report:
    """Everything a report template shows, computed; the templates only format it."""

    scope: Scope
    tanggal: dt.date
    tahapan: Stage | None
    # The previous report day compared with (and who reported on both days), or why none.
    banding: Comparison
    tanpa_pembanding: str | None
    ringkasan: list[dict]
    kejadian_per_jenis: list[dict]
    satgas: list[dict]
    polres: list[dict]
    kecamatan: list[dict]
    kerawanan: list[dict]
    kejadian: list[dict]
    netralitas: list[dict]
    kesiapan: list[dict]
    kelengkapan: Completeness
    kekuatan: Staffing
    anomali: list[dict]
    tren: list[dict]
    grafik: dict[str, str]
    versi_data: dict[str, int | None]
    as_of_version: int | None
    versi_kode: str
    dibuat: dt.datetime
    batas_waktu: dt.time
    # Failed quality-gate checks (Great Expectations) of the run that made the report.
    peringatan_kualitas: list[str] = field(default_factory=list)
    angka: dict[str, dict] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "angka", {r["kunci"]: r for r in self.ringkasan})

    @property
    def pembanding(self) -> dt.date | None:
        return self.banding.tanggal

    @property
    def belum_batas(self) -> bool:
        """Made before the Polda's deadline on the date: the silent have not reported *yet*."""
        return any(p["status"] == BELUM_LAPOR for p in self.polres)

    @property
    def laporan_polres(self) -> bool:
        return self.scope.kode_polres is not None

    @property
    def jumlah_polres(self) -> int:
        return self.scope.polres.height

    @property
    def angka_utama(self) -> list[dict]:
        """The summary rows shown: a Polres's report leaves out the figures about the Polda."""
        if not self.laporan_polres:
            return self.ringkasan
        return [r for r in self.ringkasan if r["kunci"] not in figures.POLDA_ONLY]

    @property
    def lengkap(self) -> bool:
        """Whether every covered Polres reported (else totals are marked incomplete)."""
        return self.angka["polres_lapor"]["nilai"] == self.jumlah_polres

    @property
    def terlambat(self) -> list[str]:
        return [r["nama_polres"] for r in self.polres if r["status"] == "terlambat"]

    @property
    def sangat_rawan(self) -> list[dict]:
        return [r for r in self.kerawanan if r["tingkat_kerawanan"] == "sangat_rawan"]


def code_version() -> str:
    """The installed lapsit version."""
    try:
        return importlib.metadata.version("lapsit")
    except importlib.metadata.PackageNotFoundError:
        return "tidak diketahui"


def _declared(ctx: Context) -> pl.DataFrame:
    """Election and stage of the accepted submissions of the date."""
    return (
        ctx.accepted()
        .filter(pl.col("tanggal") == ctx.tanggal)
        .select("kode_pemilihan", "kode_tahapan")
    )


def _no_comparison(before: dt.date | None, reported: bool) -> str | None:
    """Why the report has no previous day to compare with (None: it has one)."""
    if not reported:
        return "tanpa_laporan"
    return None if before is not None else "belum_ada_laporan"


def _trend(ctx: Context, stage: Stage | None) -> list[dict]:
    """Daily totals from the start of the stage (at least a week), from the first reported day.

    A day on which nobody reported has null figures (a gap, never a drop to zero).
    """
    start = ctx.tanggal - dt.timedelta(days=MIN_TREND_DAYS - 1)
    if stage is not None:
        start = min(start, stage.mulai)
    days = pl.date_range(start, ctx.tanggal, eager=True).to_list()
    totals = figures.daily_totals(ctx, days)
    first = totals.filter(pl.col("polres_lapor") > 0)["tanggal"].min()
    shown = totals.filter(pl.col("tanggal") >= first) if first else totals.tail(1)
    return shown.to_dicts()


def polda_anomalies(snap: Snapshot, ref: Reference, settings: Settings, kode_polda: str,
                    tanggal: dt.date) -> list[dict]:  # fmt: skip
    """The anomalies of every Polres of a Polda on a date, judged against the whole Polda."""
    ctx = Context(snap, ref, polda_scope(ref, kode_polda), tanggal, settings.batas_waktu)
    days = ctx.accepted().filter(pl.col("tanggal") <= tanggal)["tanggal"].unique().to_list()
    found = detect(figures.polres_days(ctx, days), tanggal)
    names = dict(ctx.scope.polres.iter_rows())
    return [a | {"nama_polres": names[a["kode_polres"]]} for a in found]


def _without_charts(
    snap: Snapshot,
    ref: Reference,
    settings: Settings,
    scope: Scope,
    tanggal: dt.date,
    stage: Stage | None,
    now: dt.datetime,
    quality_warnings: list[str] | None,
    anomalies: list[dict],
) -> tuple[Report, tuple]:
    """The report of one scope (the Polda or one of its Polres) for one date, with no charts
    yet, and what its charts are drawn from (`drawing.draw`).

    `anomalies`: the Polda's (`polda_anomalies`).
    """
    ctx = Context(snap, ref, scope, tanggal, settings.batas_waktu, dibuat=now)
    # Nothing reported today is no data, not zero: then there is nothing to compare.
    reported = not _declared(ctx).is_empty()
    before = figures.previous_report_day(ctx) if reported else None
    cmp = figures.comparison(ctx, before)
    kelengkapan = completeness(ctx)
    trend = _trend(ctx, stage)
    stage_start = stage.mulai if stage else None
    report = Report(
        scope=scope,
        tanggal=tanggal,
        tahapan=stage,
        banding=cmp,
        tanpa_pembanding=_no_comparison(before, reported),
        ringkasan=figures.summary(ctx, cmp),
        kejadian_per_jenis=figures.incidents_by_type(ctx, cmp),
        satgas=figures.personnel_by_task_force(ctx, cmp),
        polres=tables.per_polres(ctx, kelengkapan.ditolak_kode),
        kecamatan=tables.per_kecamatan(ctx) if scope.kode_polres else [],
        kerawanan=tables.vulnerable(ctx),
        kejadian=tables.incidents(ctx),
        netralitas=tables.neutrality_cases(ctx),
        kesiapan=tables.readiness(ctx),
        kelengkapan=kelengkapan,
        kekuatan=staffing(ctx, stage.kode_tahapan if stage else None),
        anomali=[a for a in anomalies if a["kode_polres"] in scope.codes],
        tren=trend,
        grafik={},
        versi_data=dict(snap.versions),
        as_of_version=snap.as_of_version,
        versi_kode=code_version(),
        dibuat=now.astimezone(dt.UTC),
        batas_waktu=settings.batas_waktu,
        peringatan_kualitas=list(quality_warnings or []),
    )
    return report, (trend, stage_start, scope.polres.height)


def _polda_stage(snap: Snapshot, ref: Reference, settings: Settings, kode_polda: str,
                 tanggal: dt.date) -> tuple[Scope, Stage | None]:  # fmt: skip
    """The Polda's scope and the stage in force for it on the date."""
    scope = polda_scope(ref, kode_polda)
    ctx = Context(snap, ref, scope, tanggal, settings.batas_waktu)
    return scope, stage_in_force(ref, _declared(ctx), tanggal)


def build_polda_reports(
    snap: Snapshot,
    ref: Reference,
    settings: Settings,
    kode_polda: str,
    tanggal: dt.date,
    now: dt.datetime | None = None,
    quality_warnings: list[str] | None = None,
    polda_only: bool = False,
) -> list[Report]:
    """The Polda's report, then one per Polres (unless `polda_only`), all under the stage in
    force for the Polda."""
    return build_reports(
        snap, ref, settings, [kode_polda], tanggal, now, quality_warnings, polda_only
    )


def build_reports(
    snap: Snapshot,
    ref: Reference,
    settings: Settings,
    poldas: list[str],
    tanggal: dt.date,
    now: dt.datetime | None = None,
    quality_warnings: list[str] | None = None,
    polda_only: bool = False,
) -> list[Report]:
    """The reports of several Polda, in their order, as `build_polda_reports` makes each
    one's (the national roll-up takes every Polda's own report: `polda_only`); their charts
    are drawn while the next report is built (`lapsit.report.drawing`)."""
    now = now or dt.datetime.now(dt.UTC)
    plans = []
    for kode_polda in poldas:
        scope, stage = _polda_stage(snap, ref, settings, kode_polda, tanggal)
        anomalies = polda_anomalies(snap, ref, settings, kode_polda, tanggal)
        scopes = [scope] if polda_only else [scope, *(scope.only(kode) for kode in scope.codes)]
        plans += [(s, stage, anomalies) for s in scopes]
    with Drawer(len(plans)) as drawer:
        built = []
        for scope, stage, anomalies in plans:
            report, chart_data = _without_charts(
                snap, ref, settings, scope, tanggal, stage, now, quality_warnings, anomalies
            )
            built.append((report, drawer.submit(*chart_data)))
        return [dataclasses.replace(report, grafik=charts()) for report, charts in built]
