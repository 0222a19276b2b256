"""A Prefect server started with `PREFECT_SERVER_API_AUTH_STRING` refuses unauthenticated clients.

The server runs as `docs/security.md` says to run it (API only, on a free
loopback port, its own PREFECT_HOME); a client without the credentials, or
with wrong ones, gets 401 on every API call but the health check, and a
client given `auth_string` works.
"""

import base64
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from prefect.client.orchestration import SyncPrefectClient

AUTH = "polda:kalsel-rahasia"
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`prefect server start` with authentication; yields its API URL."""
    home = tmp_path_factory.mktemp("prefect-home")
    port = _free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_API_AUTH_STRING": AUTH,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    prefect = Path(sys.executable).with_name("prefect")
    command = [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--no-ui", "--no-services", "--analytics-off"]
    log = (home / "server.log").open("wb")
    proc = subprocess.Popen(command, env=env, stdout=log, stderr=log, start_new_session=True)
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert proc.poll() is None, (home / "server.log").read_text()
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        else:
            pytest.fail("the Prefect server did not start in 90 s")
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the server and the workers it started
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


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
