"""The portal's application factory (FastAPI's "bigger applications" layout).

`create_app(settings)` reads the reference data, connects to (and migrates) the database,
warms the validator, and wires the routers (`pages`, `api`) behind the middleware: the
trusted proxies' headers (only from LAPSIT_PORTAL_PROXY), signed session cookies
(`Secure` when the request came over HTTPS), and headers that keep pages from being
framed or from loading anything from elsewhere.
"""

import datetime as dt
import http
import ipaddress
import logging
import os
import secrets
import tempfile
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from lapsit.demo import content
from lapsit.demo.files import write_json, write_xlsx
from lapsit.portal import api, pages
from lapsit.portal.context import Portal
from lapsit.portal.db import connect
from lapsit.portal.deps import SignInRequired
from lapsit.portal.uploads import BadForm, TooLarge
from lapsit.reference import Reference, load_reference
from lapsit.settings import Settings
from lapsit.templating import render
from lapsit.validation.batch import validate_file

log = logging.getLogger("lapsit.portal")
SESSION_COOKIE = "lapsit_sesi"
PAGE_HEADERS = {
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


# Starlette's own refusals (an unknown path, a wrong method), said in Indonesian.
STATUS_WORDS = {
    404: "Halaman atau berkas itu tidak ada.",
    405: "Cara permintaan ini tidak diterima di alamat itu.",
}
PARAMETERS = (
    "limit: angka 1-500; sebelum: waktu ISO 8601 dengan zona, misalnya 2024-11-20T20:00+08:00."
)


def session_secret(settings: Settings) -> str:
    """LAPSIT_PORTAL_SECRET, else the data dir's key, made once (mode 600) and kept."""
    if settings.portal_secret:
        return settings.portal_secret
    path = settings.catalog.session_secret
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="ascii").strip()


def warm_up(portal: Portal) -> None:
    """Validate one good report of each format once, so that the first verdict is quick."""
    ref = portal.ref
    kode = ref.polres["kode_polres"][0]
    day = content.DAYS[0]
    kecs = content.jurisdictions(ref, ref.polda_of()[kode])[kode]
    sections, _ = content.submission(kode, day, content.stage_code(ref, day), kecs)
    with tempfile.TemporaryDirectory() as tmp:
        for path in (
            write_xlsx(Path(tmp) / "contoh.xlsx", sections),
            write_json(Path(tmp) / "contoh.json", sections),
        ):
            validate_file(
                path,
                kode,
                ref,
                max_bytes=portal.settings.max_file_bytes,
                max_rows=portal.settings.max_rows,
                received=dt.datetime.now(dt.UTC),
            )


class PageHeaders:
    """Security headers on every answer; `Secure` on the session cookie over HTTPS."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = []
                for name, value in message.get("headers", []):
                    if https and name.lower() == b"set-cookie" and b"secure" not in value.lower():
                        value += b"; secure"
                    headers.append((name, value))
                present = {name.lower() for name, _ in headers}
                for name, value in PAGE_HEADERS.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_wrapper)


def _trusted(address: str, proxies: list[str]) -> bool:
    """Whether a client address is one of the configured proxies (addresses or networks)."""
    if "*" in proxies:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address in proxies
    for entry in proxies:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


class UntrustedForwarding:
    """Log, once per process and address, a request that names a client (X-Forwarded-For)
    from an address that is not a configured proxy (SPEC §7 v3): the header is ignored, so
    behind an unconfigured reverse proxy every client is the proxy, and one stranger's ten
    wrong passwords would refuse an account to everyone."""

    REMEMBERED = 1024  # addresses already warned of, at most

    def __init__(self, app: ASGIApp, proxies: list[str]) -> None:
        self.app = app
        self.proxies = proxies
        self.warned: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            client = (scope.get("client") or ("-", 0))[0]
            forwarded = any(name.lower() == b"x-forwarded-for" for name, _ in scope["headers"])
            full = (
                len(self.warned) >= self.REMEMBERED
            )  # then silent: no flood of addresses floods it
            if (
                forwarded
                and client not in self.warned
                and not full
                and not _trusted(client, self.proxies)
            ):
                self.warned.add(client)
                log.warning(
                    "Permintaan dari %s membawa X-Forwarded-For, tetapi %s bukan proxy "
                    "terpercaya (LAPSIT_PORTAL_PROXY): kepala itu diabaikan. Di belakang "
                    "reverse proxy, isi LAPSIT_PORTAL_PROXY dengan alamat proxy itu.",
                    client,
                    client,
                )
        await self.app(scope, receive, send)


def exposure_warning(host: str, settings: Settings) -> str | None:
    """A warning when the portal listens beyond this machine without a trusted proxy."""
    if settings.portal_proxy:
        return None
    try:
        loopback = ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if loopback:
        return None
    return (
        f"Peringatan: portal mendengarkan di {host} tanpa LAPSIT_PORTAL_PROXY. Jika portal "
        "berada di belakang reverse proxy, semua pengguna tampak sebagai alamat proxy itu dan "
        "sepuluh kata sandi salah dari satu orang menutup akun bagi semua orang; isi "
        "LAPSIT_PORTAL_PROXY (mis. '[\"127.0.0.1\"]') dengan alamat proxy tersebut."
    )


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str, headers=None) -> Response:
    if _wants_json(request):
        return JSONResponse({"galat": message}, status_code=status, headers=headers)
    html = render("portal/galat.html.j2", title="Tidak dapat diproses", pesan=message, kode=status,
                  account=None, csrf="")  # fmt: skip
    return Response(html, status_code=status, media_type="text/html", headers=headers)


def create_app(settings: Settings, ref: Reference | None = None) -> FastAPI:
    """The portal for one data dir (which must exist: the CLI says so before)."""
    ref = ref or load_reference(settings.catalog.reference_dir)
    portal = Portal(settings, ref, connect(settings))
    warm_up(portal)
    app = FastAPI(title="lapsit portal", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.portal = portal
    app.include_router(pages.router)
    app.include_router(api.router)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _exc: SignInRequired) -> Response:
        if _wants_json(request):
            return _error(request, 401, "Belum masuk.")
        return RedirectResponse("/masuk", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = str(exc.detail)
        if detail == http.HTTPStatus(exc.status_code).phrase:  # Starlette's own, in English
            detail = STATUS_WORDS.get(exc.status_code, "Permintaan tidak dapat diproses.")
        return _error(request, exc.status_code, detail, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        names = sorted({str(e["loc"][-1]) for e in exc.errors() if e.get("loc")})
        return _error(request, 400, f"Parameter tidak sah: {', '.join(names)}. {PARAMETERS}")

    @app.exception_handler(TooLarge)
    async def _too_large(request: Request, _exc: TooLarge) -> Response:
        limit = f"{settings.max_file_bytes:,}".replace(",", ".")
        return _error(request, 413, f"Berkas terlalu besar; batasnya {limit} bita. Tidak disimpan.")

    @app.exception_handler(BadForm)
    async def _bad_form(request: Request, exc: BadForm) -> Response:
        return _error(request, 400, f"Permintaan tidak sah: {exc}.")

    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(settings),
        session_cookie=SESSION_COOKIE,
        max_age=int(settings.portal_sesi_jam * 3600),
        same_site="lax",
    )
    app.add_middleware(PageHeaders)
    if settings.portal_proxy:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.portal_proxy)
    # Outermost: sees the address the request really came from.
    app.add_middleware(UntrustedForwarding, proxies=settings.portal_proxy)
    return app
