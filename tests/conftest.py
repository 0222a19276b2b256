import pytest

from lapsit.reference import Reference, load_reference
from lapsit.settings import SHIPPED_REFERENCE, Settings


@pytest.fixture(scope="session")
def ref() -> Reference:
    return load_reference(SHIPPED_REFERENCE)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data")
