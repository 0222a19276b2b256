"""Read a submission file of either format; any problem becomes a Galat, never an exception.

The entry point of reading: the format is chosen by the file's suffix, and the
limits (size, unpacked size, rows) are applied before any parser sees the file.
"""

from pathlib import Path

from lapsit.reading.frames import RawSubmission, refused, unreadable
from lapsit.reading.json_file import read_json
from lapsit.reading.workbook_guard import cell_budget, survey
from lapsit.reading.xlsx import XLSX_BROKEN, read_xlsx

FORMATS = (".xlsx", ".json")
# What is wrong with a file its reader gave up on, as the operator is told it.
BROKEN = {
    ".xlsx": XLSX_BROKEN,
    ".json": "isinya tidak dapat dibaca sebagai JSON",
}


def read_submission(path: Path, *, max_bytes: int, max_rows: int) -> RawSubmission:
    """Read a file of either format; any problem becomes a Galat, never an exception."""
    suffix = path.suffix.lower()
    fmt = suffix.lstrip(".")
    if suffix not in FORMATS:
        return refused(fmt, "format_berkas", value=suffix or path.name)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raw = RawSubmission(fmt)
        unreadable(raw, path, "berkas tidak dapat dibuka", exc)
        return raw
    if size == 0:
        return refused(fmt, "berkas_kosong")
    try:
        if size <= max_bytes and suffix == ".json":
            return read_json(path, max_rows)
        if size <= max_bytes:
            surveyed = survey(path, max_bytes * 10, cell_budget(max_rows))
            if not surveyed.expands_beyond:
                return read_xlsx(path, max_rows, surveyed)
        return refused(
            fmt, "berkas_terlalu_besar", value=f"{size:,} bita", hint=f"{max_bytes:,} bita"
        )
    except BaseException as exc:  # whatever a hostile file does, it is rejected, never the run
        # A Rust panic in the Excel reader arrives as pyo3's PanicException, a BaseException.
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        raw = RawSubmission(fmt)
        unreadable(raw, path, BROKEN.get(suffix, BROKEN[".xlsx"]), exc)
        return raw
