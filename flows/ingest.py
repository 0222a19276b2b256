"""The ingest flow: inboxes -> registry + curated tables, with one visible run per new file."""

import dataclasses
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.futures import wait
from prefect.states import Completed, State

from flows.params import AlamatDask, FolderData, PelaksanaTugas
from lapsit import ingest, outcomes
from lapsit.ingest import IngestSummary, run_ingest
from lapsit.reference import Reference
from lapsit.settings import Settings
from schemas.choices import DITOLAK
from tasks.ingest import STEPS, on_dask, publish_rejections, record_submission
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


def ingest_steps(task_runner: str, dask_address: str | None) -> ingest.Steps:
    """The ingest's steps as Prefect tasks, validated in order or on Dask."""
    if task_runner == "dask":
        return dataclasses.replace(STEPS, schedule=on_dask(dask_address))
    if task_runner != "default":
        raise ValueError(
            f"Pelaksana validasi '{task_runner}' tidak dikenal: pilih default atau dask."
        )
    if dask_address:
        raise ValueError("Alamat klaster Dask hanya dipakai dengan pelaksana validasi dask.")
    return STEPS


@flow(name="ingest", flow_run_name="ingest {data_dir}", log_prints=False)
def ingest_flow(
    data_dir: FolderData = "data",
    task_runner: PelaksanaTugas = "default",
    dask_address: AlamatDask = None,
) -> State:
    """Validate every new file in the inboxes and merge the accepted ones.

    Completes whatever it rejected (its message counts each outcome); fails
    only when the run itself cannot go on (broken reference file, unreadable
    curated table, unreachable Dask cluster).

    `task_runner="dask"` validates on a Dask cluster (`dask_address`, or a
    temporary local one); the writes stay here, so the tables are the same.
    """
    steps = ingest_steps(task_runner, dask_address)
    # Dask workers open the files by the paths listed here: make them absolute.
    folder = Path(data_dir).resolve() if task_runner == "dask" else Path(data_dir)
    settings = Settings(data_dir=folder)
    ref = load_reference(settings.reference_dir)
    # Overlapping runs wait for each other on the data dir's file lock (lapsit.ingest).
    summary = run_ingest(settings, ref, steps=steps)
    counts = record_outcomes(summary, ref, settings)
    get_run_logger().info("Ingest selesai: %s", counts)
    return Completed(message=f"Ingest selesai: {counts}", data=summary)
