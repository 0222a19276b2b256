"""The report flow: curated tables -> the daily situation report of each Polda and its Polres."""

import datetime as dt
import re
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from flows.params import FolderData, KodePolda, PeringatanKualitas, TanggalWajib, VersiRegistri
from lapsit.clock import now_utc
from lapsit.reference import require_polda
from lapsit.report.build import Report
from lapsit.report.render import render_markdown
from lapsit.settings import resolved
from tasks.reference import load_reference
from tasks.report import build_reports, load_snapshot, write_report


def artifact_key(kode_polda: str, tanggal: dt.date) -> str:
    """`lapsit-kalsel-2024-11-20`: Prefect keys allow lowercase letters, digits and dashes."""
    return re.sub(r"[^a-z0-9-]+", "-", f"lapsit-{kode_polda}-{tanggal.isoformat()}".lower())


def _publish(report: Report) -> None:
    """The Polda report's Markdown as an artifact staff can open in the Prefect UI."""
    create_markdown_artifact(
        key=artifact_key(report.scope.kode_polda, report.tanggal),
        markdown=render_markdown(report),
        description=f"Laporan situasi {report.scope.nama} {report.tanggal.isoformat()}",
    )


@flow(name="report", flow_run_name="report {report_date}", log_prints=False)
def report_flow(
    report_date: TanggalWajib,
    kode_polda: KodePolda = None,
    data_dir: FolderData = "data",
    as_of_version: VersiRegistri = None,
    peringatan_kualitas: PeringatanKualitas = None,
) -> list[Path]:
    """Render the report of every Polda (or one) for a date; returns the files written.

    `peringatan_kualitas`: failed quality-gate checks, shown at the top of every report.
    """
    tanggal = dt.date.fromisoformat(report_date)
    settings = resolved(data_dir)
    ref = load_reference(settings.catalog.reference_dir)
    poldas = require_polda(ref, kode_polda)
    snap = load_snapshot(settings.catalog.tables, as_of_version)
    now = now_utc()
    written: list[Path] = []
    for polda in poldas:
        reports = build_reports(snap, ref, settings, polda, tanggal, now, peringatan_kualitas)
        for report in reports:
            written += write_report(report, settings.catalog)
        _publish(reports[0])
        get_run_logger().info(
            "Laporan situasi %s %s: %d berkas", polda, tanggal.isoformat(), 2 * len(reports)
        )
    return written
