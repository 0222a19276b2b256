"""docs/deploy.md section 1 for real: a Prefect server on PostgreSQL, two workers in one work pool.

A throwaway PostgreSQL cluster (Debian's `postgresql` package; `.ci/run` installs
it) runs on a temporary directory and a free loopback port, as the `postgres`
system user when the tests run as root (PostgreSQL refuses root), else as the
current user. `prefect server start` keeps its state in it through asyncpg.
Then, as the docs say: `prefect work-pool create lapsit --type process`,
`prefect deploy` of the repository's own `prefect.yaml` (only `ingest/lapsit`,
pointed at a temporary copy of the committed inboxes), two
`prefect worker start --pool lapsit` in the repository folder, and two runs of
`ingest/lapsit` created at once through the API.

Checked: both runs complete, one after the other (the deployment's
concurrency limit of one, ENQUEUE), the tables equal two plain `run_ingest`
calls on the same inputs, and the runs are rows of PostgreSQL's `flow_run`
table. Which worker takes which run is up to the workers, so it is not checked.
"""

import asyncio
import json
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.objects import ConcurrencyLimitStrategy, FlowRun
from prefect.deployments.flow_runs import arun_deployment

from lapsit.catalog import REGISTRY, section_tables, table
from lapsit.ingest import verdicts
from lapsit.ingest.run import run_ingest
from lapsit.reference import load_reference
from lapsit.settings import Settings
from lapsit.storage import delta
from tests.prefect_server import PREFECT, background, environment, free_port, running_server, tail

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
POOL = "lapsit"
DEPLOYMENT = "ingest/lapsit"  # flow name / deployment name, as the API and the UI know it
# `prefect deploy --name` picks a prefect.yaml entry by the entrypoint's *function* name.
DEPLOY_NAME = "ingest_flow/lapsit"
WORKERS = ("pekerja-a", "pekerja-b")
PASSWORD = "rahasia-uji"  # a throwaway cluster on loopback, removed after the test
POSTGRES_START_SECONDS = 30
CLI_SECONDS = 120
WORKERS_SECONDS = 60
RUNS_SECONDS = 240
# Superuser over the cluster's own socket without a password; `prefect` over TCP with one.
AUTH = ("--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync")


# --- PostgreSQL ---------------------------------------------------------------------------------


def postgres_bindir() -> Path | None:
    """Where initdb is: on PATH, else Debian's /usr/lib/postgresql/<version>/bin (newest first)."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
        reverse=True,
    )
    return debian[0].parent if debian else None


@dataclass(frozen=True)
class Postgres:
    bindir: Path
    port: int
    log: Path

    @property
    def url(self) -> str:
        """What PREFECT_API_DATABASE_CONNECTION_URL is set to (docs/deploy.md)."""
        return f"postgresql+asyncpg://prefect:{PASSWORD}@127.0.0.1:{self.port}/prefect"

    def connect(self, host: str | Path, user: str) -> list:
        """psql, stopping at the first error, connected to the cluster as `user`."""
        where = ["-h", host, "-p", str(self.port), "-U", user]
        return [self.bindir / "psql", *where, "-X", "-v", "ON_ERROR_STOP=1"]

    def sql(self, query: str) -> str:
        """Run one query with psql as the `prefect` role, over TCP with its password."""
        done = subprocess.run(
            [*self.connect("127.0.0.1", "prefect"), "-d", "prefect", "-A", "-t", "-c", query],
            env={**os.environ, "PGPASSWORD": PASSWORD},
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 0, f"psql failed: {done.stderr}\n{tail(self.log)}"
        return done.stdout.strip()


def _as_cluster_owner() -> dict:
    """Popen arguments that run PostgreSQL's programs as `postgres` when we are root."""
    if os.geteuid() != 0:
        return {}
    try:
        owner = pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail("running as root, but there is no `postgres` user to run PostgreSQL as")
    return {
        "user": owner.pw_uid,
        "group": owner.pw_gid,
        "extra_groups": [],
        "env": {**os.environ, "HOME": owner.pw_dir, "USER": "postgres", "LOGNAME": "postgres"},
    }


def _run(command: list, log: Path, **popen) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=CLI_SECONDS, **popen)
    if done.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, command))} failed:\n{done.stdout}\n{done.stderr}\n{tail(log)}"
        )


