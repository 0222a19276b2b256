"""The portal's tests: a real uvicorn server on a free loopback port, real accounts, a ledger.

`live_portal` starts `lapsit.portal.app.create_app` under uvicorn in a thread (the same
server `lapsit portal` runs) and stops it after the test; the ledger counts what the
security tests tried and prints it at the end, as the reliability suite does.
"""

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import uvicorn

from lapsit.portal.accounts import add_account
from lapsit.portal.app import create_app
from lapsit.portal.db import connect
from lapsit.reference import Reference
from lapsit.settings import Settings
from tests.prefect_server import free_port

PASSWORD = "sandi-uji-portal-1"
# Accounts every portal test has: two operators of Polda Kalsel, one of Polda Sumsel, and
# staff of both Polda.
ACCOUNTS = {
    "op-balangan": {"kode_polres": "balangan"},
    "op-tapin": {"kode_polres": "tapin"},
    "op-ogan-ilir": {"kode_polres": "ogan-ilir"},
    "staf-kalsel": {"kode_polda": "kalsel"},
    "staf-sumsel": {"kode_polda": "sumsel"},
}


@dataclass
class Ledger:
    """What the portal's security tests tried, printed at the end of the run."""

    refused: Counter = field(default_factory=Counter)  # HTTP status -> requests refused
    uploads: int = 0  # files uploaded and answered with a verdict
    hostile: int = 0  # hostile files among them
    names: int = 0  # hostile file names tried
    concurrent: int = 0  # uploads sent at the same moment
    raced: int = 0  # uploads made while an ingest ran
    lost: int = 0  # uploads missing from inbox, registry or audit
    half_read: int = 0  # uploads an ingest read before they were whole
    replayed: int = 0  # requests with a session cookie copied before the session ended
    burst: int = 0  # sign-in attempts sent at the same moment
    rendered: int = 0  # Markdown documents with hostile free text rendered and checked
    names_scanned: int = 0  # pages, console lines and logs searched for an NRP in a name
    used: bool = False

    def lines(self) -> list[str]:
        refused = ", ".join(f"{n}×{code}" for code, n in sorted(self.refused.items()))
        return [
            f"requests refused: {sum(self.refused.values())} ({refused or 'none'})",
            f"uploads answered: {self.uploads} ({self.hostile} hostile files, "
            f"{self.names} hostile names)",
            f"uploads at once: {self.concurrent}; uploads racing an ingest: {self.raced}",
            f"uploads lost: {self.lost}; read half-written: {self.half_read}",
            f"ended sessions replayed: {self.replayed} requests; sign-ins at once: {self.burst}",
            f"hostile Markdown renderings: {self.rendered}; outputs searched for NRPs in names: "
            f"{self.names_scanned}",
        ]


LEDGER = Ledger()


@pytest.fixture
def ledger() -> Ledger:
    LEDGER.used = True
    return LEDGER


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not LEDGER.used:
        return
    terminalreporter.section("lapsit portal security")
    for line in LEDGER.lines():
        terminalreporter.write_line(line)


def make_accounts(settings: Settings, ref: Reference) -> None:
    engine = connect(settings)
    for name, where in ACCOUNTS.items():
        add_account(engine, ref, name, PASSWORD, **where)
    engine.dispose()


@dataclass
class Live:
    """A running portal: its base URL and settings."""

    url: str
    settings: Settings

    def client(self, name: str | None = None, **kw) -> httpx.Client:
        auth = (name, PASSWORD) if name else None
        return httpx.Client(base_url=self.url, auth=auth, timeout=60, **kw)

    @property
    def raw(self) -> Path:
        return self.settings.catalog.raw_dir


@contextmanager
def serve(settings: Settings, ref: Reference) -> Iterator[Live]:
    """The portal of `settings` under uvicorn on a free port, until the block ends."""
    app = create_app(settings, ref)
    port = free_port()
    # As `lapsit portal` runs it: proxy headers only through LAPSIT_PORTAL_PROXY (the app).
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", proxy_headers=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the portal did not start")
        time.sleep(0.05)
    try:
        yield Live(f"http://127.0.0.1:{port}", settings)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        app.state.portal.engine.dispose()


@pytest.fixture
def portal_settings(tmp_path) -> Settings:
    settings = Settings(data_dir=tmp_path / "data", max_file_bytes=2_000_000)
    settings.data_dir.mkdir()
    return settings


@pytest.fixture
def live(portal_settings, ref) -> Iterator[Live]:
    make_accounts(portal_settings, ref)
    with serve(portal_settings, ref) as running:
        yield running


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    import re

    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(live: Live, name: str, password: str = PASSWORD) -> tuple[httpx.Client, str]:
    """A browser-like client signed in through the form; and its CSRF token."""
    client = httpx.Client(base_url=live.url, timeout=60)
    token = csrf_of(client.get("/masuk").text)
    answer = client.post("/masuk", data={"nama": name, "sandi": password, "csrf": token})
    assert answer.status_code == 303, answer.text
    page = client.get("/beranda")
    assert page.status_code == 200
    return client, csrf_of(page.text)
