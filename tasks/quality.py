"""Tasks of the quality gate: thin wrappers around lapsit.quality.gate."""

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from lapsit import artifacts
from lapsit.quality import gate
from lapsit.quality.result import QualityResult

# Reads the curated tables; a table it cannot read fails the task (and the run), never passes.
run_quality_gate = task(gate.run_gate, name="run_quality_gate", cache_policy=NO_CACHE)


@task(name="publish_quality", cache_policy=NO_CACHE)
def publish_quality(result: QualityResult) -> None:
    """The gate's outcome as a Markdown artifact linking Data Docs."""
    create_markdown_artifact(
        key=artifacts.QUALITY,
        markdown=gate.markdown(result),
        description=result.summary()[:500],
    )