@contextmanager
def postgres_cluster(logs: Path) -> Iterator[Postgres]:
    """initdb + postgres on a temporary directory and a free loopback port; stopped and removed."""
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip(
            "PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql/*/bin); "
            "`apt-get install postgresql` (as .ci/run does) to run this test"
        )
    owner = _as_cluster_owner()
    # A short path of our own (the socket path must stay under 107 bytes), owned by the
    # cluster's user: pytest's tmp_path is private to root when running as root.
    base = Path(tempfile.mkdtemp(prefix="lapsit-pg-"))
    try:
        if owner:
            os.chown(base, owner["user"], owner["group"])
        data = base / "data"
        port = free_port()
        pg = Postgres(bindir, port, logs / "postgres.log")
        _run(
            [bindir / "initdb", "-D", data, "-U", "postgres", "-E", "UTF8", "--no-locale", *AUTH],
            pg.log,
            cwd=base,
            **owner,
        )
        server = [bindir / "postgres", "-D", data, "-p", str(port), "-k", base]
        server += ["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]
        # SIGINT is PostgreSQL's fast shutdown (SIGTERM would wait for every client to leave).
        with background(server, pg.log, signal.SIGINT, cwd=base, **owner) as proc:
            ready = [bindir / "pg_isready", "-h", base, "-p", str(port), "-U", "postgres"]
            deadline = time.monotonic() + POSTGRES_START_SECONDS
            while subprocess.run(ready, capture_output=True).returncode != 0:
                if proc.poll() is not None:
                    pytest.fail(f"postgres exited ({proc.returncode}):\n{tail(pg.log)}")
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"postgres not ready in {POSTGRES_START_SECONDS} s:\n{tail(pg.log)}"
                    )
                time.sleep(0.2)
            # The docs' `createuser --pwprompt prefect` and `createdb --owner prefect prefect`,
            # as the superuser over the cluster's own socket.
            role = f"CREATE ROLE prefect LOGIN PASSWORD '{PASSWORD}'"
            _run([*pg.connect(base, "postgres"), "-c", role], pg.log)
            local = ["-h", base, "-p", str(port), "-U", "postgres"]
            _run([bindir / "createdb", *local, "--owner", "prefect", "prefect"], pg.log)
            yield pg
    finally:
        shutil.rmtree(base, ignore_errors=True)


# --- Prefect ------------------------------------------------------------------------------------


