"""The portal's database on a real PostgreSQL (LAPSIT_PORTAL_DB, psycopg): migrations,
accounts, throttling (a burst of thirty at once too) and the audit log, and an upload through
the running portal."""

from collections import Counter

import pytest
import sqlalchemy as sa

from lapsit.portal import accounts
from lapsit.portal.audit import entries
from lapsit.portal.db import connect
from lapsit.settings import Settings
from tests.builders import valid_sections, write
from tests.flows.test_postgres_workers import PASSWORD as PG_PASSWORD
from tests.flows.test_postgres_workers import postgres_cluster
from tests.portal.conftest import PASSWORD, make_accounts, serve
from tests.portal.test_probe import burst

pytestmark = pytest.mark.slow


def test_the_portal_on_postgresql(tmp_path, ref):
    with postgres_cluster(tmp_path) as pg:
        url = f"postgresql+psycopg://prefect:{PG_PASSWORD}@127.0.0.1:{pg.port}/prefect"
        settings = Settings(data_dir=tmp_path / "data", portal_db=url)
        settings.data_dir.mkdir()
        make_accounts(settings, ref)
        engine = connect(settings)  # migrating again is a no-op
        assert pg.sql("SELECT version_num FROM alembic_version") == "0002"
        assert pg.sql("SELECT count(*) FROM akun") == "5"
        assert pg.sql("SELECT count(*) FROM akun WHERE sandi LIKE '$argon2id$%'") == "5"
        assert not (settings.catalog.portal_db).exists()  # nothing fell back to SQLite
        for _ in range(10):
            assert accounts.authenticate(engine, "op-balangan", "salah", "192.0.2.1") is None
        with pytest.raises(accounts.Throttled):
            accounts.authenticate(engine, "op-balangan", PASSWORD, "192.0.2.1")
        assert accounts.authenticate(engine, "op-balangan", PASSWORD, "192.0.2.2") is not None

        # Thirty at once from a fresh address: the check and the record are one step.
        def attempt():
            try:
                return accounts.authenticate(engine, "op-tapin", "salah", "192.0.2.3")
            except accounts.Throttled:
                return "429"

        assert burst(30, attempt) == Counter({None: 10, "429": 20})
        with serve(settings, ref) as live, live.client("op-balangan") as client:
            data = write(tmp_path / "t.xlsx", valid_sections()).read_bytes()
            body = client.post("/api/v1/submisi", files={"berkas": ("t.xlsx", data)}).json()
            assert body["sah"] is True
            assert client.get("/api/v1/submisi").json()[0]["sah"] is True
        accounts.remove_account(engine, "op-balangan")
        kept = entries(engine, "op-balangan")
        assert [e["aksi"] for e in kept] == ["akun_tambah", "unggah", "akun_hapus"]
        assert kept[1]["id_submisi"] == body["id_submisi"]
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM akun")).scalar() == 4
        engine.dispose()
