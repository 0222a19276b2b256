"""The report flow end to end on the embedded Prefect server, and the `report` command."""

import asyncio
import datetime as dt

import pytest
from bs4 import BeautifulSoup
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    ArtifactFilterKey,
)

from flows.cli import main
from flows.report import report_flow
from lapsit import artifacts
from lapsit.demo.files import stamp
from lapsit.ingest.run import run_ingest
from tests.builders import TANGGAL, valid_sections, write


async def _artifacts(key: str, flow_run_id) -> list:
    """The artifacts with this key that one flow run created (other tests share the server)."""
    async with get_client() as client:
        return await client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=[key]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]),
            )
        )


@pytest.fixture
def ingested(ref, settings):
    path = write(settings.catalog.raw_dir / "balangan" / f"{TANGGAL}.xlsx", valid_sections())
    stamp(path, dt.datetime.combine(TANGGAL, dt.time(19, 0)), "Asia/Makassar")
    run_ingest(settings, ref)
    return settings


def kalsel_report(ingested) -> tuple:
    """Run the report flow for Kalsel on TANGGAL; its final state and the files written."""
    state = report_flow(
        report_date=TANGGAL.isoformat(),
        kode_polda="kalsel",
        data_dir=str(ingested.data_dir),
        return_state=True,
    )
    assert state.is_completed()
    return state, state.result()


@pytest.mark.slow
def test_report_flow_writes_every_report_and_publishes_the_polda_markdown(
    prefect_harness, ingested
):
    state, paths = kalsel_report(ingested)
    folder = ingested.catalog.reports_dir / "kalsel" / TANGGAL.isoformat()
    assert len(paths) == 3 * 14  # HTML, Markdown and PDF of the Polda and each Polres
    assert folder / f"lapsit-kalsel-{TANGGAL}.html" in paths
    assert folder / f"lapsit-kalsel-{TANGGAL}.pdf" in paths
    assert all(p.parent == folder and p.is_file() for p in paths)
    soup = BeautifulSoup((folder / f"lapsit-kalsel-{TANGGAL}.html").read_text(), "html.parser")
    polri = soup.select_one('.kartu[data-kunci="personel_polri"] .nilai').get_text(strip=True)
    assert int(polri) == sum(r["personel_polri"] for r in valid_sections()["pengamanan"])
    key = artifacts.report("kalsel", TANGGAL)
    assert key == "lapsit-kalsel-2024-11-20"
    [artifact] = asyncio.run(_artifacts(key, state.state_details.flow_run_id))
    assert artifact.type == "markdown"
    assert "Polda Kalimantan Selatan" in artifact.data
    assert "87050123" not in artifact.data


@pytest.mark.slow
def test_cli_report_prints_the_written_paths(prefect_harness, ingested, capsys):
    code = main(
        [
            "report",
            "--date",
            str(TANGGAL),
            "--polda",
            "kalsel",
            "--data-dir",
            str(ingested.data_dir),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out.split()
    assert str(
        ingested.catalog.reports_dir / "kalsel" / str(TANGGAL) / f"lapsit-kalsel-{TANGGAL}.md"
    ) in (printed)


@pytest.mark.slow
def test_cli_report_nasional_writes_the_roll_up(prefect_harness, ingested, capsys):
    code = main(
        ["report", "--date", str(TANGGAL), "--nasional", "--data-dir", str(ingested.data_dir)]
    )
    assert code == 0
    folder = ingested.catalog.reports_dir / "nasional" / str(TANGGAL)
    printed = capsys.readouterr().out.split()
    assert printed == [
        str(folder / f"lapsit-nasional-{TANGGAL}.{ext}") for ext in ("html", "md", "pdf")
    ]
    soup = BeautifulSoup((folder / f"lapsit-nasional-{TANGGAL}.html").read_text(), "html.parser")
    kalsel = [
        td.get_text(" ", strip=True)
        for td in soup.select_one('tr[data-polda="kalsel"]').select("td")
    ]
    polri = sum(r["personel_polri"] for r in valid_sections()["pengamanan"])
    assert kalsel[1:3] == ["1 dari 13 1 tepat waktu", str(polri)]


def test_pdf_that_cannot_be_written_is_a_warning_and_the_report_stands(
    prefect_harness, ingested, monkeypatch, caplog
):
    """Trap: the PDF engine breaks (a missing system library, a layout bug)."""
    from lapsit.report import pdf

    def broken(html: str) -> bytes:
        raise pdf.PdfError("pango tidak ditemukan")

    monkeypatch.setattr(pdf, "pdf_bytes", broken)
    _, paths = kalsel_report(ingested)
    assert len(paths) == 2 * 14 and not [p for p in paths if p.suffix == ".pdf"]
    assert all(p.is_file() for p in paths)
    assert "PDF laporan kalsel tidak dapat dibuat (pango tidak ditemukan)" in caplog.text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "20-11-2024"], "Tanggal '20-11-2024' tidak sah"),
        (["--date", "2024-02-30"], "tidak sah"),
        (["--date", "2024-11-20", "--polda", "kalbar"], "Polda 'kalbar' tidak dikenal"),
        (["--date", "2024-11-20", "--as-of-version", "3"], "Versi registri 3 tidak ada"),
        (["--date", "2024-11-20", "--nasional", "--polda", "kalsel"], "--nasional merangkum"),
    ],
)
def test_cli_report_refuses_unusable_arguments(settings, capsys, args, message):
    settings.data_dir.mkdir(parents=True)  # a data dir that exists, without an ingest yet
    code = main(["report", *args, "--data-dir", str(settings.data_dir)])
    assert code == 2
    assert message in capsys.readouterr().err
