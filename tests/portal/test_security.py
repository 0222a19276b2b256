"""The refusals of SPEC §7, tried over real HTTP against a running portal; counts printed."""

import concurrent.futures
import datetime as dt
import os
import threading
import time

import httpx
import pytest
import sqlalchemy as sa

from lapsit.ingest.run import run_ingest
from lapsit.portal.accounts import remove_account, set_password
from lapsit.portal.audit import entries
from lapsit.portal.db import akun, connect
from lapsit.settings import Settings
from lapsit.storage.registry import read_registry
from tests.builders import valid_sections, write
from tests.portal.conftest import ACCOUNTS, PASSWORD, make_accounts, serve, sign_in
from tests.reliability.inputs import daily, kalsel
from tests.reliability.test_hostile_input import ACCEPTED, SKIPPED, build


def stored(live) -> list[str]:
    """Every file under the data dir's raw/ and the staging folder, relative."""
    out = []
    for root in (live.raw, live.settings.catalog.upload_staging):
        for folder, _, names in os.walk(root):
            out += [os.path.relpath(os.path.join(folder, n), live.settings.data_dir) for n in names]
    return sorted(out)


def good_bytes(tmp_path, kode="balangan") -> bytes:
    return write(tmp_path / f"{kode}.xlsx", valid_sections(kode)).read_bytes()


def refused(ledger, answer: httpx.Response, status: int) -> None:
    assert answer.status_code == status, (answer.status_code, answer.text[:300])
    ledger.refused[status] += 1


def test_no_or_wrong_credentials_are_401_and_pages_send_to_sign_in(live, ledger, tmp_path):
    data = good_bytes(tmp_path)
    with live.client() as anon:
        refused(ledger, anon.post("/api/v1/submisi", files={"berkas": ("a.xlsx", data)}), 401)
        refused(ledger, anon.get("/api/v1/submisi"), 401)
        for path in ("/beranda", "/submisi", "/templat", "/galat/balangan/x.xlsx"):
            answer = anon.get(path)
            assert answer.status_code == 303 and answer.headers["location"] == "/masuk"
    with httpx.Client(base_url=live.url, auth=("op-balangan", "salah-sekali")) as wrong:
        refused(ledger, wrong.post("/api/v1/submisi", files={"berkas": ("a.xlsx", data)}), 401)
    with httpx.Client(base_url=live.url, auth=("tidak-ada", PASSWORD)) as nobody:
        refused(ledger, nobody.get("/api/v1/submisi"), 401)
    assert stored(live) == []


def test_a_polres_cannot_write_another_inbox_nor_staff_another_polda(live, ledger, tmp_path):
    data = good_bytes(tmp_path, "tapin")
    with live.client("op-balangan") as op:
        answer = op.post(
            "/api/v1/submisi", files={"berkas": ("t.xlsx", data)}, data={"kode_polres": "tapin"}
        )
        refused(ledger, answer, 403)
    with live.client("staf-sumsel") as staff:
        answer = staff.post(
            "/api/v1/submisi", files={"berkas": ("t.xlsx", data)}, data={"kode_polres": "tapin"}
        )
        refused(ledger, answer, 403)
        refused(ledger, staff.post("/api/v1/submisi", files={"berkas": ("t.xlsx", data)}), 400)
    assert stored(live) == []
    # A file of another Polres sent to one's own inbox is stored there, and rejected.
    with live.client("op-balangan") as op:
        body = op.post("/api/v1/submisi", files={"berkas": ("t.xlsx", data)}).json()
    assert body["kode_polres"] == "balangan" and body["sah"] is False
    assert "polres_sesuai_kotak" in {g["rule"] for g in body["galat"]}
    # Pages: another Polda's submissions and error reports are out of reach.
    client, _ = sign_in(live, "staf-sumsel")
    refused(ledger, client.get("/submisi", params={"polres": "balangan"}), 403)
    refused(ledger, client.get(f"/galat/balangan/{body['berkas']}"), 403)
    refused(ledger, client.get("/templat", params={"polres": "balangan"}), 403)


