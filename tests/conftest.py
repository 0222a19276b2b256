from pathlib import Path

import pytest
from prefect.settings import PREFECT_SERVER_ANALYTICS_ENABLED, temporary_settings
from prefect.testing.utilities import prefect_test_harness

from lapsit.catalog import SHIPPED_REFERENCE
from lapsit.demo.season import generate
from lapsit.reference import Reference, load_reference
from lapsit.settings import Settings


@pytest.fixture(scope="session", autouse=True)
def _own_reference_cache(tmp_path_factory):
    """The tests keep reference checks in a folder of their own, not the user's cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LAPSIT_CACHE_DIR", str(tmp_path_factory.mktemp("lapsit-cache")))
        yield


@pytest.fixture(scope="session")
def ref() -> Reference:
    return load_reference(SHIPPED_REFERENCE)


@pytest.fixture(scope="session")
def demo_raw(tmp_path_factory) -> Path:
    """The demo season's inboxes (`lapsit demo` writes the same), generated once; read only."""
    raw = tmp_path_factory.mktemp("demo") / "raw"
    generate(raw)
    return raw


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture(scope="session")
def prefect_harness():
    """One embedded Prefect server for every flow test (it takes 10-14 s to start)."""
    # The embedded server can take well over 30 s to start on a loaded 2-core machine; its
    # telemetry cannot reach its host from here (as the CLI, it runs with analytics off).
    with (
        temporary_settings({PREFECT_SERVER_ANALYTICS_ENABLED: False}),
        prefect_test_harness(server_startup_timeout=120),
    ):
        yield
