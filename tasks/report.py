"""Tasks of the report flow: thin wrappers around lapsit.report's plain functions."""

from prefect import task
from prefect.cache_policies import NO_CACHE

from lapsit.report import build, data, national, render

load_snapshot = task(
    data.load, name="load_snapshot", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE
)
build_reports = task(build.build_reports, name="build_reports", cache_policy=NO_CACHE)
build_national = task(national.build_national, name="build_national", cache_policy=NO_CACHE)
write_report = task(
    render.write_report,
    name="write_report",
    retries=2,
    retry_delay_seconds=2,
    cache_policy=NO_CACHE,
)
write_national = task(
    render.write_national,
    name="write_national",
    retries=2,
    retry_delay_seconds=2,
    cache_policy=NO_CACHE,
)
