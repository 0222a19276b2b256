"""Tasks of the ingest flow; only I/O tasks retry."""

from prefect import task
from prefect.cache_policies import NO_CACHE

from lapsit import curated, ingest, reference

load_reference = task(reference.load_reference, name="load_reference", cache_policy=NO_CACHE)
discover_files = task(
    ingest.discover, name="discover_files", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE
)
validate_submissions = task(
    ingest.validate_deliveries, name="validate_submissions", cache_policy=NO_CACHE
)
write_error_reports = task(
    ingest.write_reports, name="write_error_reports", retries=2, cache_policy=NO_CACHE
)
write_curated = task(ingest.write_curated, name="write_curated", retries=2, cache_policy=NO_CACHE)
write_registry = task(
    curated.write_registry, name="write_registry", retries=2, cache_policy=NO_CACHE
)

STEPS = ingest.Steps(
    discover=discover_files,
    validate=validate_submissions,
    write_reports=write_error_reports,
    write_curated=write_curated,
    write_registry=write_registry,
)