def test_forged_csrf_and_cross_site_requests_are_403(live, ledger, tmp_path):
    client, token = sign_in(live, "op-balangan")
    data = good_bytes(tmp_path)
    for forged in ("", "x" * 43, token[:-1] + ("A" if token[-1] != "A" else "B")):
        answer = client.post("/unggah", files={"berkas": ("a.xlsx", data)}, data={"csrf": forged})
        refused(ledger, answer, 403)
    refused(ledger, client.post("/keluar", data={"csrf": "palsu"}), 403)
    other = httpx.Client(base_url=live.url)
    refused(ledger, other.post("/masuk", data={"nama": "op-balangan", "sandi": PASSWORD}), 403)
    assert stored(live) == []
    # The right token from another site is refused too (Origin, Sec-Fetch-Site).
    answer = client.post(
        "/unggah",
        files={"berkas": ("a.xlsx", data)},
        data={"csrf": token},
        headers={"Origin": "https://jahat.example"},
    )
    refused(ledger, answer, 403)
    with live.client("op-balangan") as api:
        for headers in ({"Origin": "https://jahat.example"}, {"Sec-Fetch-Site": "cross-site"}):
            refused(ledger, api.get("/api/v1/submisi", headers=headers), 403)
        assert api.get("/api/v1/submisi", headers={"Origin": live.url}).status_code == 200
    assert stored(live) == []
    # With the right token, the same form is taken.
    answer = client.post("/unggah", files={"berkas": ("a.xlsx", data)}, data={"csrf": token})
    assert answer.status_code == 200 and "SAH" in answer.text


def test_a_tampered_or_expired_session_is_no_session(live, ledger, portal_settings, ref):
    client, _ = sign_in(live, "op-balangan")
    cookie = client.cookies["lapsit_sesi"]
    payload, _, signature = cookie.rpartition(".")
    for bad in (payload[:-2] + "AA." + signature, cookie[:-3] + "abc", "null"):
        other = httpx.Client(base_url=live.url, cookies={"lapsit_sesi": bad})
        answer = other.get("/beranda")
        assert answer.status_code == 303 and answer.headers["location"] == "/masuk"
        ledger.refused[303] += 1
    # A password change ends the sessions made before it.
    set_password(connect(portal_settings), "op-balangan", "sandi-baru-sekali")
    assert client.get("/beranda").status_code == 303


def test_sessions_expire(tmp_path, ref, ledger):
    settings = Settings(data_dir=tmp_path / "d", portal_sesi_jam=4 / 3600)
    settings.data_dir.mkdir()
    make_accounts(settings, ref)
    with serve(settings, ref) as live:
        client, _ = sign_in(live, "op-balangan")
        time.sleep(5)
        answer = client.get("/beranda")
        assert answer.status_code == 303
        ledger.refused[303] += 1


HOSTILE_NAMES = [
    "../../../etc/passwd.xlsx",
    "..\\..\\windows\\laporan.xlsx",
    "/etc/cron.d/lapsit.json",
    "C:\\Users\\op\\laporan.xlsx",
    "laporan\x00.xlsx.sh",
    "a" * 1000 + ".xlsx",
    ".tersembunyi.xlsx",
    "~$kunci.xlsx",
    "",
    "../",
    "laporan-87050123.xlsx",
    "<script>alert(1)</script>.xlsx",
]


