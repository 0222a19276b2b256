"""Validation spread over a Dask cluster gives the same tables as the default runner.

The cluster is a real `distributed.LocalCluster`: a scheduler on 127.0.0.1 and two
worker processes (spawned), reached by address as an existing cluster would be.
"""

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dask
import polars as pl
import pytest
from distributed import Client, LocalCluster
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter

from flows.cli import main
from flows.ingest import ingest_flow
from lapsit.catalog import section_tables, table
from lapsit.demo import season
from lapsit.ingest import discover, spread
from lapsit.ingest.records import Delivery, Outcome
from lapsit.storage import delta
from lapsit.storage.registry import read_registry
from schemas.choices import DITERIMA

# Files per commit batch and per validation chunk in these runs: several of each.
BATCH, CHUNK = 60, 16


def _deliveries(n: int) -> list[Delivery]:
    return [Delivery(f"/x/{i}", f"p/{i}", "p", 1, i) for i in range(n)]


def test_spread_keeps_the_order_and_yields_whole_batches():
    batches = discover.batches_of(_deliveries(23), 10)  # 10, 10, 3
    live, most = [0], [0]  # chunks submitted and not yet collected

    def validate(chunk):
        time.sleep(0.01 * (len(chunk) % 3))  # chunks finish out of order
        return [Outcome(d, DITERIMA) for d in chunk]

    class Counted:
        def __init__(self, future):
            self.future = future

        def result(self):
            live[0] -= 1
            return self.future.result()

    with ThreadPoolExecutor(4) as pool:

        def submit(chunk):
            live[0] += 1
            most[0] = max(most[0], live[0])
            return Counted(pool.submit(validate, chunk))

        got = [
            [o.delivery.rel for o in outcomes]
            for outcomes in spread.spread(submit, batches, chunk_files=4, in_flight=3)
        ]
    assert got == [[d.rel for d in batch] for batch in batches]
    assert most[0] == 3


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as local:
        yield local


def _season(root: Path) -> Path:
    data = root / "data"
    season.generate(data / "raw")
    return data


def _tables(data: Path) -> dict[str, pl.DataFrame]:
    """Every curated table, with the columns only a run's clock sets left out, sorted."""
    frames = {t.name: delta.read(t) for t in section_tables(data / "curated")}
    frames["submisi"] = read_registry(data / "curated").drop("diproses_pada")
    return {name: frame.sort(frame.columns) for name, frame in frames.items()}


async def _task_run_names(flow_run_id) -> list[str]:
    async with get_client() as client:
        tasks = await client.read_task_runs(
            flow_run_filter=FlowRunFilter(id={"any_": [flow_run_id]})
        )
        return [t.name for t in tasks]


def _executed(client: Client) -> int:
    return sum(client.run(lambda dask_worker: dask_worker.state.executed_count).values())


@pytest.mark.slow
def test_dask_runner_gives_the_same_tables_as_the_default(
    prefect_harness, cluster, tmp_path, monkeypatch
):
    monkeypatch.setenv("LAPSIT_BATCH_FILES", str(BATCH))
    monkeypatch.setenv("LAPSIT_DASK_CHUNK_FILES", str(CHUNK))
    plain, spread = _season(tmp_path / "plain"), _season(tmp_path / "dask")
    ingest_flow(data_dir=str(plain))
    with Client(cluster.scheduler_address) as client:
        before = _executed(client)
        state = ingest_flow(
            data_dir=str(spread),
            task_runner="dask",
            dask_address=cluster.scheduler_address,
            return_state=True,
        )
        summary = state.result()
        ran_on_workers = _executed(client) - before

    expected, got = _tables(plain), _tables(spread)
    assert expected["submisi"].height > BATCH * 2  # several batches
    assert set(expected["submisi"]["status"]) == {"diterima", "ditolak", "digantikan", "duplikat"}
    for name, frame in expected.items():
        assert got[name].equals(frame), name
    # The error reports written for the rejected files are the same files too.
    reports = sorted(p.relative_to(plain) for p in (plain / "reports").rglob("*") if p.is_file())
    assert reports and reports == sorted(
        p.relative_to(spread) for p in (spread / "reports").rglob("*") if p.is_file()
    )

    # Every validation chunk was a Prefect task run of this flow run, executed on a worker.
    names = asyncio.run(_task_run_names(state.state_details.flow_run_id))
    chunks = sum(
        -(-len(batch) // CHUNK)
        for batch in discover.batches_of(
            [o for o in summary.outcomes if o.status != "duplikat"], BATCH
        )
    )
    validations = [n for n in names if n.startswith("validate_submissions")]
    assert len(validations) == chunks > 2
    assert ran_on_workers == chunks


@pytest.mark.slow
def test_nightly_cli_takes_the_dask_address(prefect_harness, cluster, tmp_path):
    data = _season(tmp_path)
    code = main(
        [
            "nightly",
            "--data-dir",
            str(data),
            "--date",
            "2024-11-27",
            "--polda",
            "kalsel",
            "--dask-address",
            cluster.scheduler_address,
        ]
    )
    assert code == 0
    accepted = read_registry(data / "curated").filter(pl.col("status") == "diterima")
    rows = delta.read(table(data / "curated", "pengamanan"))
    assert rows["id_submisi"].unique().sort().equals(accepted["id_submisi"].unique().sort())
    assert (data / "reports" / "kalsel" / "2024-11-27").is_dir()


@pytest.mark.slow
def test_an_unreachable_cluster_fails_the_ingest_with_a_clear_error(
    prefect_harness, tmp_path, capsys
):
    data = _season(tmp_path)
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        code = main(["ingest", "--data-dir", str(data), "--dask-address", "tcp://127.0.0.1:9"])
    assert code == 3
    err = capsys.readouterr().err
    assert "Klaster Dask tcp://127.0.0.1:9 tidak dapat dihubungi" in err
    # Nothing was committed: the files are new again for the next run.
    assert read_registry(data / "curated").height == 0


def test_a_dask_address_needs_the_dask_runner(tmp_path, capsys):
    code = main(
        [
            "ingest",
            "--data-dir",
            str(tmp_path),
            "--task-runner",
            "default",
            "--dask-address",
            "tcp://127.0.0.1:8786",
        ]
    )
    assert code == 2
    assert "--dask-address hanya dipakai dengan --task-runner dask" in capsys.readouterr().err
