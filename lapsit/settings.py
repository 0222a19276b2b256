"""One typed settings object for lapsit, read from `LAPSIT_*` environment variables.

Read once per command (the CLI) or per flow run, and passed down; every
location comes from its `catalog`, anchored at `data_dir`. Every environment
variable lapsit reads is a field here; the exceptions are `XDG_CACHE_HOME` and
`HOME` (where a cache goes when `LAPSIT_CACHE_DIR` is not set) and Prefect's
own `PREFECT_*` variables, which Prefect reads.
"""

import datetime as dt
import os
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

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

    # Where a passed check of the reference files is kept between commands
    # (LAPSIT_CACHE_DIR); empty: `$XDG_CACHE_HOME/lapsit`, else `~/.cache/lapsit`.
    cache_dir: Path | None = None

    @field_validator("cache_dir", mode="before")
    @classmethod
    def _unset_when_empty(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    # The rejection webhook of each Polda, from the family LAPSIT_WEBHOOK_URL_<KODE_POLDA>
    # (`WebhookUrls`), by Polda code in lowercase. Left out of the repr: a URL may hold a
    # token.
    webhook_urls: dict[str, str] = Field(default_factory=dict, repr=False)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, WebhookUrls(settings_cls), file_secret_settings)

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


class WebhookUrls(PydanticBaseSettingsSource):
    """`webhook_urls` from the variables LAPSIT_WEBHOOK_URL_<KODE_POLDA> (one per Polda)."""

    PREFIX = "LAPSIT_WEBHOOK_URL_"

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        urls = {
            name.removeprefix(self.PREFIX).lower(): value.strip()
            for name, value in os.environ.items()
            if name.startswith(self.PREFIX) and value.strip()
        }
        return {"webhook_urls": urls} if urls else {}