def test_a_file_name_is_never_a_path(live, ledger, tmp_path):
    data = good_bytes(tmp_path)
    outside = set(os.listdir(live.settings.data_dir))
    with live.client("op-balangan") as client:
        for name in HOSTILE_NAMES:
            answer = client.post("/api/v1/submisi", files={"berkas": (name, data)})
            ledger.names += 1
            if not name:  # no file name at all: the part is not a file, no `berkas`
                refused(ledger, answer, 400)
                continue
            assert answer.status_code == 200, (name, answer.text)
            body = answer.json()
            stored_name = body["berkas"]
            assert "/" not in stored_name and "\\" not in stored_name and "\x00" not in stored_name
            assert not stored_name.startswith((".", "~$")) and len(stored_name.encode()) <= 255
            assert "87050123" not in stored_name
            assert (live.raw / "balangan" / stored_name).read_bytes() == data
            ledger.uploads += 1
    assert set(os.listdir(live.settings.data_dir)) == outside | {"raw"}
    inbox = sorted(os.listdir(live.raw))
    assert inbox == ["balangan"]
    assert all(p.startswith("raw/balangan/") for p in stored(live))
    assert len(os.listdir(live.raw / "balangan")) == len(HOSTILE_NAMES) - 1
    # A name longer than a multipart header line may be (python-multipart's 4 KiB) is a 400.
    with live.client("op-balangan") as client:
        answer = client.post("/api/v1/submisi", files={"berkas": ("a" * 5000 + ".xlsx", data)})
        refused(ledger, answer, 400)
        assert "terlalu panjang" in answer.json()["galat"]
    assert len(os.listdir(live.raw / "balangan")) == len(HOSTILE_NAMES) - 1


def _chunks(total: int, size: int = 64 * 1024):
    sent = 0
    while sent < total:
        yield b"x" * min(size, total - sent)
        sent += size


def test_a_body_over_the_limit_is_refused_while_it_streams_and_nothing_is_stored(live, ledger):
    limit = live.settings.max_file_bytes
    boundary = "lapsitbatas"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="berkas"; filename="b.xlsx"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    received = []

    def body():  # streamed without Content-Length: the server must count as it reads
        yield head
        for chunk in _chunks(limit * 3):
            received.append(len(chunk))
            yield chunk
        yield tail

    with live.client("op-balangan") as client:
        refused(ledger, client.post("/api/v1/submisi", content=body(), headers=headers), 413)
        # Declared too big in Content-Length: refused before the body is read.
        big = head + b"x" * (limit + 1) + tail
        refused(ledger, client.post("/api/v1/submisi", content=big, headers=headers), 413)
        # Exactly at the limit it is a verdict (an unreadable workbook), not a refusal.
        exact = head + b"x" * limit + tail
        answer = client.post("/api/v1/submisi", content=exact, headers=headers)
        assert answer.status_code == 200 and answer.json()["sah"] is False
    staged = live.settings.catalog.upload_staging
    assert not staged.exists() or os.listdir(staged) == []
    assert [p for p in stored(live) if not p.startswith("raw/balangan/")] == []
    assert len(stored(live)) == 1  # only the file at the limit
    # Pages too: the upload form is refused the same way.
    client, _ = sign_in(live, "op-balangan")
    form = head + b"x" * (limit + 10) + tail
    answer = client.post("/unggah", content=form, headers=headers)
    refused(ledger, answer, 413)
    assert len(stored(live)) == 1


def test_hostile_files_get_a_clean_verdict_and_the_portal_keeps_serving(live, ledger, tmp_path):
    raw = tmp_path / "hostile-raw"
    cases = build(raw, tmp_path)
    with live.client("staf-kalsel") as staff:
        for case in cases:
            path = raw / case.rel
            if path.is_symlink() or not path.is_file() or case.expect == SKIPPED:
                continue
            kode, name = case.rel.split("/", 1)
            if kode not in kalsel():
                continue
            answer = staff.post(
                "/api/v1/submisi",
                files={"berkas": (name, path.read_bytes())},
                data={"kode_polres": kode},
            )
            assert answer.status_code in (200, 413), (case.rel, answer.status_code)
            ledger.hostile += 1
            if answer.status_code == 413:
                ledger.refused[413] += 1
                continue
            body = answer.json()
            rules = {g["rule"] for g in body["galat"]}
            if case.expect == ACCEPTED:
                assert body["sah"] is True, (case.rel, rules)
            else:
                assert body["sah"] is False and case.expect in rules, (case.rel, case.why, rules)
            for g in body["galat"]:
                assert "Traceback" not in g["message"]
            ledger.uploads += 1
        # Still serving, and quickly.
        assert staff.get("/api/v1/submisi", params={"limit": 1}).status_code == 200


