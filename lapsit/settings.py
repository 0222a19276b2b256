"""One typed settings object for lapsit, read from `LAPSIT_*` environment variables.

Read once per command (the CLI) or per flow run, and passed down; every
location comes from its `catalog`, anchored at `data_dir`.
"""

import datetime as dt
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from lapsit.catalog import Catalog, Location

# The data dir when none is given (SPEC §6): made absolute once, at the edge (`resolved`).
DEFAULT_DATA_DIR = Path("data")


class Settings(BaseSettings):
    """Where lapsit keeps its data and the limits it applies."""

    model_config = SettingsConfigDict(env_prefix="LAPSIT_")

    data_dir: Path = DEFAULT_DATA_DIR
    # The Polda's daily deadline for submissions, in its own time zone.
    batas_waktu: dt.time = dt.time(20, 0)
    # Files above this size are refused before they are opened.
    max_file_bytes: int = 20 * 1024 * 1024
    # Rows above this count in one sheet are refused.
    max_rows: int = 5_000
    # New files validated and committed together (one Delta transaction per table per batch);
    # memory of an ingest grows with this, not with the number of new files.
    batch_files: int = Field(2000, ge=1)
    # With the Dask task runner, each batch is validated as chunks of this many files, one
    # task each, spread over the cluster's workers (the writes stay in the flow's process).
    dask_chunk_files: int = Field(200, ge=1)
    # Days of time travel that table maintenance (vacuum) keeps; older versions end.
    retensi_hari: int = Field(30, ge=0)
    # Where the curated Delta tables live when not in the local `curated/` folder,
    # e.g. `s3://lapsit/curated` (LAPSIT_CURATED_URI).
    curated_uri: str | None = None
    # delta-rs storage options for `curated_uri`, a JSON object in LAPSIT_STORAGE_OPTIONS,
    # e.g. {"AWS_ENDPOINT_URL": "http://minio:9000"}; delta-rs also reads AWS_* variables.
    # Left out of the repr: it may hold credentials.
    storage_options: dict[str, str] = Field(default_factory=dict, repr=False)
    # The portal (SPEC §7). Its database: any SQLAlchemy URL (LAPSIT_PORTAL_DB, e.g.
    # postgresql+psycopg://user:pass@host/lapsit); empty: SQLite under the data dir. Left
    # out of the repr: a URL may hold a password.
    portal_db: str | None = Field(None, repr=False)
    # The key signing session cookies (LAPSIT_PORTAL_SECRET); empty: generated once into the
    # data dir (`Catalog.session_secret`). Never logged.
    portal_secret: str | None = Field(None, repr=False)
    # Proxy addresses (or networks) trusted for the client's address and scheme
    # (X-Forwarded-For, X-Forwarded-Proto), a JSON list in LAPSIT_PORTAL_PROXY; empty: none.
    portal_proxy: list[str] = Field(default_factory=list)
    # How long a portal session lasts from sign-in, in hours.
    portal_sesi_jam: float = Field(8, gt=0)

    @property
    def catalog(self) -> Catalog:
        """Every location of the data dir, the curated tables' among them."""
        uri = self.curated_uri or str(self.data_dir / "curated")
        return Catalog(self.data_dir, Location(uri, dict(self.storage_options) or None))


def resolved(data_dir: str | Path | None = None) -> Settings:
    """The settings of one command or flow run, with the data dir made absolute once.

    `data_dir`: given by the user (`--data-dir`, a flow parameter); else
    LAPSIT_DATA_DIR, else `data/` of the current folder.
    """
    settings = Settings(data_dir=Path(data_dir)) if data_dir else Settings()
    return settings.model_copy(update={"data_dir": settings.data_dir.resolve()})