def _prefect(args: list[str], env: dict, logs: list[Path]) -> str:
    """One `prefect` CLI call in the repository folder; fails the test with the logs' tails."""
    done = subprocess.run(
        [*PREFECT, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=CLI_SECONDS
    )
    if done.returncode != 0:
        tails = "\n".join(tail(p) for p in logs)
        pytest.fail(f"prefect {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}\n{tails}")
    return done.stdout


async def _wait_for_workers(api: str, procs: dict, logs: list[Path]) -> set[str]:
    deadline = time.monotonic() + WORKERS_SECONDS
    async with PrefectClient(api=api) as client:
        while True:
            names = {w.name for w in await client.read_workers_for_work_pool(POOL)}
            if names >= set(WORKERS):
                return names
            dead = {n: p.returncode for n, p in procs.items() if p.poll() is not None}
            if dead or time.monotonic() > deadline:
                tails = "\n".join(tail(p) for p in logs)
                pytest.fail(f"workers registered: {names}, exited: {dead}\n{tails}")
            await asyncio.sleep(0.5)


async def _run_twice_at_once(api: str, procs: dict, logs: list[Path]) -> list[FlowRun]:
    """Create two runs of the deployment together, then wait until both are final."""
    async with PrefectClient(api=api) as client:
        created = await asyncio.gather(
            *(arun_deployment(DEPLOYMENT, client=client, timeout=0) for _ in range(2))
        )
        deadline = time.monotonic() + RUNS_SECONDS
        while True:
            runs = [await client.read_flow_run(r.id) for r in created]
            if all(r.state is not None and r.state.is_final() for r in runs):
                return runs
            dead = {n: p.returncode for n, p in procs.items() if p.poll() is not None}
            if dead or time.monotonic() > deadline:
                states = [(str(r.id), r.state.name if r.state else None) for r in runs]
                tails = "\n".join(tail(p) for p in logs)
                pytest.fail(
                    f"runs not final after {RUNS_SECONDS} s: {states}, exited: {dead}\n{tails}"
                )
            await asyncio.sleep(1)


async def _read_deployment_and_states(api: str, runs: list[FlowRun]) -> tuple:
    async with PrefectClient(api=api) as client:
        deployment = await client.read_deployment_by_name(DEPLOYMENT)
        states = [[s.name for s in await client.read_flow_run_states(r.id)] for r in runs]
    return deployment, states


# --- the test -----------------------------------------------------------------------------------


def _copy_inputs(data: Path, demo_raw: Path) -> None:
    """The demo season's inboxes (copy2 keeps the modification times)."""
    shutil.copytree(demo_raw, data / "raw")


def _tables(data: Path) -> dict[str, pl.DataFrame]:
    curated_dir = Settings(data_dir=data).catalog.curated_dir
    frames = {REGISTRY: delta.read(table(curated_dir, REGISTRY)).drop("diproses_pada")}
    frames.update({t.name: delta.read(t) for t in section_tables(curated_dir)})
    return {name: df.sort(df.columns) for name, df in frames.items()}


def test_two_workers_on_a_postgres_server_run_ingest_one_at_a_time(tmp_path, demo_raw):
    logs = tmp_path / "logs"
    logs.mkdir()
    data = tmp_path / "data"
    _copy_inputs(data, demo_raw)

    with ExitStack() as stack:
        pg = stack.enter_context(postgres_cluster(logs))
        server_home = tmp_path / "server"
        api = stack.enter_context(
            running_server(
                server_home,
                PREFECT_API_DATABASE_CONNECTION_URL=pg.url,
                # A run held back by the concurrency limit is tried again after this (default 30 s).
                PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS="2",
            )
        )
        all_logs = [server_home / "server.log", pg.log]
        client_env = environment(tmp_path / "client", PREFECT_API_URL=api)
        _prefect(["work-pool", "create", POOL, "--type", "process"], client_env, all_logs)

        procs = {}
        for name in WORKERS:
            log = logs / f"{name}.log"
            all_logs.append(log)
            env = environment(
                tmp_path / name,
                PREFECT_API_URL=api,
                PREFECT_LOGGING_LEVEL="INFO",
                PREFECT_WORKER_QUERY_SECONDS="1",  # default 10: poll often, keep the test short
            )
            command = [*PREFECT, "worker", "start", "--pool", POOL, "--name", name]
            procs[name] = stack.enter_context(background(command, log, cwd=ROOT, env=env))

        # The repository's prefect.yaml, only the ingest deployment, on the test's data dir.
        params = json.dumps({"data_dir": str(data)})
        deploy = ["deploy", "--no-prompt", "--name", DEPLOY_NAME, "--params", params]
        _prefect(deploy, client_env, all_logs)
        assert set(asyncio.run(_wait_for_workers(api, procs, all_logs))) == set(WORKERS)

        runs = asyncio.run(_run_twice_at_once(api, procs, all_logs))
        deployment, states = asyncio.run(_read_deployment_and_states(api, runs))
        stored = pg.sql(
            "SELECT count(*), string_agg(DISTINCT state_type::text, ',') FROM flow_run "
            f"WHERE deployment_id = '{deployment.id}'"
        )

    # The deployment is prefect.yaml's: concurrency limit 1, ENQUEUE, runs start in the repository.
    assert deployment.work_pool_name == POOL
    assert deployment.parameters == {"data_dir": str(data)}
    assert deployment.global_concurrency_limit.limit == 1
    assert deployment.concurrency_options.collision_strategy == ConcurrencyLimitStrategy.ENQUEUE
    assert {"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT)}} in (
        deployment.pull_steps
    )

    # Both completed, one after the other: the second started only once the first had ended.
    assert [r.state.type.value for r in runs] == ["COMPLETED", "COMPLETED"], states
    by_start = sorted(zip(runs, states, strict=True), key=lambda pair: pair[0].start_time)
    (first, _), (second, second_states) = by_start
    assert first.end_time <= second.start_time, (first.end_time, second.start_time, states)
    # ... because the server held it back, not by chance: the workers poll every second and a
    # run takes several, so the second run was offered while the first held the only slot.
    assert "AwaitingConcurrencySlot" in second_states, states

    # The tables equal two plain runs on one machine over the same inputs.
    plain = tmp_path / "plain"
    _copy_inputs(plain, demo_raw)
    settings = Settings(data_dir=plain)
    ref = load_reference(settings.catalog.reference_dir)
    messages = [
        f"Ingest selesai: {verdicts.counts_message(run_ingest(settings, ref).totals())}"
        for _ in range(2)
    ]
    assert [first.state.message, second.state.message] == messages
    expected, got = _tables(plain), _tables(data)
    assert set(got) == set(expected)
    for name, frame in expected.items():
        try:
            assert_frame_equal(got[name], frame)
        except AssertionError as differs:
            raise AssertionError(f"table {name} differs from the plain run: {differs}") from None
    assert expected[REGISTRY].height > 0

    # The server kept them in PostgreSQL.
    assert stored == "2|COMPLETED", stored
