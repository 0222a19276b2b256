"""Tasks of the maintenance flow: thin wrappers around lapsit.storage.maintenance."""

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from lapsit import artifacts
from lapsit.storage import maintenance

# I/O on every table; a lost commit race (another writer) is worth another try.
maintain_tables = task(
    maintenance.maintain,
    name="maintain_tables",
    retries=2,
    retry_delay_seconds=10,
    cache_policy=NO_CACHE,
)


@task(name="publish_maintenance", cache_policy=NO_CACHE)
def publish_maintenance(results: list[maintenance.TableMaintenance], retention_days: int) -> None:
    """What compaction and vacuum did, as a Markdown artifact."""
    create_markdown_artifact(
        key=artifacts.MAINTENANCE,
        markdown=maintenance.markdown(results, retention_days),
        description=f"Pemadatan dan vacuum tabel kurasi, retensi {retention_days} hari",
    )
