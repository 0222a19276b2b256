"""The quality gate flow: Great Expectations checkpoints on the curated tables, with Data Docs."""

from typing import Annotated, Literal

from prefect import flow, get_run_logger
from prefect.states import Completed, Failed, State

from flows.names import quality_run_name
from flows.params import FolderData, label
from lapsit.settings import resolved
from tasks.quality import publish_quality, run_quality_gate
from tasks.reference import load_reference

Lingkup = Annotated[
    Literal["penuh", "baru"],
    label(
        "Lingkup pemeriksaan",
        "penuh: seluruh tabel kurasi. baru: hanya data yang masuk sejak gerbang terakhir "
        "yang lolos (dipakai run malam).",
    ),
]


@flow(name="quality", flow_run_name=quality_run_name, log_prints=False)
def quality_flow(data_dir: FolderData = "data", lingkup: Lingkup = "penuh") -> State:
    """Check the curated tables (all, or what is new); Failed, naming the expectations, on failure.

    Either way the state carries the QualityResult, so that the nightly flow
    can still write the report, with a warning, before it fails.
    """
    settings = resolved(data_dir)
    ref = load_reference(settings.catalog.reference_dir)
    result = run_quality_gate(settings, ref, lingkup)
    publish_quality(result)
    logger = get_run_logger()
    if result.docs_index:
        logger.info("Data Docs: %s", result.docs_index)
    if not result.success:
        logger.error(result.summary())
        return Failed(message=result.summary()[:2000], data=result)
    logger.info(result.summary())
    return Completed(message=result.summary(), data=result)