def test_uploads_racing_an_ingest_lose_nothing_and_none_is_read_half_written(
    live, ledger, tmp_path, ref
):
    day = dt.date(2024, 11, 20)
    payloads = {}
    for kode in kalsel()[:4]:
        sections, _ = daily(kode, day)
        payloads[kode] = write(tmp_path / f"{kode}.json", sections).read_bytes()
    settings = live.settings
    stop = threading.Event()
    runs = []

    def ingest_loop():
        while not stop.is_set():
            runs.append(run_ingest(settings, ref))

    engine = connect(settings)
    make_operator = [k for k in payloads if f"op-{k}" not in ACCOUNTS]
    from lapsit.portal.accounts import add_account

    for kode in make_operator:
        add_account(engine, ref, f"op-{kode}", PASSWORD, kode_polres=kode)
    answers = []
    worker = threading.Thread(target=ingest_loop)
    worker.start()
    try:
        for round_ in range(3):
            for kode, data in payloads.items():
                with live.client(f"op-{kode}") as client:
                    # Each round a new revision of the bytes (a later dibuat_pada is not needed:
                    # equal content would be a duplicate; a trailing space keeps it valid JSON).
                    body = data + b" " * round_
                    answers.append(
                        client.post("/api/v1/submisi", files={"berkas": (f"{kode}.json", body)})
                    )
                    ledger.raced += 1
    finally:
        stop.set()
        worker.join()
    run_ingest(settings, ref)
    assert all(a.status_code == 200 for a in answers)
    verdicts = [a.json() for a in answers]
    assert all(v["sah"] for v in verdicts)
    registry = read_registry(settings.catalog.tables)
    by_path = {r["path"]: r for r in registry.to_dicts()}
    for v in verdicts:
        row = by_path.get(f"{v['kode_polres']}/{v['berkas']}")
        if row is None:
            ledger.lost += 1
            continue
        if row["status"] == "ditolak":  # an ingest that read a partial file would reject it
            ledger.half_read += 1
    assert ledger.lost == 0 and ledger.half_read == 0
    assert len(runs) >= 1


def test_a_burst_of_concurrent_uploads_from_several_accounts_is_all_answered(
    live, ledger, tmp_path
):
    senders = [("op-balangan", "balangan", None), ("op-tapin", "tapin", None),
               ("staf-kalsel", "balangan", "balangan"), ("staf-kalsel", "tapin", "tapin"),
               ("op-ogan-ilir", "ogan-ilir", None)]  # fmt: skip
    jobs = []
    for i in range(6):
        for name, kode, on_behalf in senders:
            sections = valid_sections(kode)
            sections["laporan"]["pelapor"] += f" {name} {i}"
            data = write(tmp_path / f"{name}-{kode}-{i}.json", sections).read_bytes()
            jobs.append((name, kode, on_behalf, data))

    def send(job):
        name, _, on_behalf, data = job
        fields = {"kode_polres": on_behalf} if on_behalf else {}
        with live.client(name) as client:
            return client.post("/api/v1/submisi", files={"berkas": ("x.json", data)}, data=fields)

    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(send, jobs))
    ledger.concurrent += len(jobs)
    assert [a.status_code for a in answers] == [200] * len(jobs)
    for (_, kode, _, data), answer in zip(jobs, answers, strict=True):
        body = answer.json()
        assert body["kode_polres"] == kode
        assert (live.raw / kode / body["berkas"]).read_bytes() == data
    names = [(a.json()["kode_polres"], a.json()["berkas"]) for a in answers]
    assert len(set(names)) == len(jobs)  # no upload replaced another
    uploads = [e for e in entries(connect(live.settings)) if e["aksi"] == "unggah"]
    assert len(uploads) == len(jobs)
    ledger.uploads += len(jobs)


