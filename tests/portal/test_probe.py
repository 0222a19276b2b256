"""What a probe of the portal and the reports broke, tried again as the intruder did (SPEC §7 v3
"Sessions and sign-in", "Names and free text"); counts in the security ledger.

A copied cookie replayed after *keluar*, `akun sandi` and `akun hapus`; a burst of wrong
passwords at once; hostile free text followed into every Markdown lapsit writes and
rendered by CommonMark and two autolinking renderers; NRP-like and date-like names put in
inboxes and uploaded, then looked for on every page, console line and log; a crafted cell;
a file in an inbox subfolder; JSON with a byte-order mark; forwarded-for headers from
strangers.
"""

import concurrent.futures
import datetime as dt
import html as html_lib
import json
import logging
import os
import re
import threading
import zipfile
from collections import Counter
from pathlib import Path

import cmarkgfm
import httpx
import pytest
from cmarkgfm.cmark import Options
from markdown_it import MarkdownIt

from flows.cli.runs import _print_summary
from lapsit.clock import today_in
from lapsit.ingest.error_report import context as report_context
from lapsit.ingest.run import run_ingest
from lapsit.portal import accounts
from lapsit.portal.accounts import Throttled, remove_account, set_password
from lapsit.portal.app import exposure_warning
from lapsit.portal.db import connect
from lapsit.report.build import build_polda_reports
from lapsit.report.data import load
from lapsit.report.render import render_markdown
from lapsit.settings import Settings
from lapsit.templating import markdown_text, render
from lapsit.validation.batch import validate_file
from tests.builders import valid_sections, write
from tests.portal.conftest import PASSWORD, make_accounts, serve, sign_in

NRP_NAME = "73915849"  # an NRP typed into a file name
NRP_CELL = "73915858"  # an NRP in a crafted cell's error value


def stored(live) -> list[str]:
    return sorted(
        os.path.relpath(os.path.join(folder, n), live.raw)
        for folder, _, names in os.walk(live.raw)
        for n in names
    )


# -- 1. Sessions end where the server says so, not where the browser forgets ----------


def replayed(live, cookies, token: str, tmp_path: Path) -> list[int]:
    """A thief's requests with a copied cookie: the pages, then an upload with its token."""
    data = write(tmp_path / "curian.xlsx", valid_sections()).read_bytes()
    with httpx.Client(base_url=live.url, cookies=cookies, timeout=60) as thief:
        answers = [thief.get(path) for path in ("/beranda", "/submisi", "/templat")]
        answers.append(
            thief.post("/unggah", files={"berkas": ("curian.xlsx", data)}, data={"csrf": token})
        )
    return [a.status_code for a in answers]


def test_a_cookie_copied_before_keluar_opens_nothing_after_it(live, ledger, tmp_path):
    client, token = sign_in(live, "op-balangan")
    other, _ = sign_in(live, "op-balangan")  # the same account in another browser
    copy = dict(client.cookies)
    assert httpx.get(f"{live.url}/beranda", cookies=copy).status_code == 200
    assert client.post("/keluar", data={"csrf": token}).status_code == 303
    assert replayed(live, copy, token, tmp_path) == [303] * 4
    ledger.replayed += 4
    assert stored(live) == []  # the upload was not taken
    # *keluar* ended that session only; the other browser is still signed in.
    assert other.get("/beranda").status_code == 200


@pytest.mark.parametrize("how", ["akun sandi", "akun hapus"])
def test_a_new_password_or_removal_ends_every_session_of_the_account(live, ledger, tmp_path, how):
    sessions = [sign_in(live, "op-balangan") for _ in range(2)]
    engine = connect(live.settings)
    if how == "akun sandi":
        set_password(engine, "op-balangan", "sandi-baru-sekali")
    else:
        remove_account(engine, "op-balangan")
    engine.dispose()
    for client, token in sessions:
        assert replayed(live, dict(client.cookies), token, tmp_path) == [303] * 4
        ledger.replayed += 4
    assert stored(live) == []
    if how == "akun sandi":  # the new password opens a new session
        sign_in(live, "op-balangan", "sandi-baru-sekali")


