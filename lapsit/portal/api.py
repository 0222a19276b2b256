"""The API of SPEC §7 for scripts and tests: HTTP Basic only, JSON answers."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.concurrency import run_in_threadpool

from lapsit.portal.deps import ApiCaller, PortalDep, address, writable
from lapsit.portal.submissions import api_row, submissions, submit
from lapsit.portal.uploads import FILE_FIELD, receive_form

router = APIRouter(prefix="/api/v1")


@router.post("/submisi")
async def post_submisi(request: Request, account: ApiCaller, p: PortalDep) -> dict:
    """Store one upload in its inbox and answer with its verdict."""
    received = await receive_form(
        dict(request.headers), request.stream(), p.catalog.upload_staging, p.settings.max_file_bytes
    )
    try:
        if received.staged is None:
            raise HTTPException(400, f"Isian '{FILE_FIELD}' (berkas laporan) tidak ada.")
        kode = writable(account, received.fields.get("kode_polres"), p)
        verdict = await run_in_threadpool(submit, p, account, received, kode, address(request))
    finally:
        received.discard()
    return verdict.to_api()


@router.get("/submisi")
def get_submisi(
    account: ApiCaller,
    p: PortalDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    sebelum: Annotated[dt.datetime | None, Query()] = None,
) -> list[dict]:
    """The caller's submissions (all of its Polda's for staff), newest first."""
    if sebelum is not None and sebelum.tzinfo is None:
        raise HTTPException(
            400, "sebelum harus memuat zona waktu, misalnya 2024-11-20T20:00+08:00."
        )
    zones = p.ref.zones()
    rows = submissions(p, account.polres_codes(p.ref), limit=limit, before=sebelum)
    return [api_row(r, zones.get(r["kode_polres"])) for r in rows]
