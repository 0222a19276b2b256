"""The pages (Bahasa Indonesia, no script needed): sign in and out, the operator's day, the
staff board, the verdict on an upload, the submissions, error reports, the latest reports.
"""

import json
import secrets
from typing import Annotated
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from lapsit.clock import local_stamp
from lapsit.galat import ERROR, WARNING, Galat
from lapsit.ingest.error_report import context as report_context
from lapsit.portal import accounts, audit
from lapsit.portal.accounts import Throttled
from lapsit.portal.board import board, latest_reports, report_file
from lapsit.portal.context import Portal
from lapsit.portal.deps import (
    THROTTLED,
    PortalDep,
    SignedIn,
    address,
    check_csrf,
    csrf_token,
    session_id,
    writable,
)
from lapsit.portal.submissions import submissions, submit
from lapsit.portal.uploads import BadForm, receive_form
from lapsit.publishing.template import default_filename, template_date, write_template
from lapsit.templating import render
from schemas.choices import SUBMISSION_WORDS

router = APIRouter()
SMALL_FORM_BYTES = 16 * 1024
LISTED = 20
SUBMISSION_STATUS = {code: str(word) for code, word in SUBMISSION_WORDS.items()}


def page(request: Request, template: str, status: int = 200, **ctx) -> HTMLResponse:
    """A page of `templates/portal/`, with what the base layout needs."""
    html = render(
        f"portal/{template}", csrf=csrf_token(request), account=ctx.pop("account", None), **ctx
    )
    return HTMLResponse(html, status_code=status)


async def small_form(request: Request) -> dict[str, str]:
    """A URL-encoded form of a few fields, read under a small limit (413 beyond it)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > SMALL_FORM_BYTES:
            raise HTTPException(413, "Isian terlalu panjang.")
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {k: v[0] for k, v in fields.items()}


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/beranda", status_code=303)


@router.get("/masuk")
def sign_in_page(request: Request) -> HTMLResponse:
    return page(request, "masuk.html.j2", title="Masuk")


@router.post("/masuk")
async def sign_in(request: Request, p: PortalDep) -> Response:
    form = await small_form(request)
    check_csrf(request, form.get("csrf"))
    nama, sandi = form.get("nama", "").strip(), form.get("sandi", "")
    try:
        account = await run_in_threadpool(
            accounts.authenticate, p.engine, nama, sandi, address(request)
        )
    except Throttled:
        return page(request, "masuk.html.j2", 429, title="Masuk", pesan=THROTTLED, nama=nama)
    # None too when the password changed (or the account went) since it was checked.
    started = account and await run_in_threadpool(accounts.start_session, p.engine, account)
    if not started:
        pesan = "Nama akun atau kata sandi salah."
        return page(request, "masuk.html.j2", 401, title="Masuk", pesan=pesan, nama=nama)
    if previous := session_id(request):  # signing in over a session
        await run_in_threadpool(accounts.end_session, p.engine, previous)
    request.session.clear()  # a new session on every sign-in (no fixation)
    request.session.update(sesi=started, csrf=secrets.token_urlsafe(32))
    return RedirectResponse("/beranda", status_code=303)


@router.post("/keluar")
async def sign_out(request: Request, p: PortalDep) -> RedirectResponse:
    """End this session in the database, not only the browser's copy of its cookie."""
    form = await small_form(request)
    check_csrf(request, form.get("csrf"))
    if current := session_id(request):
        await run_in_threadpool(accounts.end_session, p.engine, current)
    request.session.clear()
    return RedirectResponse("/masuk?keluar=1", status_code=303)


def _polres_names(p: Portal, codes: list[str]) -> list[dict]:
    rows = p.ref.polres.select("kode_polres", "nama_polres").to_dicts()
    return [r for r in rows if r["kode_polres"] in codes]


def _report_link(kode_polres: str, berkas: str, id_submisi: str) -> str:
    """The address of a submission's error report (`berkas` as shown; see `error_report`)."""
    return f"/galat/{quote(kode_polres)}/{quote(berkas)}?id={id_submisi}"


def _listed(p: Portal, rows: list[dict]) -> list[dict]:
    """Submissions as the pages show them: local times, status in words."""
    zones = p.ref.zones()
    return [
        r
        | {
            "waktu": local_stamp(r["waktu_terima"], zones.get(r["kode_polres"])),
            "status_kata": SUBMISSION_STATUS.get(r["status"], r["status"]),
            "tautan": _report_link(r["kode_polres"], r["berkas"], r["id_submisi"]),
        }
        for r in rows
    ]


@router.get("/beranda")
def dashboard(request: Request, account: SignedIn, p: PortalDep) -> HTMLResponse:
    today = board(p, account.kode_polda)
    codes = account.polres_codes(p.ref)
    recent = _listed(p, submissions(p, codes, limit=LISTED))
    common = {
        "account": account,
        "board": today,
        "recent": recent,
        "polres": _polres_names(p, codes),
        "status_words": today.legend(),
    }
    if account.is_staff:
        reports = latest_reports(p, account.kode_polda)
        return page(request, "papan.html.j2", title="Papan kelengkapan", reports=reports, **common)
    mine = next(r for r in today.rows if r["kode_polres"] == account.kode_polres)
    return page(request, "beranda.html.j2", title="Beranda", mine=mine, **common)


