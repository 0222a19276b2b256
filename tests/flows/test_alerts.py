"""Alerts on rejection end to end: a real `prefect server start`, `lapsit serve`, two Polda's webhooks.

`lapsit serve` (twice: its Automations survive a restart unchanged) creates one
Automation per Polda with a webhook; `lapsit ingest` then rejects files in both
Polda and accepts others. Each Polda's local HTTP receiver must get one message
per rejection of its own Polda, naming the Polres, the file, the error count and
the error report, and nothing for accepted files or for the other Polda. The
webhook URLs never appear in any output or log, nor in the API.
"""

import asyncio
import json
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from prefect.client.orchestration import PrefectClient

from flows.alerts import AUTOMATION_PREFIX, block_name
from tests.builders import TANGGAL, bad_tabalong, valid_sections, write
from tests.prefect_server import background, environment, running_server, tail

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
LAPSIT = Path(sys.executable).parent / "lapsit"
WAIT_SECONDS = 90
# After the expected messages, how long no further message may come.
QUIET_SECONDS = 8


@contextmanager
def receiver():
    """A local HTTP receiver keeping every JSON body posted to it; yields (URL, bodies)."""
    bodies: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            bodies.append(json.loads(self.rfile.read(length)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        # A secret path: the test looks for it in every log.
        yield f"http://127.0.0.1:{server.server_port}/rahasia-{server.server_port}", bodies
    finally:
        server.shutdown()
        server.server_close()


async def _automations(api: str) -> dict:
    async with PrefectClient(api=api) as client:
        return {
            a.name: a
            for a in await client.read_automations()
            if a.name.startswith(AUTOMATION_PREFIX)
        }


def _serve_until_alerts_exist(api: str, home: Path, env: dict, data: Path, log: Path) -> dict:
    """Start `lapsit serve`, wait for its two Automations, stop it; the Automations by name."""
    command = [str(LAPSIT), "serve", "--data-dir", str(data)]
    with background(command, log, cwd=ROOT, env=env) as proc:
        deadline = time.monotonic() + WAIT_SECONDS
        while "Peringatan penolakan aktif" not in log.read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"lapsit serve made no alerts:\n{tail(log)}")
            time.sleep(0.5)
        return asyncio.run(_automations(api))


def _wait_for(bodies: list, n: int) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while len(bodies) < n and time.monotonic() < deadline:
        time.sleep(0.5)


def test_each_polda_is_alerted_once_per_rejection_of_its_own(tmp_path):
    home = tmp_path / "prefect-home"
    data = tmp_path / "data"
    write(data / "raw" / "balangan" / f"{TANGGAL}.xlsx", valid_sections())  # kalsel, accepted
    write(data / "raw" / "tabalong" / f"{TANGGAL}.json", bad_tabalong())  # kalsel, rejected
    (data / "raw" / "tabalong" / "foto.jpg").write_bytes(b"\xff\xd8\xff")  # kalsel, rejected
    (data / "raw" / "ogan-ilir" / "laporan.ods").parent.mkdir(parents=True)
    (data / "raw" / "ogan-ilir" / "laporan.ods").write_bytes(b"PK")  # sumsel, rejected

    with (
        running_server(home) as api,
        receiver() as (kalsel_url, kalsel),
        receiver() as (
            sumsel_url,
            sumsel,
        ),
    ):
        env = environment(
            home,
            PREFECT_API_URL=api,
            LAPSIT_WEBHOOK_URL_KALSEL=kalsel_url,
            LAPSIT_WEBHOOK_URL_SUMSEL=sumsel_url,
        )
        first = _serve_until_alerts_exist(api, home, env, data, tmp_path / "serve-1.log")
        again = _serve_until_alerts_exist(api, home, env, data, tmp_path / "serve-2.log")
        assert sorted(first) == [f"{AUTOMATION_PREFIX}kalsel", f"{AUTOMATION_PREFIX}sumsel"]
        # Idempotent across restarts: the same two Automations, not two more.
        assert {n: a.id for n, a in again.items()} == {n: a.id for n, a in first.items()}

        done = subprocess.run(
            [str(LAPSIT), "ingest", "--data-dir", str(data)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        _wait_for(kalsel, 2)
        _wait_for(sumsel, 1)
        time.sleep(QUIET_SECONDS)  # anything more would be a message too many

        async def secrets_shown() -> list[str]:
            async with PrefectClient(api=api) as client:
                # As the API gives it to the UI: secret values obfuscated.
                docs = [
                    await client.read_block_document_by_name(
                        block_name(p), "custom-webhook", include_secrets=False
                    )
                    for p in ("kalsel", "sumsel")
                ]
                assert all(d.data["secrets"] == {"url": "********"} for d in docs)
                return [json.dumps(d.data, default=str) for d in docs]

        blocks = asyncio.run(secrets_shown())

    texts = {
        tuple(sorted(b["pesan"] for b in bodies)): name
        for name, bodies in (("kalsel", kalsel), ("sumsel", sumsel))
    }
    assert len(kalsel) == 2 and len(sumsel) == 1, texts
    report_dir = data / "reports" / "galat"
    messages = sorted(b["pesan"] for b in kalsel)
    assert messages[0].startswith(
        f"Submisi Polres Tabalong ditolak: berkas {TANGGAL}.json, 3 kesalahan. "
        f"Laporan galat: {report_dir}/tabalong/{TANGGAL}.json."
    )
    assert messages[1].startswith(
        "Submisi Polres Tabalong ditolak: berkas foto.jpg, 1 kesalahan. "
        f"Laporan galat: {report_dir}/tabalong/foto.jpg."
    )
    assert all(b["judul"] == "Submisi ditolak: Polres Tabalong" for b in kalsel)
    (only,) = sumsel
    assert only["pesan"].startswith(
        "Submisi Polres Ogan Ilir ditolak: berkas laporan.ods, 1 kesalahan."
    )
    # No cell value (the wrong kecamatan, the NRP) in any message.
    assert not [b for b in kalsel if "63.11.06" in b["pesan"] or "234" in b["pesan"]]
    # The webhook URLs are secrets: not in any output, log, or the blocks the API shows.
    shown = [
        (tmp_path / "serve-1.log").read_text(errors="replace"),
        (tmp_path / "serve-2.log").read_text(errors="replace"),
        (home / "server.log").read_text(errors="replace"),
        done.stdout,
        done.stderr,
        *blocks,
    ]
    for url in (kalsel_url, sumsel_url):
        secret = url.rsplit("/", 1)[1]
        assert not [text for text in shown if secret in text]
