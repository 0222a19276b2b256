"""The API of SPEC §7 over real HTTP, and the promise that the next ingest agrees with the verdict."""

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import polars as pl
import pytest

from lapsit.ingest.run import run_ingest
from lapsit.portal.audit import entries
from lapsit.portal.board import board
from lapsit.portal.context import Portal
from lapsit.portal.db import connect
from lapsit.storage.registry import read_registry
from tests.builders import TANGGAL, valid_sections, write
from tests.portal.conftest import PASSWORD, serve
from tests.prefect_server import environment

ROOT = Path(__file__).resolve().parents[2]
LAPSIT = str(Path(sys.executable).parent / "lapsit")  # the command the README installs
VERDICT_KEYS = {"id_submisi", "berkas", "kode_polres", "sah", "galat", "duplikat"}
GALAT_KEYS = {"sheet", "row", "column", "value", "rule", "message", "severity"}
LISTED_KEYS = {"id_submisi", "berkas", "kode_polres", "waktu_terima", "sah", "status"}


def files(tmp_path):
    """(name, bytes, the rules its verdict must name or [] when valid) of realistic uploads."""
    good = write(tmp_path / "baik.xlsx", valid_sections()).read_bytes()
    bad = valid_sections()
    bad["pengamanan"][0]["personel_tni"] = "sepuluh"
    bad["pengamanan"][1]["tingkat_kerawanan"] = "gawat"
    wrong = write(tmp_path / "salah.xlsx", bad).read_bytes()
    later = valid_sections()
    later["laporan"]["dibuat_pada"] += dt.timedelta(hours=1)
    fixed = write(tmp_path / "perbaikan.json", later).read_bytes()
    return [
        ("laporan balangan.xlsx", good, []),
        ("salah.xlsx", wrong, ["bilangan_bulat", "pilihan"]),
        ("perbaikan.json", fixed, []),
        ("laporan.csv", b"kode_polres,tanggal\nbalangan,2024-11-20\n", ["format_berkas"]),
    ]


def post(client, name, data, **fields):
    return client.post("/api/v1/submisi", files={"berkas": (name, data)}, data=fields)


def test_post_answers_with_the_verdict_in_the_shape_of_spec_7(live, tmp_path):
    with live.client("op-balangan") as client:
        for name, data, rules in files(tmp_path):
            answer = post(client, name, data)
            assert answer.status_code == 200, answer.text
            body = answer.json()
            assert set(body) == VERDICT_KEYS
            assert body["kode_polres"] == "balangan"
            assert body["sah"] is (not rules)
            assert body["duplikat"] is False
            assert {g["rule"] for g in body["galat"] if g["severity"] == "error"} == set(rules)
            assert all(set(g) == GALAT_KEYS for g in body["galat"])
            stored = live.raw / "balangan" / body["berkas"]
            assert stored.read_bytes() == data  # stored exactly as received
            assert body["id_submisi"] == hashlib.sha256(data).hexdigest()
        # The same bytes again, under another name: a duplicate, stored all the same.
        again = post(client, "lagi.xlsx", files(tmp_path)[0][1]).json()
        assert again["duplikat"] is True and again["sah"] is True


