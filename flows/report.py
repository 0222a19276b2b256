"""The report flow: curated tables -> the daily situation report of each Polda and its Polres,
or the national roll-up of every Polda."""

import datetime as dt
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from flows.names import report_run_name
from flows.params import (
    FolderData,
    KodePolda,
    Nasional,
    PeringatanKualitas,
    TanggalWajib,
    VersiRegistri,
)
from lapsit import artifacts
from lapsit.catalog import NATIONAL
from lapsit.clock import now_utc
from lapsit.reference import require_polda
from lapsit.report.render import Written, render_markdown, render_national_markdown
from lapsit.settings import resolved
from tasks.reference import load_reference
from tasks.report import build_national, build_reports, load_snapshot, write_national, write_report


def _publish(key: str, markdown: str, description: str) -> None:
    """A report's Markdown as an artifact staff can open in the Prefect UI."""
    create_markdown_artifact(key=key, markdown=markdown, description=description)


def _kept(written: Written, name: str) -> list[Path]:
    """The files written; a PDF that could not be printed is a warning, not a lost report."""
    if written.pdf_error:
        get_run_logger().warning(
            "PDF laporan %s tidak dapat dibuat (%s); HTML dan Markdown tetap tersedia.",
            name,
            written.pdf_error,
        )
    return written.paths


@flow(name="report", flow_run_name=report_run_name, log_prints=False)
def report_flow(
    report_date: TanggalWajib,
    kode_polda: KodePolda = None,
    data_dir: FolderData = "data",
    as_of_version: VersiRegistri = None,
    peringatan_kualitas: PeringatanKualitas = None,
    nasional: Nasional = False,
) -> list[Path]:
    """Render the report of every Polda (or one) for a date; returns the files written.

    `peringatan_kualitas`: failed quality-gate checks, shown at the top of every report.
    `nasional`: write the national roll-up of every Polda instead.
    """
    logger = get_run_logger()
    tanggal = dt.date.fromisoformat(report_date)
    settings = resolved(data_dir)
    ref = load_reference(settings.catalog.reference_dir)
    for warning in ref.peringatan:
        logger.warning("Data referensi: %s", warning)
    poldas = require_polda(ref, None if nasional else kode_polda)
    # One Polda's reports read only its partitions; the roll-up and a run of every Polda all.
    snap = load_snapshot(settings.catalog.tables, as_of_version, None if nasional else kode_polda)
    now = now_utc()
    written: list[Path] = []
    if nasional:
        # Every Polda's own report, their charts drawn while the next is built.
        reports = build_reports(
            snap, ref, settings, poldas, tanggal, now, peringatan_kualitas, True
        )
        national = build_national(reports, now)
        written += _kept(write_national(national, settings.catalog), NATIONAL)
        _publish(
            artifacts.report(NATIONAL, tanggal),
            render_national_markdown(national),
            f"Laporan situasi nasional {tanggal.isoformat()}",
        )
        logger.info("Laporan situasi nasional %s: %d berkas", tanggal.isoformat(), len(written))
        return written
    for polda in poldas:
        reports = build_reports(snap, ref, settings, [polda], tanggal, now, peringatan_kualitas)
        files = [p for r in reports for p in _kept(write_report(r, settings.catalog), r.scope.kode)]
        written += files
        _publish(
            artifacts.report(polda, tanggal),
            render_markdown(reports[0]),
            f"Laporan situasi {reports[0].scope.nama} {tanggal.isoformat()}",
        )
        logger.info("Laporan situasi %s %s: %d berkas", polda, tanggal.isoformat(), len(files))
    return written
