"""A Prefect server started with `PREFECT_SERVER_API_AUTH_STRING` refuses unauthenticated clients.

The server runs as `docs/security.md` says to run it (API only, on a free
loopback port, its own PREFECT_HOME); a client without the credentials, or
with wrong ones, gets 401 on every API call but the health check, and a
client given `auth_string` works.
"""

import base64

import httpx
import pytest
from prefect.client.orchestration import SyncPrefectClient

from tests.prefect_server import running_server

AUTH = "polda:kalsel-rahasia"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`prefect server start` with authentication; yields its API URL."""
    home = tmp_path_factory.mktemp("prefect-home")
    options = ("--no-ui", "--no-services", "--analytics-off")
    with running_server(home, *options, PREFECT_SERVER_API_AUTH_STRING=AUTH) as url:
        yield url


def _basic(credentials: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}


@pytest.mark.parametrize(
    "headers",
    [{}, _basic("polda:salah"), _basic("tamu:"), {"Authorization": "Bearer kalsel-rahasia"}],
    ids=["none", "wrong-password", "wrong-user", "bearer"],
)
def test_an_unauthenticated_client_is_refused_with_401(server, headers):
    for method, path in [
        ("POST", "/flows/filter"),
        ("POST", "/flow_runs/filter"),
        ("GET", "/admin/version"),
    ]:
        response = httpx.request(method, server + path, headers=headers, json={}, timeout=10)
        assert response.status_code == 401, (path, response.text)


def test_the_prefect_client_needs_the_auth_string(server):
    with SyncPrefectClient(server) as anonymous:
        with pytest.raises(httpx.HTTPStatusError) as refused:
            anonymous.read_flows()
        assert refused.value.response.status_code == 401
    with SyncPrefectClient(server, auth_string=AUTH) as client:
        assert client.read_flows() == []
    # Only the health check answers without credentials (for load balancers).
    assert httpx.get(f"{server}/health", timeout=10).status_code == 200
