"""The nightly flow: ingest -> quality gate -> report, for every Polda (or one)."""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run
from prefect.states import Completed, Failed, State

from flows.ingest import ingest_flow
from flows.names import polda_zone
from flows.params import AlamatDask, FolderData, KodePolda, PelaksanaTugas, TanggalLaporan
from flows.quality import quality_flow
from flows.report import report_flow
from lapsit import artifacts
from lapsit.catalog import NATIONAL
from lapsit.clock import local_time, now_utc, today_in
from lapsit.ingest.records import IngestSummary
from lapsit.ingest.verdicts import counts_message, state_name
from lapsit.privacy import mask_nrp
from lapsit.quality.result import BARU, QualityResult
from lapsit.reference import Reference, require_polda
from lapsit.report.national import ZONA_NASIONAL
from lapsit.report.stage import polda_scope
from lapsit.settings import resolved
from lapsit.templating import render
from schemas.choices import DITOLAK
from tasks.reference import load_reference


def report_dates(
    ref: Reference, report_date: str | None, kode_polda: str | None, now: dt.datetime
) -> dict[str, dt.date]:
    """The report date of each Polda: the one given, else today in the Polda's time zone."""
    given = dt.date.fromisoformat(report_date) if report_date else None
    return {
        polda: given or today_in(polda_scope(ref, polda).zona_waktu, now)
        for polda in require_polda(ref, kode_polda)
    }


def national_date(report_date: str | None, now: dt.datetime) -> dt.date:
    """The national roll-up's date: the one given, else today in the roll-up's time zone."""
    return dt.date.fromisoformat(report_date) if report_date else today_in(ZONA_NASIONAL, now)


@dataclass
class NightlyResult:
    """What one night produced, for the artifact and the final state message."""

    dates: dict[str, dt.date]
    ingest: IngestSummary
    quality: QualityResult
    reports: dict[str, list[Path]] = field(default_factory=dict)
    report_errors: dict[str, str] = field(default_factory=dict)
    # The date of the national roll-up (written when the night covers every Polda).
    national_date: dt.date | None = None

    def record(self, key: str, state: State) -> str | None:
        """A report run's outcome under `key` (a Polda, or `nasional`); its error, if any."""
        if state.is_completed():
            self.reports[key] = state.result()
            return None
        self.report_errors[key] = state.message or state.name
        return self.report_errors[key]

    def final_state(self) -> State:
        """Completed, named after the submissions; Failed when a report or the gate failed."""
        totals = self.ingest.totals()
        counts = counts_message(totals)
        problems = []
        if self.report_errors:
            problems.append(f"laporan gagal untuk {', '.join(self.report_errors)}")
        if not self.quality.success:
            problems.append(self.quality.summary())
        if problems:
            message = mask_nrp(f"Submisi: {counts}. " + " | ".join(problems))[:2000]
            failed = "laporan" if self.report_errors else "kualitas"
            return Failed(name=f"Gagal · {failed}", message=message, data=self)
        return Completed(
            name=state_name(totals),
            message=f"Submisi: {counts}. Kualitas lolos. Laporan: {', '.join(self.reports)}.",
            data=self,
        )

    def polda_report(self, kode_polda: str) -> Path | None:
        """The HTML report of the Polda itself (the report flow writes it first), or, for
        `nasional`, of the national roll-up."""
        return next((p for p in self.reports.get(kode_polda, []) if p.suffix == ".html"), None)


def summary_markdown(night: NightlyResult) -> str:
    """The night in Markdown: submissions, quality gate (with Data Docs), reports per Polda."""
    rows = []
    dates = dict(night.dates)
    if NATIONAL in night.reports or NATIONAL in night.report_errors:
        dates[NATIONAL] = night.national_date
    for polda, tanggal in dates.items():
        if polda in night.report_errors:
            shown = f"GAGAL: {night.report_errors[polda]}"
        else:
            shown = str(night.polda_report(polda) or "")
        rows.append((polda, tanggal.isoformat(), shown or "-"))
    rejected = [o for o in night.ingest.outcomes if o.status == DITOLAK]
    text = render(
        "artefak/ringkasan-malam.md.j2",
        counts=counts_message(night.ingest.totals()),
        q=night.quality,
        rows=rows,
        rejected=len(rejected),
    )
    return mask_nrp(text)


def nightly_run_name() -> str:
    """What a night works on and when: `nightly · kalsel · laporan 2024-11-27 · 23.00 WITA`."""
    params = flow_run.parameters
    polda = params.get("kode_polda")
    day = params.get("report_date") or "hari ini"
    return f"nightly · {polda or 'semua Polda'} · laporan {day} · {local_time(polda_zone(polda))}"


@flow(name="nightly", flow_run_name=nightly_run_name, log_prints=False)
def nightly_flow(
    report_date: TanggalLaporan = None,
    kode_polda: KodePolda = None,
    data_dir: FolderData = "data",
    task_runner: PelaksanaTugas = "default",
    dask_address: AlamatDask = None,
) -> State:
    """Ingest every inbox, check the curated tables, and write each Polda's report.

    A rejected submission never stops the night; a broken reference file or
    an unreadable curated table does (the run fails with the error). A failing
    quality expectation fails the run after the reports, which carry a warning.
    `task_runner` and `dask_address` go to the ingest (validation on Dask).
    """
    logger = get_run_logger()
    settings = resolved(data_dir)
    ref = load_reference(settings.catalog.reference_dir)
    now = now_utc()
    dates = report_dates(ref, report_date, kode_polda, now)
    # Subflows: an exception (reference, unreadable table) propagates and fails the night.
    summary = ingest_flow(data_dir=data_dir, task_runner=task_runner, dask_address=dask_address)
    # Only what came in since the last gate that passed; the weekly run checks everything.
    quality_state = quality_flow(data_dir=data_dir, lingkup=BARU, return_state=True)
    quality = quality_state.result(raise_on_failure=False)
    if not isinstance(quality, QualityResult):
        raise quality if isinstance(quality, BaseException) else RuntimeError(quality_state.message)
    night = NightlyResult(dates=dates, ingest=summary, quality=quality)
    warnings = quality.warnings()
    runs = {
        polda: {"report_date": tanggal.isoformat(), "kode_polda": polda}
        for polda, tanggal in dates.items()
    }
    if kode_polda is None:  # a night of every Polda also rolls them up
        night.national_date = national_date(report_date, now)
        runs[NATIONAL] = {"report_date": night.national_date.isoformat(), "nasional": True}
    for key, params in runs.items():
        state = report_flow(
            **params, data_dir=data_dir, peringatan_kualitas=warnings, return_state=True
        )
        if error := night.record(key, state):
            logger.error("Laporan %s gagal: %s", key, error)
    create_markdown_artifact(
        key=artifacts.NIGHTLY,
        markdown=summary_markdown(night),
        description=f"Run malam {', '.join(f'{p} {d}' for p, d in dates.items())}",
    )
    return night.final_state()
