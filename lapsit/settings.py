"""One typed settings object for lapsit, read from `LAPSIT_*` environment variables."""

import datetime as dt
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

SHIPPED_REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"


class Settings(BaseSettings):
    """Where lapsit keeps its data and the limits it applies; every path hangs off `data_dir`."""

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
    # Days of time travel that table maintenance (vacuum) keeps; older versions end.
    retensi_hari: int = Field(30, ge=0)

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def curated_dir(self) -> Path:
        return self.data_dir / "curated"

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
