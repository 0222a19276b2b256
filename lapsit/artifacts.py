"""The keys of the Prefect artifacts lapsit publishes, in one place.

Prefect allows only lowercase letters, digits and dashes in a key. Staff find the
artifacts by these keys in the Prefect UI (docs/operations.md): they do not change.
"""

import datetime as dt
import re

REJECTED = "submisi-ditolak"  # the table of an ingest run's rejected files
NIGHTLY = "ringkasan-malam"  # the nightly run's summary
QUALITY = "gerbang-kualitas"  # the quality gate's outcome
MAINTENANCE = "pemeliharaan-tabel"  # table maintenance (compaction, vacuum)


def report(kode_polda: str, tanggal: dt.date) -> str:
    """A situation report's Markdown: `lapsit-kalsel-2024-11-20` (`lapsit-nasional-...`)."""
    return re.sub(r"[^a-z0-9-]+", "-", f"lapsit-{kode_polda}-{tanggal.isoformat()}".lower())
