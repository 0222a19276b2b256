"""The curated tables on S3-compatible storage: the same tables, reports and checks as on disk.

moto's S3 server is the object store, in a process of its own on a free
loopback port (in this process it would deadlock: some delta-rs calls, e.g.
`DeltaTable.is_deltatable` and `history`, hold the GIL while they wait for
the server's answer). Every test writes under its own prefix of one bucket
and compares what it reads back from S3 with a local run of the same inputs.
"""

import datetime as dt
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import boto3
import httpx
import polars as pl
import pytest
from deltalake.exceptions import CommitFailedError
from polars.testing import assert_frame_equal

from flows.cli import main
from lapsit.catalog import REGISTRY, Location, Slice, section_tables, table
from lapsit.demo.files import stamp
from lapsit.errors import StorageError
from lapsit.ingest.run import run_ingest
from lapsit.quality import gate, tables
from lapsit.report.build import build_polda_reports
from lapsit.report.data import load, registry_versions
from lapsit.report.render import render_html, render_markdown
from lapsit.settings import Settings
from lapsit.storage import delta, maintenance
from lapsit.storage.registry import read_registry
from tests.builders import TANGGAL, valid_sections, write
from tests.prefect_server import environment, free_port

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "lapsit"
NOW = dt.datetime(2024, 11, 28, 14, 0, tzinfo=dt.UTC)
VOTING_DAY = dt.date(2024, 11, 27)
STARTUP_SECONDS = 30


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    """moto's S3 server on a free loopback port, with one bucket; stopped after the module."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # werkzeug logs every request there
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                httpx.get(f"{url}/moto-api/", timeout=1)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"moto server did not start (exit code {proc.poll()})")
                time.sleep(0.2)
        _s3(url).create_bucket(Bucket=BUCKET)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _s3(url: str):
    return boto3.client(
        "s3",
        endpoint_url=url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )


def storage_options(url: str) -> dict[str, str]:
    return {
        "AWS_ENDPOINT_URL": url,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": "us-east-1",
        "AWS_ALLOW_HTTP": "true",
    }


def on_s3(data_dir: Path, url: str, prefix: str) -> Settings:
    """Settings whose curated tables are `s3://lapsit/<prefix>/curated`."""
    return Settings(
        data_dir=data_dir,
        curated_uri=f"s3://{BUCKET}/{prefix}/curated",
        storage_options=storage_options(url),
    )


def keys(url: str, prefix: str) -> list[str]:
    """Every object key under a prefix of the bucket."""
    pages = _s3(url).get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


def local_files(settings: Settings) -> list[str]:
    """What the run left in the local `curated/` folder."""
    folder = settings.catalog.curated_dir
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def canonical(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows in a fixed order (by every column that can be sorted), without `diproses_pada`."""
    frame = frame.drop("diproses_pada", strict=False)
    order = [c for c, d in frame.schema.items() if not isinstance(d, pl.List | pl.Struct)]
    return frame.sort(order, nulls_last=True)


def assert_same_tables(s3: Settings, local: Settings) -> None:
    """Every section table and the registry read back from S3 equal the local ones."""
    for t3, tl in zip(
        section_tables(s3.catalog.tables), section_tables(local.catalog.curated_dir), strict=True
    ):
        assert t3.uri.startswith("s3://") and not tl.uri.startswith("s3://")
        there, here = delta.read(t3), delta.read(tl)
        assert (there is None) == (here is None), t3.name
        if here is not None:
            assert here.height > 0
            assert_frame_equal(canonical(there), canonical(here))
    there = read_registry(s3.catalog.tables)
    assert there.height > 0
    assert_frame_equal(canonical(there), canonical(read_registry(local.catalog.curated_dir)))


def deliver(settings: Settings, rel: str, sections: dict, at: dt.time) -> Path:
    """Write a submission into an inbox, delivered on its report date at a local (WITA) time."""
    path = write(settings.catalog.raw_dir / rel, sections)
    stamp(path, dt.datetime.combine(sections["laporan"]["tanggal"], at), "Asia/Makassar")
    return path


def tabalong(day: dt.date = TANGGAL) -> dict:
    """A valid Tabalong report: the builders' one moved to two Tabalong kecamatan."""
    sections = valid_sections("tabalong", day)
    sections["pengamanan"] = [
        {**row, "kode_kecamatan": code, "nama_kecamatan": None}
        for row, code in zip(sections["pengamanan"], ("63.09.01", "63.09.02"), strict=True)
    ]
    sections.pop("kejadian")
    return sections


def copy_sample(settings: Settings, demo_raw: Path) -> None:
    """The demo season into the inboxes (copytree keeps the delivery times)."""
    shutil.copytree(demo_raw, settings.catalog.raw_dir)


