"""One typed settings object for lapsit, read from `LAPSIT_*` environment variables."""

import datetime as dt
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from lapsit.catalog import Location

SHIPPED_REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"


class Settings(BaseSettings):
    """Where lapsit keeps its data and the limits it applies; every local path hangs off `data_dir`."""

    model_config = SettingsConfigDict(env_prefix="LAPSIT_")

    data_dir: Path = Path("data")
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

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def curated_dir(self) -> Path:
        """The local `curated/` folder: the tables unless `curated_uri` is set; the ingest lock."""
        return self.data_dir / "curated"

    @property
    def curated_location(self) -> Location:
        """Where the curated tables are read and written, with their storage options."""
        uri = self.curated_uri or str(self.curated_dir)
        return Location(uri, dict(self.storage_options) or None)

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    @property
    def errors_dir(self) -> Path:
        """Error reports sent back to the Polres, one folder per inbox."""
        return self.reports_dir / "galat"

    @property
    def reference_dir(self) -> Path:
        """The data dir's own reference files where it has them, else the shipped ones."""
        own = self.data_dir / "reference"
        return own if (own / "polres.csv").exists() else SHIPPED_REFERENCE
