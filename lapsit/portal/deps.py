"""What the portal's handlers depend on: the portal, the signed-in account, CSRF, the API's caller.

No handler checks roles or sessions by hand: `signed_in` yields the account of a valid
session (or sends the browser to *masuk*), `api_caller` the account of valid HTTP Basic
credentials on a same-site request, and `writable` refuses a Polres the account may not
write (403).
"""

import datetime as dt
import hmac
import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPBasic, HTTPBasicCredentials

from lapsit.portal import accounts
from lapsit.portal.accounts import Account, Throttled
from lapsit.portal.context import Portal

_basic = HTTPBasic(auto_error=False, realm="lapsit")
THROTTLED = "Terlalu banyak percobaan masuk yang gagal. Coba lagi setelah 15 menit."


class SignInRequired(Exception):
    """No valid session: the page handler's answer is a redirect to *masuk*."""


def portal(request: Request) -> Portal:
    return request.app.state.portal


def address(request: Request) -> str:
    """The client's address (a trusted proxy's X-Forwarded-For already applied)."""
    return request.client.host if request.client else "-"


def csrf_token(request: Request) -> str:
    """This session's CSRF token, made on first use (the sign-in form has one too)."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, given: str | None) -> None:
    """403 unless the form's token is this session's and the request is not cross-site."""
    expected = request.session.get("csrf", "")
    if not expected or not given or not hmac.compare_digest(expected, given):
        raise HTTPException(403, "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman.")
    refuse_cross_site(request)


PortalDep = Annotated[Portal, Depends(portal)]


def session_id(request: Request) -> str | None:
    """The session id the signed cookie carries, if any."""
    found = request.session.get("sesi")
    return found if isinstance(found, str) else None


def signed_in(request: Request, p: PortalDep) -> Account:
    """The account of this session; SignInRequired when none, ended or expired.

    The cookie carries only the session's id; the session's row says whether it still
    counts (SPEC §7 v3): a copy of the cookie is worth nothing once *keluar* ended it.
    """
    current = session_id(request)
    lifetime = dt.timedelta(hours=p.settings.portal_sesi_jam)
    account = accounts.session_account(p.engine, current, lifetime) if current else None
    if account is None:
        request.session.clear()
        raise SignInRequired
    return account


SignedIn = Annotated[Account, Depends(signed_in)]


def refuse_cross_site(request: Request) -> None:
    """403 for a request whose Origin or Sec-Fetch-Site names another site."""
    if request.headers.get("sec-fetch-site", "").lower() == "cross-site":
        raise HTTPException(403, "Permintaan dari situs lain ditolak.")
    origin = request.headers.get("origin")
    if origin is None:
        return
    parts = urlsplit(origin)
    host = request.headers.get("host", "")
    if origin == "null" or parts.netloc.lower() != host.lower():
        raise HTTPException(403, "Permintaan dari situs lain ditolak.")


def api_caller(
    request: Request,
    credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)],
    p: PortalDep,
) -> Account:
    """The account of the request's HTTP Basic credentials (401, 429 or 403 otherwise)."""
    refuse_cross_site(request)
    unauthorized = HTTPException(
        401,
        "Nama akun atau kata sandi salah.",
        headers={"WWW-Authenticate": 'Basic realm="lapsit"'},
    )
    if credentials is None:
        raise unauthorized
    try:
        account = accounts.authenticate(
            p.engine, credentials.username, credentials.password, address(request)
        )
    except Throttled:
        raise HTTPException(429, THROTTLED, headers={"Retry-After": "900"}) from None
    if account is None:
        raise unauthorized
    return account


ApiCaller = Annotated[Account, Depends(api_caller)]


def writable(account: Account, kode_polres: str | None, p: Portal) -> str:
    """The Polres an upload goes to: the operator's own; for staff the one it names, of its Polda."""
    if not account.is_staff:
        if kode_polres not in (None, "", account.kode_polres):
            raise HTTPException(403, "Akun ini hanya boleh mengirim untuk Polres-nya sendiri.")
        return account.kode_polres or ""
    if not kode_polres:
        raise HTTPException(400, "Sebutkan kode_polres: staf Polda mengirim atas nama satu Polres.")
    if not account.may_write(kode_polres, p.ref):
        raise HTTPException(403, f"Polres '{kode_polres}' bukan wilayah Polda akun ini.")
    return kode_polres