def test_each_sign_in_is_a_session_row_and_keluar_ends_it(live):
    client, token = sign_in(live, "op-balangan")
    engine = connect(live.settings)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT id, berakhir_pada FROM sesi").all()
    assert len(rows) == 1 and rows[0][1] is None
    # The cookie carries the session's id, nothing about the account.
    assert "akun" not in client.cookies["lapsit_sesi"]
    client.post("/keluar", data={"csrf": token})
    with engine.connect() as conn:
        ended = conn.exec_driver_sql("SELECT berakhir_pada FROM sesi").scalar()
    assert ended is not None
    engine.dispose()


# -- 2. Ten failures are ten, also when they arrive at once ------------------------------


def burst(n: int, attempt) -> Counter:
    """`n` attempts released at the same moment; their outcomes counted."""
    start = threading.Barrier(n)

    def one(_):
        start.wait()
        return attempt()

    with concurrent.futures.ThreadPoolExecutor(n) as pool:
        return Counter(pool.map(one, range(n)))


def test_thirty_wrong_passwords_at_once_are_checked_ten_times(tmp_path, ref, ledger):
    settings = Settings(data_dir=tmp_path / "d", portal_proxy=["127.0.0.1"])
    settings.data_dir.mkdir()
    make_accounts(settings, ref)
    with serve(settings, ref) as live:

        def attempt(password="salah-sekali", address="198.51.100.7"):
            with httpx.Client(
                base_url=live.url,
                auth=("op-balangan", password),
                headers={"X-Forwarded-For": address},
                timeout=120,
            ) as client:
                return client.get("/api/v1/submisi").status_code

        assert burst(30, attempt) == Counter({401: 10, 429: 20})
        ledger.burst += 30
        ledger.refused[429] += 20
        assert attempt(PASSWORD) == 429  # refused, even with the right password
        assert attempt(PASSWORD, "198.51.100.8") == 200  # from elsewhere it signs in


@pytest.fixture
def engine(tmp_path, ref):
    """The portal's SQLite database with the test accounts, no server."""
    settings = Settings(data_dir=tmp_path / "d")
    settings.data_dir.mkdir()
    make_accounts(settings, ref)
    engine = connect(settings)
    yield engine
    engine.dispose()


def sign_ins(engine, password: str, address: str):
    """One sign-in attempt: the account's name, None (wrong), or "429" (refused)."""

    def attempt():
        try:
            account = accounts.authenticate(engine, "op-tapin", password, address)
            return account.nama if account else None
        except Throttled:
            return "429"

    return attempt


def test_the_check_and_the_record_are_one_step_on_sqlite(engine, ledger):
    assert burst(30, sign_ins(engine, "salah-sekali", "203.0.113.9")) == Counter(
        {None: 10, "429": 20}
    )
    ledger.burst += 30


def test_eleven_right_passwords_at_once_all_pass(engine, ledger):
    assert burst(15, sign_ins(engine, PASSWORD, "203.0.113.10")) == Counter({"op-tapin": 15})
    ledger.burst += 15


def test_a_sign_in_racing_a_new_password_gets_no_session(engine):
    account = accounts.authenticate(engine, "op-tapin", PASSWORD, "203.0.113.11")
    set_password(engine, "op-tapin", "sandi-baru-sekali")  # between the check and the session
    assert accounts.start_session(engine, account) is None
    fresh = accounts.authenticate(engine, "op-tapin", "sandi-baru-sekali", "203.0.113.11")
    session = accounts.start_session(engine, fresh)
    assert accounts.session_account(engine, session, dt.timedelta(hours=1)) == fresh


# -- 3. Free text is plain text in every Markdown ---------------------------------------