def test_the_verdict_is_the_same_as_validate_gives(live, tmp_path):
    name, data, _ = files(tmp_path)[1]
    path = tmp_path / "balangan" / "2024-11-20.xlsx"
    path.parent.mkdir()
    path.write_bytes(data)
    done = subprocess.run(
        [LAPSIT, "validate", str(path), "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    expected = json.loads(done.stdout)
    with live.client("op-balangan") as client:
        assert post(client, name, data).json()["galat"] == expected


def test_missing_berkas_is_400_and_nothing_is_stored(live):
    with live.client("op-balangan") as client:
        answer = client.post("/api/v1/submisi", files={"lain": ("x.xlsx", b"x")})
        assert answer.status_code == 400
        answer = client.post("/api/v1/submisi", data={"kode_polres": "balangan"})
        assert answer.status_code == 400
    assert not (live.raw / "balangan").exists() or not list((live.raw / "balangan").iterdir())


def test_get_lists_newest_first_and_pages_with_limit_and_sebelum(live, tmp_path):
    with live.client("op-balangan") as client:
        sent = [post(client, n, d).json() for n, d, _ in files(tmp_path)]
        rows = client.get("/api/v1/submisi").json()
        assert [r["berkas"] for r in rows] == [s["berkas"] for s in reversed(sent)]
        assert all(set(r) == LISTED_KEYS for r in rows)
        assert {r["status"] for r in rows} == {"menunggu"}
        assert [r["sah"] for r in rows] == [s["sah"] for s in reversed(sent)]
        assert all(r["waktu_terima"].endswith("+08:00") for r in rows)  # WITA, not UTC
        first = client.get("/api/v1/submisi", params={"limit": 2}).json()
        rest = client.get(
            "/api/v1/submisi", params={"sebelum": first[-1]["waktu_terima"], "limit": 10}
        ).json()
        assert [r["berkas"] for r in first + rest] == [r["berkas"] for r in rows]
    # Staff see every Polres of their Polda; the other Polda's operator sees none of it.
    with live.client("staf-kalsel") as staff:
        assert len(staff.get("/api/v1/submisi").json()) == len(rows)
    with live.client("op-ogan-ilir") as other:
        assert other.get("/api/v1/submisi").json() == []


def test_staff_upload_on_behalf_of_a_polres_is_recorded_as_such(live, tmp_path):
    _, data, _ = files(tmp_path)[0]
    with live.client("staf-kalsel") as client:
        body = post(client, "atas-nama.xlsx", data, kode_polres="balangan").json()
    assert body["sah"] is True and (live.raw / "balangan" / body["berkas"]).exists()
    engine = connect(live.settings)
    (entry,) = [e for e in entries(engine) if e["aksi"] == "unggah"]
    assert (entry["akun"], entry["kode_polres"], entry["atas_nama"]) == (
        "staf-kalsel",
        "balangan",
        True,
    )
    assert entry["id_submisi"] == body["id_submisi"] and entry["alamat"] == "127.0.0.1"
    assert entry["sah"] is True and entry["berkas"] == body["berkas"]


def _compare_with_registry(live, verdicts) -> None:
    registry = read_registry(live.settings.catalog.tables)
    by_path = {r["path"]: r for r in registry.to_dicts()}
    for v in verdicts:
        row = by_path[f"{v['kode_polres']}/{v['berkas']}"]
        expected = "duplikat" if v["duplikat"] else ("diterima" if v["sah"] else "ditolak")
        if row["status"] == "digantikan":  # accepted, then superseded by a later file
            assert v["sah"] and not v["duplikat"]
            continue
        assert row["status"] == expected, (v["berkas"], row["status"])
        if not v["duplikat"]:
            assert json.loads(row["galat"]) == v["galat"]


def test_the_next_ingest_registers_each_upload_with_the_outcome_its_verdict_announced(
    live, tmp_path, ref
):
    verdicts = []
    with live.client("op-balangan") as client:
        for name, data, _ in files(tmp_path):
            verdicts.append(post(client, name, data).json())
        verdicts.append(post(client, "salinan.xlsx", files(tmp_path)[0][1]).json())
    run_ingest(live.settings, ref)
    _compare_with_registry(live, verdicts)
    with live.client("op-balangan") as client:
        listed = {r["berkas"]: r for r in client.get("/api/v1/submisi").json()}
    assert {r["status"] for r in listed.values()} <= {
        "diterima",
        "ditolak",
        "digantikan",
        "duplikat",
    }
    assert listed[verdicts[2]["berkas"]]["status"] == "diterima"


@pytest.mark.slow
def test_lapsit_ingest_after_uploads_gives_the_verdicts_outcomes(portal_settings, ref, tmp_path):
    """The whole way: `lapsit akun`, uploads to a running portal, then `lapsit ingest` (Prefect)."""
    env = environment(tmp_path / "prefect-home")
    data_dir = str(portal_settings.data_dir)
    cli = [LAPSIT]
    made = subprocess.run(
        [*cli, "akun", "tambah", "op-balangan", "--polres", "balangan", "--kata-sandi-stdin",
         "--data-dir", data_dir],
        input=PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    with serve(portal_settings, ref) as running, running.client("op-balangan") as client:
        verdicts = [post(client, n, d).json() for n, d, _ in files(tmp_path)]
    done = subprocess.run(
        [*cli, "ingest", "--data-dir", data_dir],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    # (Whether the ingest's console shows a traceback for a rejection is the ingest flow's
    # business, tested with it; this test is about the outcomes.)
    _compare_with_registry(running, verdicts)
    registry = read_registry(portal_settings.catalog.tables)
    assert registry.filter(pl.col("tanggal") == TANGGAL).height == 3  # the .csv has no date


def _delivered_at(path: Path, local: dt.datetime) -> None:
    """Give a stored upload the delivery time (WITA) a test needs."""
    stamp = local.replace(tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp()
    os.utime(path, (stamp, stamp))


def test_the_board_shows_each_polres_with_its_status_and_first_error(live, tmp_path, ref):
    day = TANGGAL
    with live.client("op-balangan") as client:
        good = post(client, "b.xlsx", write(tmp_path / "b.xlsx", valid_sections()).read_bytes())
    with live.client("op-tapin") as client:  # Balangan's kecamatan in Tapin's report
        bad = post(
            client, "t.xlsx", write(tmp_path / "t.xlsx", valid_sections("tapin")).read_bytes()
        )
    _delivered_at(live.raw / "balangan" / good.json()["berkas"], dt.datetime(2024, 11, 20, 19, 5))
    _delivered_at(live.raw / "tapin" / bad.json()["berkas"], dt.datetime(2024, 11, 20, 21, 0))
    run_ingest(live.settings, ref)
    with live.client("staf-kalsel") as client:
        data = write(tmp_path / "k.json", valid_sections("banjar")).read_bytes()
        waiting = post(client, "k.json", data, kode_polres="banjar").json()
    _delivered_at(live.raw / "banjar" / waiting["berkas"], dt.datetime(2024, 11, 20, 20, 30))
    portal = Portal(live.settings, ref, connect(live.settings))
    today = board(portal, "kalsel", day)
    rows = {r["kode_polres"]: r for r in today.rows}
    assert len(rows) == 13 and "ogan-ilir" not in rows
    assert (rows["balangan"]["status"], rows["balangan"]["waktu_terima"]) == (
        "tepat_waktu",
        "19.05 WITA",
    )
    assert rows["tapin"]["status"] == "ditolak"
    assert rows["tapin"]["galat_pertama"].startswith("lembar pengamanan, baris 2, kolom ")
    assert rows["banjar"]["status"] == "terkirim"
    assert rows["banjar"]["waktu_terima"] == "20.30 WITA"
    assert rows["tabalong"]["status"] == "tidak_lapor" and rows["tabalong"]["label"]
    assert today.count("tidak_lapor") == 10 and today.batas_waktu == "20.00 WITA"
    assert all(r["tanda"] and r["label"] for r in today.rows)  # never by colour alone
    # The same day seen before its deadline: not reported *yet*, in its own words.
    morning = board(portal, "kalsel", day, dt.datetime(2024, 11, 20, 3, 0, tzinfo=dt.UTC))
    waiting = {r["kode_polres"]: r for r in morning.rows}["tabalong"]
    assert (waiting["status"], waiting["label"]) == ("belum_lapor", "Belum melapor")
    assert morning.count("belum_lapor") == 10 and morning.count("tidak_lapor") == 0
    assert "belum_lapor" in morning.legend() and "tidak_lapor" not in morning.legend()
    assert (rows["tabalong"]["label"], "tidak_lapor") == ("Tidak melapor", today.tanpa_laporan)


def test_unusable_parameters_and_unknown_paths_are_answered_in_indonesian(live):
    with live.client("op-balangan") as client:
        for params in ({"limit": "banyak"}, {"limit": 0}, {"sebelum": "kemarin"}):
            answer = client.get("/api/v1/submisi", params=params)
            assert answer.status_code == 400 and "Parameter tidak sah" in answer.json()["galat"]
        answer = client.get("/api/v1/tidak-ada")
        assert answer.status_code == 404 and answer.json() == {
            "galat": "Halaman atau berkas itu tidak ada."
        }
        assert client.delete("/api/v1/submisi").status_code == 405
    page = httpx.get(f"{live.url}/tidak-ada")
    assert page.status_code == 404 and "tidak ada" in page.text and "Not Found" not in page.text
