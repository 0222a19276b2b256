"""The ingest flow: inboxes -> registry + curated tables."""

from pathlib import Path

from prefect import flow, get_run_logger

from lapsit.ingest import IngestSummary, run_ingest
from lapsit.settings import Settings
from tasks.ingest import STEPS, load_reference


@flow(name="ingest", flow_run_name="ingest {data_dir}", log_prints=False)
def ingest_flow(data_dir: str = "data") -> IngestSummary:
    """Validate every new file in the inboxes and merge the accepted ones."""
    settings = Settings(data_dir=Path(data_dir))
    ref = load_reference(settings.reference_dir)
    summary = run_ingest(settings, ref, steps=STEPS)
    totals = summary.totals()
    get_run_logger().info(
        "Diterima %d, ditolak %d, digantikan %d, duplikat %d, dilewati %d",
        totals["diterima"],
        totals["ditolak"],
        totals["digantikan"],
        totals["duplikat"],
        totals["dilewati"],
    )
    return summary
