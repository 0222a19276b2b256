"""The audit log: every upload (account, Polres, file, hash, time, address, verdict) and
every account change, as rows of the `audit` table. Entries name the account as text, so
removing an account keeps them.
"""

import json

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from lapsit.galat import Galat
from lapsit.portal.db import audit, now, utc


def record(conn: Connection, aksi: str, akun: str, **values) -> None:
    """Add one entry in the caller's transaction."""
    conn.execute(audit.insert().values(waktu=now(), aksi=aksi, akun=akun, **values))


def record_upload(
    engine: Engine,
    *,
    akun: str,
    peran: str,
    kode_polres: str,
    berkas: str,
    id_submisi: str,
    ukuran: int,
    alamat: str,
    galat: list[Galat],
    sah: bool,
    duplikat: bool,
    atas_nama: bool,
) -> None:
    with engine.begin() as conn:
        record(
            conn,
            "unggah",
            akun,
            peran=peran,
            kode_polres=kode_polres,
            berkas=berkas,
            id_submisi=id_submisi,
            ukuran=ukuran,
            alamat=alamat[:64],
            sah=sah,
            duplikat=duplikat,
            atas_nama=atas_nama,
            galat=json.dumps([g.to_dict() for g in galat], ensure_ascii=False),
        )


def uploads(engine: Engine, kode_polres: list[str]) -> dict[tuple[str, str], dict]:
    """(kode_polres, stored name) -> the latest upload entry of that file."""
    query = (
        sa.select(audit)
        .where(audit.c.aksi == "unggah", audit.c.kode_polres.in_(kode_polres))
        .order_by(audit.c.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return {(r["kode_polres"], r["berkas"]): dict(r) | {"waktu": utc(r["waktu"])} for r in rows}


def entries(engine: Engine, akun: str | None = None) -> list[dict]:
    """Every entry (of one account's name), oldest first."""
    query = sa.select(audit).order_by(audit.c.id)
    if akun is not None:
        query = query.where(audit.c.akun == akun)
    with engine.connect() as conn:
        return [dict(r) | {"waktu": utc(r["waktu"])} for r in conn.execute(query).mappings()]
