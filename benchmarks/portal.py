"""`python -m benchmarks.portal [--files N]`: the time of a verdict through the portal's API.

A portal on a temporary data dir under uvicorn (as `lapsit portal` runs it) on a free
loopback port; one operator account per Polres of Polda Kalsel; the demo season's files
of one day (workbooks and JSON, valid and not) posted one after the other over HTTP. The
time of each POST (receive, store, validate, audit, answer) is measured by the client.
"""

import argparse
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from lapsit.demo.season import generate
from lapsit.portal.accounts import add_account
from lapsit.portal.app import create_app
from lapsit.portal.db import connect
from lapsit.reference import load_reference
from lapsit.settings import Settings

PASSWORD = "sandi-tolok-ukur"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.portal", description=__doc__)
    parser.add_argument("--files", type=int, default=60)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        season = Path(tmp) / "musim"
        files = sorted(p for p in generate(season) if p.suffix in (".xlsx", ".json"))
        files = files[: args.files]
        settings = Settings(data_dir=Path(tmp) / "data")
        settings.data_dir.mkdir()
        ref = load_reference(settings.catalog.reference_dir)
        engine = connect(settings)
        for kode in {p.parent.name for p in files}:
            add_account(engine, ref, f"op-{kode}", PASSWORD, kode_polres=kode)
        started = time.perf_counter()
        app = create_app(settings, ref)
        startup = time.perf_counter() - started
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        times, sizes = [], []
        try:
            for path in files:
                auth = (f"op-{path.parent.name}", PASSWORD)
                with httpx.Client(base_url=f"http://127.0.0.1:{port}", auth=auth) as client:
                    data = path.read_bytes()
                    t0 = time.perf_counter()
                    answer = client.post("/api/v1/submisi", files={"berkas": (path.name, data)})
                    times.append(time.perf_counter() - t0)
                    sizes.append(len(data))
                    assert answer.status_code == 200, answer.text
        finally:
            server.should_exit = True
            thread.join()
    ms = sorted(t * 1000 for t in times)
    print(f"portal start (reference, database, warm-up): {startup:.1f} s")
    print(
        f"{len(ms)} verdicts over HTTP, files of {min(sizes):,}-{max(sizes):,} bytes: "
        f"median {statistics.median(ms):.0f} ms, p95 {ms[int(len(ms) * 0.95) - 1]:.0f} ms, "
        f"max {ms[-1]:.0f} ms"
    )
    print("(each POST includes one argon2 password check of about 50-100 ms: HTTP Basic)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
