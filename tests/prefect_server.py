"""Start a real `prefect server start` (and workers) for a test, on a free loopback port, and always stop it."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
import pytest

STARTUP_SECONDS = 90
STOP_SECONDS = 20
PREFECT = [sys.executable, "-m", "prefect"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(home: Path, **extra: str) -> dict[str, str]:
    """This process's environment without any Prefect or lapsit setting (the harness sets some)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "LAPSIT_"))}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_LOGGING_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def tail(path: Path, lines: int = 40) -> str:
    """The last lines of a log, for a failure message."""
    if not path.exists():
        return f"({path} does not exist)"
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    return f"--- last {len(text)} lines of {path} ---\n" + "\n".join(text)


@contextmanager
def background(
    command: list, log_path: Path, stop_signal: int = signal.SIGTERM, **popen
) -> Iterator[subprocess.Popen]:
    """Run a command in its own process group, output to a log; stop the whole group on exit."""
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **popen
        )
        try:
            yield proc
        finally:
            stop_group(proc, stop_signal)


def stop_group(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Signal the process group led by `proc`, then kill what is left after STOP_SECONDS."""
    if proc.poll() is None:
        os.killpg(proc.pid, sig)  # the process and everything it started
        with suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=STOP_SECONDS)
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # children that outlived their parent
    proc.wait()


@contextmanager
def running_server(home: Path, *options: str, port: int | None = None, **env: str) -> Iterator[str]:
    """Yield the API URL of a server with its own PREFECT_HOME, in its own process group."""
    home.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    log_path = home / "server.log"
    command = [*PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port), *options]
    with background(command, log_path, env=environment(home, **env)) as proc:
        api = f"http://127.0.0.1:{port}/api"
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if proc.poll() is not None:
                pytest.fail(f"prefect server exited ({proc.returncode}):\n{tail(log_path)}")
            try:
                if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"prefect server did not start in {STARTUP_SECONDS} s:\n{tail(log_path)}"
                )
            time.sleep(0.5)
        yield api