HOSTILE = [
    "x ![i](http://evil.example/p.png) [klik](http://evil.example)",
    "<img src=x onerror=alert(1)> <script>alert(1)</script> &lt;b&gt;",
    "# Judul palsu",
    "- daftar palsu",
    "1. daftar bernomor",
    "> kutipan",
    "| a | b |\n| --- | --- |\n| c | d |",
    "**tebal** _miring_ ~~coret~~ `kode`",
    "lihat www.evil.example atau evil.example atau https://evil.example/x?a=1",
    "<http://evil.example> <mailto:a@evil.example> a@evil.example",
    "[x]: http://evil.example\n[x]",
    "***\n---\n    kode terindentasi",
    "setext\n===",
    "[^1]\n\n[^1]: catatan kaki",
    "lihat //localhost:8080/x atau //evil.example/y",
]
RENDERERS = {
    "CommonMark (markdown-it-py)": MarkdownIt("commonmark").render,
    "GFM + linkify (markdown-it-py, linkify-it)": MarkdownIt("gfm-like", {"linkify": True})
    .enable(["linkify", "table", "strikethrough"])
    .render,
    "GFM (cmark-gfm, autolink extension)": lambda md: cmarkgfm.github_flavored_markdown_to_html(
        md, options=Options.CMARK_OPT_UNSAFE
    ),
}
# What each hostile value would have become, had it been read as markup.
MADE = {
    "link or image": r"(href|src)=\"[^\"]*evil",
    "image": r"<img",
    "raw HTML": r"<script|<b>",
    "emphasis": r"<(em|strong)>(tebal|miring)",
    "strikethrough": r"<(del|s)>coret",
    "code": r"<code>kode</code>",
    "heading": r"<h\d>\s*(Judul palsu|setext)",
    "list": r"<li>\s*(<p>)?\s*daftar (palsu|bernomor)",
    "block quote": r"<blockquote>\s*<p>\s*kutipan",
    "table": r"<t[dh]>\s*[abcd]\s*</t[dh]>",
    "indented code": r"<pre>",
    "footnote": r"<sup|footnote",
}


def markup_in(markdown: str) -> list[str]:
    """What the planted text made of itself under each renderer."""
    found = []
    for renderer, to_html in RENDERERS.items():
        html = to_html(markdown)
        found += [f"{renderer}: {what}" for what, made in MADE.items() if re.search(made, html)]
    return found


def _hostile_report(ref, tmp_path) -> tuple[Settings, list[str]]:
    """A season day whose free text is hostile: one accepted file, one rejected for it."""
    settings = Settings(data_dir=tmp_path / "data")
    good = valid_sections()
    text = " ".join(HOSTILE)[:1900]
    good["kejadian"][0]["uraian"] = text
    good["pengamanan"][0]["keterangan"] = HOSTILE[0] + " " + HOSTILE[8]
    good["netralitas"][0] |= {"dugaan": HOSTILE[7], "satuan": HOSTILE[2], "pangkat": HOSTILE[3]}
    write(settings.catalog.raw_dir / "balangan" / "2024-11-20.xlsx", good)
    bad = valid_sections("tapin")
    bad["pengamanan"][0]["tingkat_kerawanan"] = HOSTILE[0]  # quoted back in the error message
    bad["kejadian"][0]["jenis"] = HOSTILE[8]
    write(settings.catalog.raw_dir / "tapin" / "2024-11-20.json", bad)
    run_ingest(settings, ref)
    return settings, [text]


def test_hostile_free_text_renders_as_plain_text_in_every_markdown(ref, tmp_path, ledger):
    settings, _ = _hostile_report(ref, tmp_path)
    snap = load(settings.catalog.curated_dir)
    reports = build_polda_reports(snap, ref, settings, "kalsel", dt.date(2024, 11, 20))
    documents = {f"laporan {r.scope.kode}": render_markdown(r) for r in reports[:2]}
    for path in sorted(settings.catalog.errors_dir.rglob("*.md")):
        documents[f"laporan galat {path.name}"] = path.read_text(encoding="utf-8")
    # The nightly's summary artifact, with a failure quoting a value.
    documents["ringkasan malam"] = render(
        "artefak/ringkasan-malam.md.j2",
        counts="diterima 1, ditolak 1",
        q=type("Q", (), {"success": False, "docs_index": None, "summary": lambda s: HOSTILE[0]})(),
        rows=[("kalsel", "2024-11-20", HOSTILE[8])],
        rejected=1,
    )
    assert len(documents) >= 4
    problems = []
    for name, markdown in documents.items():
        ledger.rendered += len(RENDERERS)
        problems += [f"{name}: {p}" for p in markup_in(markdown)]
    assert problems == []
    # And the text is still there, readable: what the leader reads is what was sent.
    html = RENDERERS["CommonMark (markdown-it-py)"](documents["laporan kalsel"])
    assert "![i](" in html and "[klik](" in html and "**tebal**" in html


