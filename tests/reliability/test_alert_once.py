"""A rejection's event goes out once per file, across real crashes (SIGKILL) and reruns.

Against a real `prefect server start`, an ingest process kills itself (1) after
the registry recorded its batch and before any rejection was announced, and
(2) right after its rejections were announced (their Failed runs and events
sent) but before its outbox forgot them. After each, a plain `lapsit ingest`
reruns; the server must then hold exactly one `lapsit.submisi.ditolak` event
per rejected file (none lost in case 1, none doubled in case 2) and the
outbox must be empty.
"""

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from prefect.client.orchestration import PrefectClient
from prefect.events.filters import EventFilter, EventNameFilter

from lapsit.storage.registry import read_registry
from tests.builders import TANGGAL, bad_tabalong, valid_sections, write
from tests.prefect_server import environment, running_server

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
LAPSIT = Path(sys.executable).parent / "lapsit"
# The server records events from its event stream, a few seconds behind.
SETTLE_SECONDS = 8

CRASH_BEFORE_ANNOUNCING = """
import os, signal, sys
import flows.ingest
flows.ingest.announce = lambda rejections: os.kill(os.getpid(), signal.SIGKILL)
flows.ingest.ingest_flow(data_dir=sys.argv[1])
"""
CRASH_AFTER_ANNOUNCING = """
import os, signal, sys
import flows.ingest
announce = flows.ingest.announce
def announce_then_die(rejections):
    announce(rejections)
    os.kill(os.getpid(), signal.SIGKILL)
flows.ingest.announce = announce_then_die
flows.ingest.ingest_flow(data_dir=sys.argv[1])
"""


async def _events_per_file(api: str) -> dict[str, int]:
    async with PrefectClient(api=api) as client:
        page = await client.read_events(
            filter=EventFilter(event=EventNameFilter(name=["lapsit.submisi.ditolak"])),
            limit=50,
        )
        counts: dict[str, int] = {}
        for event in page.events:
            counts[event.payload["path"]] = counts.get(event.payload["path"], 0) + 1
        return counts


def _deliver_rejections(data: Path, day: str) -> list[str]:
    """A rejected JSON and a rejected picture for `day`, and an accepted workbook."""
    write(
        data / "raw" / "balangan" / f"{day}.xlsx",
        valid_sections(tanggal=TANGGAL.replace(day=int(day[-2:]))),
    )
    bad = bad_tabalong()
    bad["kejadian"][0]["uraian"] = f"Kejadian hari {day}."
    write(data / "raw" / "tabalong" / f"{day}.json", bad)
    (data / "raw" / "tabalong" / f"foto-{day}.jpg").write_bytes(day.encode())
    return [f"tabalong/{day}.json", f"tabalong/foto-{day}.jpg"]


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)


def test_a_crash_around_the_announcements_never_loses_or_doubles_an_event(tmp_path):
    home = tmp_path / "prefect-home"
    data = tmp_path / "data"
    outbox = data / "curated" / ".ditolak-tertunda"
    with running_server(home) as api:
        env = environment(home, PREFECT_API_URL=api)
        expected: dict[str, int] = {}
        for day, child in (
            ("2024-11-19", CRASH_BEFORE_ANNOUNCING),
            ("2024-11-20", CRASH_AFTER_ANNOUNCING),
        ):
            files = _deliver_rejections(data, day)
            crashed = _run([sys.executable, "-c", child, str(data)], env)
            assert crashed.returncode == -signal.SIGKILL, crashed.stderr[-3000:]
            # The registry recorded the batch; the outbox still holds its rejections.
            registered = set(read_registry(data / "curated")["path"])
            assert set(files) <= registered
            assert len(list(outbox.glob("*.json"))) == 1

            rerun = _run([str(LAPSIT), "ingest", "--data-dir", str(data)], env)
            assert rerun.returncode == 0, rerun.stderr[-3000:]
            assert list(outbox.glob("*.json")) == []
            expected |= {f: 1 for f in files}
            time.sleep(SETTLE_SECONDS)
            assert asyncio.run(_events_per_file(api)) == expected, day
