"""The ingest flow: inboxes -> registry + curated tables, with one visible run per new file."""

from pathlib import Path

from prefect import flow, get_run_logger
from prefect.futures import wait
from prefect.states import Completed, State

from flows.params import FolderData
from lapsit import outcomes
from lapsit.ingest import IngestSummary, run_ingest
from lapsit.reference import Reference
from lapsit.settings import Settings
from schemas.choices import DITOLAK
from tasks.ingest import STEPS, publish_rejections, record_submission
from tasks.reference import load_reference


def record_outcomes(summary: IngestSummary, ref: Reference, settings: Settings) -> str:
    """Run one task per new file and publish the rejections; returns the counts message."""
    verdicts = [outcomes.verdict(o) for o in summary.outcomes]
    futures = [
        record_submission.submit(
            v,
            outcomes.rejection_event(v, ref, settings.data_dir) if v.status == DITOLAK else None,
        )
        for v in verdicts
    ]
    # Rejected files end Failed on purpose; the run itself goes on.
    wait(futures)
    counts = outcomes.counts_message(summary.totals())
    publish_rejections(outcomes.rejected_rows(verdicts, ref, settings.data_dir), counts)
    return counts


@flow(name="ingest", flow_run_name="ingest {data_dir}", log_prints=False)
def ingest_flow(data_dir: FolderData = "data") -> State:
    """Validate every new file in the inboxes and merge the accepted ones.

    Completes whatever it rejected (its message counts each outcome); fails
    only when the run itself cannot go on (broken reference file, unreadable
    curated table).
    """
    settings = Settings(data_dir=Path(data_dir))
    ref = load_reference(settings.reference_dir)
    # Overlapping runs wait for each other on the data dir's file lock (lapsit.ingest).
    summary = run_ingest(settings, ref, steps=STEPS)
    counts = record_outcomes(summary, ref, settings)
    get_run_logger().info("Ingest selesai: %s", counts)
    return Completed(message=f"Ingest selesai: {counts}", data=summary)