@pytest.mark.parametrize("value", HOSTILE)
def test_each_hostile_value_alone_is_plain_text_under_every_renderer(value, ledger):
    shown = markdown_text(value)
    places = {
        "paragraph": (f"{shown}\n", {"p", "code"}),
        "table cell": (f"| a | b |\n| --- | --- |\n| {shown} | {shown} |\n",
                       {"table", "thead", "tbody", "tr", "th", "td", "code", "p"}),
        "list item": (f"- {shown}\n", {"ul", "li", "code"}),
    }  # fmt: skip
    for place, (markdown, allowed) in places.items():
        for renderer, to_html in RENDERERS.items():
            html = to_html(markdown)
            ledger.rendered += 1
            made = set(re.findall(r"<([a-z][a-z0-9]*)", html)) - allowed
            assert made == set(), (place, renderer, value, markdown, html)
            assert "href" not in html, (place, renderer, value, html)
            if place == "paragraph":  # and it reads exactly as it was sent
                visible = html_lib.unescape(re.sub(r"<[^>]+>", "", html))
                assert visible.split() == value.split(), (renderer, value, html)


# -- 4. One mask for every name, page, console line and log ----------------------------


def _today_ddmmyyyy(zone: str) -> str:
    return today_in(zone).strftime("%d%m%Y")


def test_nrp_in_names_is_masked_everywhere_and_a_date_is_a_date(
    live, ref, ledger, tmp_path, capsys
):
    data = write(tmp_path / "a.xlsx", valid_sections()).read_bytes()
    dated = f"laporan-balangan-{_today_ddmmyyyy('Asia/Makassar')}"
    with live.client("op-balangan") as op:
        as_date = op.post("/api/v1/submisi", files={"berkas": (f"{dated}.xlsx", data)}).json()
        as_nrp = op.post(
            "/api/v1/submisi", files={"berkas": (f"rekap-{NRP_NAME}.xlsx", data[:-10])}
        ).json()
    assert as_date["berkas"].endswith(f"_{dated}.xlsx")  # the operator's own name, as sent
    assert NRP_NAME not in as_nrp["berkas"] and as_nrp["berkas"].endswith("rekap-*****849.xlsx")
    # Files put into inboxes another way, one in a subfolder, one rejected.
    inbox = live.raw / "balangan"
    (inbox / "sub").mkdir()
    write(inbox / f"rekap-{NRP_NAME}.json", valid_sections())
    (inbox / "sub" / f"rekap-{NRP_NAME}.xlsx").write_bytes(b"bukan buku kerja")
    op, _ = sign_in(live, "op-balangan")
    staff, _ = sign_in(live, "staf-kalsel")
    pages = {
        "operator /submisi": op.get("/submisi").text,
        "operator /beranda": op.get("/beranda").text,
        "staff /beranda": staff.get("/beranda").text,
        "staff /submisi?polres=balangan": staff.get("/submisi?polres=balangan").text,
    }
    with live.client("op-balangan") as api:
        pages["API list"] = api.get("/api/v1/submisi").text
    for name, text in pages.items():
        ledger.names_scanned += 1
        assert NRP_NAME not in text, name
    assert "rekap-*****849.json" in pages["operator /submisi"]
    assert dated in pages["operator /submisi"]  # the date-named upload, as uploaded
    # The ingest's console line for the rejected file.
    summary = run_ingest(live.settings, ref)
    _print_summary(summary)
    console = capsys.readouterr().out
    assert "Ditolak: balangan/sub/rekap-*****849.xlsx" in console
    assert NRP_NAME not in console
    ledger.names_scanned += 1
    # After the ingest, every page again, and the subfolder file's error report opens.
    listing = op.get("/submisi").text
    assert NRP_NAME not in listing and NRP_NAME not in staff.get("/beranda").text
    link = re.search(r'href="(/galat/balangan/sub/[^"]+)"', listing)
    assert link, "the subfolder file has no error report link"
    report = op.get(link.group(1).replace("&amp;", "&"))
    assert report.status_code == 200 and "rekap-*****849.xlsx" in report.text
    assert NRP_NAME not in report.text
    ledger.names_scanned += 3


