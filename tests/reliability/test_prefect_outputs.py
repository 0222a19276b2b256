"""What the Prefect flows show (run names, state messages, artifacts, logs) holds no full NRP.

The ingest and report flows run on the session's embedded Prefect server over
three files with NRPs planted in their contents and in a file name; then
every flow run, task run, artifact and log line they produced, the captured
Python logs and every file written under reports/ are searched.
"""

import asyncio
import datetime as dt
import logging

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowRunFilter,
    FlowRunFilterId,
    FlowRunFilterParentFlowRunId,
    LogFilter,
    LogFilterFlowRunId,
)

from tests.builders import valid_sections, write
from tests.reliability.checks import nrp_leaks

pytestmark = pytest.mark.slow
TANGGAL = dt.date(2024, 11, 20)
IN_DATA, IN_TEXT, IN_NAME, TOO_LONG = "81110001", "81110002", "81110003", "8111000412"


def _message(state) -> str:
    return (state.message or "") if state else ""


async def _everything_shown(flow_run_ids: list) -> list[str]:
    """Names, state messages, artifacts and logs of the flow runs, their subflow runs (one per
    rejected file) and their task runs."""
    texts: list[str] = []
    async with get_client() as client:
        children = await client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=flow_run_ids)
            )
        )
        assert children, "the rejected file has its own flow run"
        flow_run_ids = [*flow_run_ids, *(c.id for c in children)]
        ids = FlowRunFilterId(any_=flow_run_ids)
        for run in await client.read_flow_runs(flow_run_filter=FlowRunFilter(id=ids)):
            texts += [run.name, str(run.parameters), _message(run.state), *run.tags]
        for task in await client.read_task_runs(flow_run_filter=FlowRunFilter(id=ids)):
            texts += [task.name, _message(task.state)]
        for artifact in await client.read_artifacts(flow_run_filter=FlowRunFilter(id=ids)):
            texts += [str(artifact.data), artifact.description or "", artifact.key or ""]
        logs = await client.read_logs(
            log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=flow_run_ids))
        )
        texts += [log.message for log in logs]
    return texts


class _Collect(logging.Handler):
    """Keeps every log record's text."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(scope="module")
def shown(prefect_harness, tmp_path_factory):
    """Run the ingest and report flows; (data dir, every text they showed or logged)."""
    from flows.ingest import ingest_flow
    from flows.report import report_flow

    data = tmp_path_factory.mktemp("prefect-nrp") / "data"
    good = valid_sections()
    good["netralitas"][0]["nrp"] = IN_DATA
    good["kejadian"][0]["uraian"] = f"Saksi anggota NRP {IN_TEXT} melapor."
    write(data / "raw" / "balangan" / f"{TANGGAL}.xlsx", good)
    bad = valid_sections("tabalong")
    bad["netralitas"][0]["nrp"] = TOO_LONG
    write(data / "raw" / "tabalong" / f"{TANGGAL}.json", bad)
    write(data / "raw" / "tapin" / f"laporan-{IN_NAME}.json", valid_sections("balangan"))

    collect = _Collect()
    loggers = [logging.getLogger(), logging.getLogger("prefect")]
    for logger in loggers:
        logger.addHandler(collect)
    try:
        ingest = ingest_flow(data_dir=str(data), return_state=True)
        report = report_flow(
            report_date=TANGGAL.isoformat(),
            kode_polda="kalsel",
            data_dir=str(data),
            return_state=True,
        )
    finally:
        for logger in loggers:
            logger.removeHandler(collect)
    assert ingest.is_completed() and report.is_completed()
    ids = [ingest.state_details.flow_run_id, report.state_details.flow_run_id]
    texts = asyncio.run(_everything_shown(ids))
    return data, (*texts, *collect.lines)


def test_prefect_runs_artifacts_and_logs_show_no_nrp_from_the_files(shown, ledger):
    data, texts = shown
    planted = {IN_DATA, IN_TEXT, TOO_LONG}
    ledger.planted |= planted
    ledger.inputs += 3
    hits, searched = nrp_leaks(data, planted, texts)
    ledger.scanned += searched
    assert hits == []
    # The accepted case is in the situation report, masked.
    (html,) = (data / "reports" / "kalsel" / TANGGAL.isoformat()).glob("lapsit-kalsel-*.html")
    assert "*****001" in html.read_text(encoding="utf-8")


def test_prefect_runs_and_logs_show_no_nrp_from_a_file_name(shown, ledger):
    data, texts = shown
    ledger.planted.add(IN_NAME)
    hits, _ = nrp_leaks(data, {IN_NAME}, texts)
    assert hits == []