@router.get("/templat")
def template_download(
    account: SignedIn,
    p: PortalDep,
    polres: Annotated[str | None, Query()] = None,
) -> Response:
    """Today's Excel template of the Polres (the generator of `lapsit template`).

    Written to a staging file, read back and removed before the answer is sent: a
    removal after the response (a background task) raced the client, and was skipped
    altogether when the client went away mid-download.
    """
    kode = writable(account, polres or account.kode_polres, p)
    day = template_date(p.ref, kode)  # today, in the Polres's time zone
    p.catalog.upload_staging.mkdir(parents=True, exist_ok=True)
    path = p.catalog.upload_staging / f"templat-{secrets.token_hex(8)}.xlsx"
    try:
        write_template(path, p.ref, kode, day)
        content = path.read_bytes()
    finally:
        path.unlink(missing_ok=True)
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{default_filename(kode, day)}"'},
    )


@router.post("/unggah")
async def upload(request: Request, account: SignedIn, p: PortalDep) -> HTMLResponse:
    received = await receive_form(
        dict(request.headers), request.stream(), p.catalog.upload_staging, p.settings.max_file_bytes
    )
    try:
        check_csrf(request, received.fields.get("csrf"))
        if received.staged is None or not received.filename:
            raise BadForm("Pilih berkas laporan (.xlsx atau .json) terlebih dahulu.")
        kode = writable(account, received.fields.get("kode_polres"), p)
        verdict = await run_in_threadpool(submit, p, account, received, kode, address(request))
    finally:
        received.discard()
    return page(
        request,
        "putusan.html.j2",
        title="Hasil pemeriksaan",
        account=account,
        verdict=verdict,
        nama_polres=p.ref.polres_row(kode)["nama_polres"],
        errors=[g for g in verdict.galat if g.severity == ERROR],
        warnings=[g for g in verdict.galat if g.severity == WARNING],
        json_file=verdict.berkas.endswith(".json"),
        waktu=local_stamp(verdict.waktu_terima, p.ref.zone_of(kode)),
        tautan=_report_link(kode, verdict.berkas, verdict.id_submisi),
    )


@router.get("/submisi")
def submission_list(
    request: Request,
    account: SignedIn,
    p: PortalDep,
    polres: Annotated[str | None, Query()] = None,
) -> HTMLResponse:
    codes = account.polres_codes(p.ref)
    if polres:
        if polres not in codes:
            raise HTTPException(403, f"Polres '{polres}' bukan wilayah akun ini.")
        codes = [polres]
    rows = _listed(p, submissions(p, codes, limit=200))
    return page(
        request,
        "submisi.html.j2",
        title="Daftar kiriman",
        account=account,
        rows=rows,
        polres=_polres_names(p, account.polres_codes(p.ref)),
        pilihan=polres,
    )


@router.get("/galat/{kode_polres}/{berkas:path}")
def error_report(
    kode_polres: str,
    berkas: str,
    account: SignedIn,
    p: PortalDep,
    id: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:
    """A submission's error report, printable: the registry's once ingested, else the verdict.

    `berkas`: the name inside the inbox as shown (a subfolder's `/` included, an NRP
    masked); `id`: the file's SHA-256, which the list's links add to tell apart two files
    whose shown names are the same.
    """
    if kode_polres not in account.polres_codes(p.ref):
        raise HTTPException(403, f"Polres '{kode_polres}' bukan wilayah akun ini.")
    found = next(
        (
            r
            for r in submissions(p, [kode_polres], limit=100_000)
            if r["berkas"] == berkas and id in (None, r["id_submisi"])
        ),
        None,
    )
    if found is None:
        raise HTTPException(404, "Kiriman itu tidak ada.")
    upload = audit.uploads(p.engine, [kode_polres]).get((kode_polres, berkas))
    if found["galat"] is not None:
        errors = json.loads(found["galat"])
        status = found["status"]
    elif upload is not None:
        errors = json.loads(upload["galat"] or "[]")
        status = "sah menurut pemeriksaan" if upload["sah"] else "tidak sah menurut pemeriksaan"
    else:
        errors, status = [], "belum diperiksa"
    ctx = report_context(
        berkas,
        p.ref.polres_row(kode_polres)["nama_polres"],
        status,
        [Galat(**g) for g in errors],
        found["waktu_terima"],
        p.ref.zone_of(kode_polres),
        json_file=berkas.endswith(".json"),
    )
    return HTMLResponse(render("galat.html.j2", **ctx))


@router.get("/laporan/{tanggal}/{nama}")
def report(tanggal: str, nama: str, account: SignedIn, p: PortalDep) -> FileResponse:
    """A situation report of the account's Polda (only files its report folders hold)."""
    if not account.is_staff:
        raise HTTPException(403, "Laporan situasi Polda hanya untuk staf Polda.")
    path = report_file(p, account.kode_polda, tanggal, nama)
    if path is None:
        raise HTTPException(404, "Laporan itu tidak ada.")
    return FileResponse(path)
