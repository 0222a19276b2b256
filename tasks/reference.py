"""The reference-data task every flow starts with."""

from prefect import task
from prefect.cache_policies import NO_CACHE

from lapsit import reference

load_reference = task(reference.load_reference, name="load_reference", cache_policy=NO_CACHE)