def test_a_crafted_cell_logs_no_nrp(live, ledger, tmp_path, caplog):
    source = write(tmp_path / "baik.xlsx", valid_sections())
    crafted = tmp_path / "sel.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(crafted, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name == "xl/worksheets/sheet2.xml":  # pengamanan
                data = re.sub(
                    rb'<c r="C2"[^>]*>.*?</c>', f'<c r="C2" t="e"><v>{NRP_CELL}</v></c>'.encode(),
                    data, count=1,
                )  # fmt: skip
            zout.writestr(name, data)
    caplog.set_level(logging.INFO, logger="lapsit")
    with live.client("op-balangan") as op:
        body = op.post("/api/v1/submisi", files={"berkas": ("sel.xlsx", crafted.read_bytes())})
    assert body.json()["sah"] is False
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "tidak terbaca" in logged  # the reader did log the library's words ...
    assert NRP_CELL not in logged and "*****858" in logged  # ... masked
    ledger.names_scanned += 1


def test_the_error_report_page_and_file_name_keep_a_date_and_mask_an_nrp():
    received = dt.datetime(2026, 12, 8, 3, 0, tzinfo=dt.UTC)
    ctx = report_context(
        f"balangan/08122026-{NRP_NAME}.xlsx", "Polres Balangan", "ditolak", [], received
    )
    assert ctx["file"] == "balangan/08122026-*****849.xlsx"


# -- 5. JSON with a byte-order mark, and the doc that says so ---------------------------


def test_json_with_a_byte_order_mark_is_read_as_the_doc_says(tmp_path, ref):
    path = write(tmp_path / "balangan" / "laporan.json", valid_sections())
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = validate_file(path, "balangan", ref, max_bytes=10**7, max_rows=5000)
    assert result.accepted, result.errors
    doc = (Path(__file__).parents[2] / "docs" / "security.md").read_text(encoding="utf-8")
    assert "a byte-order mark is read as UTF-8" in " ".join(doc.split())


# -- 8. Behind an unconfigured proxy: said at start-up and in the log -------------------


def test_forwarded_for_from_a_stranger_is_logged_once_per_address(tmp_path, ref, caplog):
    settings = Settings(data_dir=tmp_path / "d")
    settings.data_dir.mkdir()
    make_accounts(settings, ref)
    caplog.set_level(logging.WARNING, logger="lapsit.portal")
    with serve(settings, ref) as live:
        for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
            httpx.get(f"{live.url}/masuk", headers={"X-Forwarded-For": address})
        httpx.get(f"{live.url}/masuk")
    warned = [r.getMessage() for r in caplog.records if "X-Forwarded-For" in r.getMessage()]
    assert len(warned) == 1 and "127.0.0.1" in warned[0] and "LAPSIT_PORTAL_PROXY" in warned[0]
    # From a configured proxy the header is believed, and nothing is said.
    caplog.clear()
    settings = Settings(data_dir=tmp_path / "e", portal_proxy=["127.0.0.0/8"])
    settings.data_dir.mkdir()
    with serve(settings, ref) as live:
        httpx.get(f"{live.url}/masuk", headers={"X-Forwarded-For": "192.0.2.1"})
    assert not [r for r in caplog.records if "X-Forwarded-For" in r.getMessage()]


def test_listening_beyond_loopback_without_a_proxy_is_a_warning():
    bare = Settings(data_dir=Path("/tmp/x"))
    proxied = Settings(data_dir=Path("/tmp/x"), portal_proxy=["10.0.0.5"])
    assert "LAPSIT_PORTAL_PROXY" in (exposure_warning("0.0.0.0", bare) or "")
    assert exposure_warning("192.168.1.20", bare) is not None
    for host in ("127.0.0.1", "::1", "localhost"):
        assert exposure_warning(host, bare) is None
    assert exposure_warning("0.0.0.0", proxied) is None


def test_json_answers_carry_no_nrp_of_the_name(live, tmp_path):
    data = write(tmp_path / "a.json", valid_sections()).read_bytes()
    with live.client("op-balangan") as op:
        answer = op.post("/api/v1/submisi", files={"berkas": (f"{NRP_NAME}.json", data)})
    assert NRP_NAME not in answer.text and json.loads(answer.text)["sah"] is True
