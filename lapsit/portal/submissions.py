"""A Polres's submissions as the portal gives them: the verdict on an upload, and the list.

The verdict is `lapsit.validation.batch.validate_file` on the stored file with the moment it
was received, as the next ingest will validate it; whether its bytes were already
received is `lapsit.ingest.discover.split_new`'s answer, as the ingest will give it.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from lapsit.clock import local
from lapsit.galat import Galat
from lapsit.ingest.discover import DECISION_COLUMNS, list_inbox, split_new
from lapsit.ingest.records import EPOCH
from lapsit.portal import audit
from lapsit.portal.accounts import Account
from lapsit.portal.context import Portal
from lapsit.portal.uploads import Received, store, stored_name
from lapsit.privacy import mask_nrp
from lapsit.storage.registry import read_registry
from lapsit.validation.batch import validate_file
from schemas.choices import MENUNGGU

PENDING = MENUNGGU  # a file in its inbox that no ingest has registered yet


@dataclass(frozen=True)
class UploadVerdict:
    """The verdict on one upload (SPEC §7), advisory until the next ingest."""

    id_submisi: str
    berkas: str  # the stored name, inside the inbox
    kode_polres: str
    sah: bool
    galat: list[Galat]
    duplikat: bool
    waktu_terima: dt.datetime

    def to_api(self) -> dict:
        return {
            "id_submisi": self.id_submisi,
            "berkas": self.berkas,
            "kode_polres": self.kode_polres,
            "sah": self.sah,
            "galat": [g.to_dict() for g in self.galat],
            "duplikat": self.duplikat,
        }


def _received_at(path: Path) -> dt.datetime:
    """The file's modification time, as the ingest reads it (`Delivery.received`)."""
    return EPOCH + dt.timedelta(microseconds=path.stat().st_mtime_ns // 1000)


def submit(
    portal: Portal, account: Account, received: Received, kode_polres: str, alamat: str
) -> UploadVerdict:
    """Store an upload in the inbox of `kode_polres` as received, give its verdict, audit it."""
    assert received.staged is not None
    settings, ref = portal.settings, portal.ref
    zone = ref.zone_of(kode_polres)
    moment = local(dt.datetime.now(dt.UTC), zone)
    inbox = portal.catalog.inbox(kode_polres)
    path = store(received.staged, inbox, stored_name(received.filename, moment))
    at = _received_at(path)
    with portal.validating:
        result = validate_file(
            path,
            kode_polres,
            ref,
            max_bytes=settings.max_file_bytes,
            max_rows=settings.max_rows,
            received=at,
        )
    verdict = UploadVerdict(
        id_submisi=received.sha256,
        berkas=path.name,
        kode_polres=kode_polres,
        sah=result.accepted,
        galat=result.errors,
        duplikat=_already_received(portal, kode_polres, path.name),
        waktu_terima=at,
    )
    audit.record_upload(
        portal.engine,
        akun=account.nama,
        peran=account.peran,
        kode_polres=kode_polres,
        berkas=verdict.berkas,
        id_submisi=verdict.id_submisi,
        ukuran=received.size,
        alamat=alamat,
        galat=verdict.galat,
        sah=verdict.sah,
        duplikat=verdict.duplikat,
        atas_nama=account.is_staff,
    )
    return verdict


def _already_received(portal: Portal, kode_polres: str, name: str) -> bool:
    """Whether the ingest will take the stored file for a copy of one received before."""
    registry = read_registry(portal.catalog.tables, DECISION_COLUMNS).filter(
        pl.col("kode_polres") == kode_polres
    )
    rel = f"{kode_polres}/{name}"
    _, duplicates, _ = split_new(list_inbox(portal.catalog.raw_dir, kode_polres), registry)
    return any(d.rel == rel for d, _ in duplicates)


LISTED_COLUMNS = (
    "id_submisi",
    "path",
    "kode_polres",
    "waktu_terima",
    "tanggal",
    "status",
    "jumlah_galat",
    "jumlah_peringatan",
    "galat",
    "laporan_galat",
    "diproses_pada",
)


def submissions(
    portal: Portal, codes: list[str], limit: int = 50, before: dt.datetime | None = None
) -> list[dict]:
    """The files received from these Polres, newest first: registered ones with the
    registry's status, the rest `menunggu`; `sah` is the portal's verdict (None for a file
    that did not come through the portal). `before`: only files received earlier.
    `berkas` is the name inside the inbox as shown (`mask_nrp`), never the raw path.
    """
    registry = (
        read_registry(portal.catalog.tables, LISTED_COLUMNS)
        .filter(pl.col("kode_polres").is_in(codes))
        .sort("diproses_pada")
        .unique("path", keep="last")
    )
    rows = {r["path"]: r for r in registry.to_dicts()}
    for code in codes:
        for d in list_inbox(portal.catalog.raw_dir, code):
            if d.rel in rows:
                continue
            try:
                sha = d.sha256
            except OSError:
                continue
            rows[d.rel] = {
                "id_submisi": sha,
                "path": d.rel,
                "kode_polres": code,
                "waktu_terima": d.received,
                "tanggal": None,
                "status": PENDING,
                "jumlah_galat": None,
                "jumlah_peringatan": None,
                "galat": None,
                "laporan_galat": None,
            }
    verdicts = audit.uploads(portal.engine, codes)
    zones = portal.ref.zones()
    out = []
    for row in rows.values():
        if before is not None and row["waktu_terima"] >= before:
            continue
        berkas = row["path"].split("/", 1)[1] if "/" in row["path"] else row["path"]
        # As shown everywhere: an NRP in the name masked, a date near its arrival kept.
        # The portal stores its uploads under names already so masked.
        day = local(row["waktu_terima"], zones.get(row["kode_polres"])).date()
        berkas = mask_nrp(berkas, day)
        upload = verdicts.get((row["kode_polres"], berkas))
        out.append(row | {"berkas": berkas, "sah": upload["sah"] if upload else None})
    out.sort(key=lambda r: (r["waktu_terima"], r["path"]), reverse=True)
    return out[:limit]


def api_row(row: dict, zone: str | None) -> dict:
    """One submission as `GET /api/v1/submisi` gives it (times in the Polres's zone)."""
    return {
        "id_submisi": row["id_submisi"],
        "berkas": row["berkas"],
        "kode_polres": row["kode_polres"],
        "waktu_terima": local(row["waktu_terima"], zone).isoformat(),
        "sah": row["sah"],
        "status": row["status"],
    }