@pytest.fixture(scope="module")
def local_run(ref, tmp_path_factory, demo_raw) -> Settings:
    """The committed sample ingested into local Delta tables."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("local") / "data")
    copy_sample(settings, demo_raw)
    run_ingest(settings, ref, now=NOW)
    return settings


@pytest.fixture(scope="module")
def s3_run(ref, endpoint, tmp_path_factory, demo_raw) -> Settings:
    """The committed sample ingested into `s3://lapsit/sample/curated`."""
    settings = on_s3(tmp_path_factory.mktemp("s3") / "data", endpoint, "sample")
    copy_sample(settings, demo_raw)
    run_ingest(settings, ref, now=NOW)
    return settings


# --- settings and catalog ------------------------------------------------------------------------


def test_settings_read_the_uri_and_storage_options_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LAPSIT_CURATED_URI", "s3://lapsit/curated/")
    monkeypatch.setenv(
        "LAPSIT_STORAGE_OPTIONS", json.dumps({"AWS_SECRET_ACCESS_KEY": "rahasia-sekali"})
    )
    settings = Settings(data_dir=tmp_path)
    assert settings.curated_uri == "s3://lapsit/curated/"
    assert settings.storage_options == {"AWS_SECRET_ACCESS_KEY": "rahasia-sekali"}
    t = table(settings.catalog.tables, "pengamanan")
    assert t.uri == "s3://lapsit/curated/pengamanan"
    assert t.storage_options == {"AWS_SECRET_ACCESS_KEY": "rahasia-sekali"}
    # Credentials never show in a repr (Prefect and error messages print those).
    for shown in (repr(settings), repr(settings.catalog.tables), repr(t)):
        assert "rahasia-sekali" not in shown
    # The lock stays in the local folder.
    assert settings.catalog.curated_dir == tmp_path / "curated"


def test_local_tables_are_where_they_always_were(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    assert settings.curated_uri is None and settings.storage_options == {}
    assert settings.catalog.tables == Location(str(tmp_path / "data" / "curated"))
    for name in ("pengamanan", REGISTRY):
        by_location = table(settings.catalog.tables, name)
        assert by_location == table(settings.catalog.curated_dir, name)
        assert by_location.uri == str(settings.catalog.curated_dir / name)
        assert by_location.storage_options is None


# --- ingest, rerun, correction -------------------------------------------------------------------


def test_the_sample_ingested_on_s3_equals_a_local_run(s3_run, local_run, endpoint):
    assert_same_tables(s3_run, local_run)
    stored = keys(endpoint, "sample/curated/")
    for name in ("pengamanan", "satgas", "kejadian", "netralitas", "kesiapan", REGISTRY):
        assert f"sample/curated/{name}/_delta_log/00000000000000000000.json" in stored
    # Partitioned as on disk: one prefix per Polda, election and stage.
    assert any(
        k.startswith("sample/curated/pengamanan/kode_polda=kalsel/kode_pemilihan=pilkada-2024/")
        for k in stored
    )
    # Nothing but the lock reached the local curated folder; error reports stay local.
    assert local_files(s3_run) == [".ingest.lock"]
    assert sorted(p.name for p in (s3_run.catalog.errors_dir).rglob("*.md")) == sorted(
        p.name for p in (local_run.catalog.errors_dir).rglob("*.md")
    )


def test_a_rerun_on_s3_commits_nothing(s3_run, ref, endpoint):
    tables = [*section_tables(s3_run.catalog.tables), table(s3_run.catalog.tables, REGISTRY)]
    before = {t.name: delta.version(t) for t in tables}
    stored = keys(endpoint, "sample/curated/")
    summary = run_ingest(s3_run, ref)
    files = [p for p in s3_run.catalog.raw_dir.rglob("*") if p.is_file()]
    assert summary.outcomes == [] and sum(summary.skipped.values()) == len(files)
    assert {t.name: delta.version(t) for t in tables} == before
    assert keys(endpoint, "sample/curated/") == stored


def test_a_superseding_correction_replaces_the_slice_on_s3(ref, endpoint, tmp_path):
    s3 = on_s3(tmp_path / "s3", endpoint, "koreksi")
    here = Settings(data_dir=tmp_path / "local")
    first = valid_sections("balangan")
    correction = valid_sections("balangan")
    correction["laporan"]["dibuat_pada"] = dt.datetime.combine(TANGGAL, dt.time(19, 45))
    correction["pengamanan"] = correction["pengamanan"][:1]
    correction["pengamanan"][0]["personel_polri"] = 99
    for settings in (s3, here):
        deliver(settings, f"balangan/{TANGGAL}.xlsx", first, dt.time(19))
        deliver(settings, f"tabalong/{TANGGAL}.json", tabalong(), dt.time(19, 10))
        assert {o.status for o in run_ingest(settings, ref).outcomes} == {"diterima"}
        deliver(settings, f"balangan/{TANGGAL}-revisi.json", correction, dt.time(19, 50))
        (out,) = run_ingest(settings, ref).outcomes
        assert out.status == "diterima"

    rows = delta.read(table(s3.catalog.tables, "pengamanan"))
    balangan = rows.filter(pl.col("kode_polres") == "balangan")
    assert balangan["personel_polri"].to_list() == [99]
    assert balangan["id_submisi"].to_list() == [out.delivery.sha256]
    assert rows.filter(pl.col("kode_polres") == "tabalong").height == 2  # other slices kept
    registry = read_registry(s3.catalog.tables)
    old = registry.filter(pl.col("path") == f"balangan/{TANGGAL}.xlsx").row(0, named=True)
    assert (old["status"], old["digantikan_oleh"]) == ("digantikan", out.delivery.sha256)
    assert registry_versions(s3.catalog.tables) == [0, 1]
    assert_same_tables(s3, here)
    assert local_files(s3) == [".ingest.lock"]


# --- report, maintenance, quality gate -----------------------------------------------------------


def test_the_report_over_s3_equals_the_local_one(s3_run, local_run, ref):
    there = load(s3_run.catalog.tables)
    here = load(local_run.catalog.curated_dir)
    assert there.versions == here.versions
    for day in (VOTING_DAY, dt.date(2024, 11, 20)):
        from_s3 = build_polda_reports(there, ref, s3_run, "kalsel", day, now=NOW)
        from_disk = build_polda_reports(here, ref, local_run, "kalsel", day, now=NOW)
        assert len(from_s3) == len(from_disk) > 1  # the Polda's and each Polres's
        assert from_s3[0].angka["personel_polri"]["nilai"] > 0
        for a, b in zip(from_s3, from_disk, strict=True):
            assert render_html(a) == render_html(b)
            assert render_markdown(a) == render_markdown(b)
    # Time travel reads the registry's history from S3 too.
    old = load(s3_run.catalog.tables, as_of_version=0)
    assert old.versions[REGISTRY] == 0
    assert registry_versions(s3_run.catalog.tables) == registry_versions(
        local_run.catalog.curated_dir
    )


def _parquet_files(url: str, prefix: str) -> int:
    return sum(k.endswith(".parquet") for k in keys(url, prefix))


def test_maintenance_compacts_and_vacuums_on_s3(ref, endpoint, tmp_path):
    settings = on_s3(tmp_path / "data", endpoint, "pemeliharaan")
    for day in (TANGGAL, TANGGAL + dt.timedelta(days=1), TANGGAL + dt.timedelta(days=2)):
        write(
            settings.catalog.raw_dir / "balangan" / f"{day}.xlsx", valid_sections("balangan", day)
        )
        write(settings.catalog.raw_dir / "tabalong" / f"{day}.xlsx", tabalong(day))
        assert {o.status for o in run_ingest(settings, ref).outcomes} == {"diterima"}
    t = table(settings.catalog.tables, "pengamanan")
    prefix = "pemeliharaan/curated/pengamanan/"
    rows = canonical(delta.read(t))
    files = maintenance.active_files(t)
    assert files >= 3 and _parquet_files(endpoint, prefix) >= files

    results = {r.name: r for r in maintenance.maintain(settings, retention_days=0)}

    r = results["pengamanan"]
    assert set(results) == {"pengamanan", "satgas", "kejadian", "netralitas", "kesiapan", REGISTRY}
    assert r.files_after < r.files_before == files
    assert r.version_after > r.version_before  # compaction, then vacuum start and end
    assert r.files_vacuumed > 0
    assert_frame_equal(canonical(delta.read(t)), rows)
    # Vacuum deleted the objects: only the compacted files are left in the bucket.
    assert _parquet_files(endpoint, prefix) == r.files_after == maintenance.active_files(t)
    assert local_files(settings) == [".ingest.lock"]


def test_the_quality_gate_reads_the_tables_on_s3(s3_run, local_run, ref):
    there, there_versions = tables.read_tables(s3_run.catalog.tables, ref)
    here, here_versions = tables.read_tables(local_run.catalog.curated_dir, ref)
    assert set(there) == set(here) and there_versions == here_versions
    for name, frame in here.items():
        assert_frame_equal(canonical(there[name]), canonical(frame))

    result = gate.run_gate(s3_run, ref)  # Great Expectations on the S3 tables

    assert result.success, result.summary()
    assert result.checked == {name: frame.height for name, frame in here.items()}
    assert result.docs_index is not None and result.docs_index.is_relative_to(s3_run.data_dir)
    # Beside the lock, only the gate's mark stays local (docs/operations.md, "Scope").
    assert local_files(s3_run) == [s3_run.catalog.gate_mark.name, ".ingest.lock"]


# --- the command line ----------------------------------------------------------------------------


@pytest.mark.slow
def test_the_cli_ingests_into_s3_from_environment_variables(
    prefect_harness, ref, endpoint, tmp_path
):
    """`lapsit ingest` with LAPSIT_CURATED_URI and LAPSIT_STORAGE_OPTIONS, on the test's server."""
    from prefect.settings import PREFECT_API_URL

    data = tmp_path / "data"
    here = Settings(data_dir=tmp_path / "local")
    bad = valid_sections("tapin")
    bad["pengamanan"][0]["personel_tni"] = -3  # rejected
    for settings in (Settings(data_dir=data), here):
        deliver(settings, f"balangan/{TANGGAL}.xlsx", valid_sections("balangan"), dt.time(19))
        deliver(settings, f"tapin/{TANGGAL}.json", bad, dt.time(19, 30))
    run_ingest(here, ref)
    uri = f"s3://{BUCKET}/cli/curated"
    env = environment(
        tmp_path / "prefect-home",
        PREFECT_API_URL=PREFECT_API_URL.value(),  # the session's test server: no new one
        LAPSIT_CURATED_URI=uri,
        LAPSIT_STORAGE_OPTIONS=json.dumps(storage_options(endpoint)),
    )

    def lapsit(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "flows.cli", *argv, "--data-dir", str(data)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    done = lapsit("ingest")
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"Ditolak: tapin/{TANGGAL}.json" in done.stdout

    s3 = Settings(data_dir=data, curated_uri=uri, storage_options=storage_options(endpoint))
    assert_same_tables(s3, here)
    assert local_files(s3) == [".ingest.lock"]
    assert list((data / "reports" / "galat").rglob("*.md"))  # the error report stays local
    # `report` reads the registry's versions from S3 before it starts any flow.
    done = lapsit("report", "--date", str(TANGGAL), "--as-of-version", "7")
    assert done.returncode == 2
    assert "Versi registri 7 tidak ada. Versi yang tersedia: 0." in done.stderr


def test_storage_that_cannot_be_reached_fails_with_a_plain_message(
    endpoint, tmp_path, monkeypatch, capsys
):
    options = storage_options(endpoint) | {"AWS_SECRET_ACCESS_KEY": "rahasia-sekali"}
    monkeypatch.setenv("LAPSIT_CURATED_URI", "s3://tidak-ada/curated")
    monkeypatch.setenv("LAPSIT_STORAGE_OPTIONS", json.dumps(options))
    settings = Settings(data_dir=tmp_path / "data")
    with pytest.raises(StorageError, match="NoSuchBucket") as caught:
        read_registry(settings.catalog.tables)
    message = str(caught.value)
    assert message.startswith(
        "Penyimpanan tabel kurasi s3://tidak-ada/curated/submisi tidak dapat dijangkau ("
    )
    assert "LAPSIT_STORAGE_OPTIONS" in message and "\x1b" not in message
    # The command line says the same, without a traceback and without the credentials.
    argv = ["report", "--date", str(TANGGAL), "--as-of-version", "1", "--data-dir", str(tmp_path)]
    assert main(argv) == 3
    err = capsys.readouterr().err
    assert err.startswith("Penyimpanan tabel kurasi s3://tidak-ada/curated/submisi")
    assert "Traceback" not in err and "rahasia-sekali" not in err


def test_a_stale_commit_on_s3_fails_instead_of_overwriting(endpoint, ref, tmp_path):
    """Conditional put: a writer that did not see the latest version cannot commit over it."""
    settings = on_s3(tmp_path / "data", endpoint, "konflik")
    deliver(settings, f"balangan/{TANGGAL}.xlsx", valid_sections("balangan"), dt.time(19))
    run_ingest(settings, ref)
    t = table(settings.catalog.tables, "pengamanan")
    stale = delta.open_table(t)
    rows = delta.read(t)
    key = Slice(*rows.select(Slice._fields).row(0))
    assert delta.replace_slices(t, rows, [key])  # another writer commits the next version
    version = delta.version(t)
    with pytest.raises(CommitFailedError):
        stale.delete("kode_polres = 'balangan'")
    assert delta.version(t) == version
    assert_frame_equal(canonical(delta.read(t)), canonical(rows))