def test_sign_in_is_throttled_per_account_and_address(tmp_path, ref, ledger):
    settings = Settings(data_dir=tmp_path / "d", portal_proxy=["127.0.0.1"])
    settings.data_dir.mkdir()
    make_accounts(settings, ref)
    with serve(settings, ref) as live:

        def attempt(password, address):
            with httpx.Client(
                base_url=live.url,
                auth=("op-balangan", password),
                headers={"X-Forwarded-For": address},
            ) as client:
                return client.get("/api/v1/submisi").status_code

        assert [attempt("salah", "192.0.2.10") for _ in range(10)] == [401] * 10
        # The 11th attempt from that address, even with the right password: 429.
        assert attempt(PASSWORD, "192.0.2.10") == 429
        ledger.refused[429] += 1
        # The operator from its own address still signs in, pages and API alike.
        assert attempt(PASSWORD, "192.0.2.20") == 200
        sign_in(live, "op-balangan")  # the proxy itself, 127.0.0.1
        # Another account from the throttled address is not refused.
        with httpx.Client(base_url=live.url, auth=("op-tapin", PASSWORD),
                          headers={"X-Forwarded-For": "192.0.2.10"}) as other:  # fmt: skip
            assert other.get("/api/v1/submisi").status_code == 200
    # Without a trusted proxy, X-Forwarded-For is not believed: the failures count for
    # the real address, whatever the header says.
    settings = Settings(data_dir=tmp_path / "e")
    settings.data_dir.mkdir()
    make_accounts(settings, ref)
    with serve(settings, ref) as live:
        for i in range(10):
            with httpx.Client(base_url=live.url, auth=("op-balangan", "salah"),
                              headers={"X-Forwarded-For": f"192.0.2.{i}"}) as c:  # fmt: skip
                assert c.get("/api/v1/submisi").status_code == 401
        with live.client("op-balangan") as c:
            assert c.get("/api/v1/submisi").status_code == 429
            ledger.refused[429] += 1


def test_cookies_are_http_only_and_secure_behind_an_https_proxy(tmp_path, ref):
    settings = Settings(data_dir=tmp_path / "d", portal_proxy=["127.0.0.0/8"])
    settings.data_dir.mkdir()
    make_accounts(settings, ref)
    with serve(settings, ref) as live:
        plain = httpx.get(f"{live.url}/masuk")
        cookie = plain.headers["set-cookie"].lower()
        assert "httponly" in cookie and "secure" not in cookie and "samesite=lax" in cookie
        https = httpx.get(f"{live.url}/masuk", headers={"X-Forwarded-Proto": "https"})
        assert "; secure" in https.headers["set-cookie"].lower()
        assert https.headers["x-frame-options"] == "DENY"
        assert "default-src 'none'" in https.headers["content-security-policy"]


def test_passwords_are_stored_only_as_argon2_hashes_and_removal_keeps_the_audit(live, tmp_path):
    with live.client("op-balangan") as client:
        client.post("/api/v1/submisi", files={"berkas": ("a.xlsx", good_bytes(tmp_path))})
    engine = connect(live.settings)
    with engine.connect() as conn:
        hashes = [h for (h,) in conn.execute(sa.select(akun.c.sandi))]
    assert len(hashes) == len(ACCOUNTS)
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert len(set(hashes)) == len(hashes)  # one salt each, though the passwords are equal
    database = live.settings.catalog.portal_db
    for path in database.parent.glob(database.name + "*"):
        assert PASSWORD.encode() not in path.read_bytes()
    remove_account(engine, "op-balangan")
    kept = [e for e in entries(engine, "op-balangan") if e["aksi"] == "unggah"]
    assert len(kept) == 1
    with httpx.Client(base_url=live.url, auth=("op-balangan", PASSWORD)) as gone:
        assert gone.get("/api/v1/submisi").status_code == 401


@pytest.fixture(autouse=True)
def _count(ledger):
    yield
