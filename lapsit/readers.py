"""Read a submission file into one text frame per section; never raise on bad input."""

import difflib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fastexcel
import polars as pl

from lapsit.errors import Galat, make
from schemas.contract import REQUIRED_SECTIONS, SECTIONS, columns

FORMATS = (".xlsx", ".json")
# Sheets a workbook may carry besides the sections (instructions, drop-down lists).
HELPER_SHEETS = ("petunjuk",)
ROW = "_row"


@dataclass
class RawSubmission:
    """A file as read: text cells per section, with the row number the operator sees."""

    fmt: str
    sections: dict[str, pl.DataFrame] = field(default_factory=dict)
    errors: list[Galat] = field(default_factory=list)
    # Contract columns absent from a sheet: reported once, not again row by row.
    missing: dict[str, set[str]] = field(default_factory=dict)

    @property
    def unreadable(self) -> bool:
        return any(g.sheet is None for g in self.errors)


def _suggest(word: str, options: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" Mungkin maksud Anda '{close[0]}'?" if close else ""


def _cell_text(value: Any) -> str | None:
    """A JSON scalar as the text an operator would have typed."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ";".join(value)
    return json.dumps(value, ensure_ascii=False)


def _check_columns(raw: RawSubmission, section: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Report unknown and missing columns at row 1; keep the contract's columns only."""
    contract = columns(section)
    known = []
    for name in frame.columns:
        if name == ROW:
            continue
        if name in contract:
            known.append(name)
        elif name.startswith("__UNNAMED__") and frame[name].null_count() == frame.height:
            continue  # an empty column without a header
        else:
            shown = "" if name.startswith("__UNNAMED__") else name
            raw.errors.append(
                make(
                    "kolom_tidak_dikenal",
                    sheet=section,
                    row=1,
                    column=shown or None,
                    value=shown,
                    hint=_suggest(shown, list(contract)),
                )
            )
    missing = {c for c, meta in contract.items() if c not in known and not meta["optional"]}
    for name in sorted(missing, key=list(contract).index):
        raw.errors.append(make("kolom_wajib", sheet=section, row=1, column=name))
    raw.missing[section] = missing
    frame = frame.select(ROW, *known)
    # Blank lines keep their numbers but are not rows of data.
    if known:
        frame = frame.filter(
            pl.any_horizontal(pl.col(c).str.strip_chars().str.len_chars() > 0 for c in known)
        )
    else:
        frame = frame.clear()
    return frame


def _finish(raw: RawSubmission, max_rows: int) -> RawSubmission:
    for section in REQUIRED_SECTIONS:
        if section not in raw.sections and not raw.unreadable:
            raw.errors.append(make("lembar_wajib", sheet=section, hint=section))
    for section, frame in list(raw.sections.items()):
        if frame.height > max_rows:
            raw.errors.append(
                make("baris_terlalu_banyak", sheet=section, value=frame.height, hint=str(max_rows))
            )
            raw.sections[section] = frame.head(0)
    return raw


def read_xlsx(path: Path, max_rows: int) -> RawSubmission:
    """Read every contract sheet of a workbook as text; formulas give their stored values."""
    raw = RawSubmission("xlsx")
    try:
        reader = fastexcel.read_excel(str(path))
        names = reader.sheet_names
    except Exception as exc:  # fastexcel raises many kinds on corrupt files
        raw.errors.append(make("berkas_rusak", hint=_short(exc)))
        return raw
    for name in names:
        section = name.strip().lower()
        if section in HELPER_SHEETS:
            continue
        if section not in SECTIONS:
            try:
                visible = reader.load_sheet_by_name(name, n_rows=0).visible == "visible"
            except Exception:
                visible = True
            if visible:
                raw.errors.append(
                    make("lembar_tidak_dikenal", sheet=name, value=name, hint=", ".join(SECTIONS))
                )
            continue
        try:
            sheet = reader.load_sheet_by_name(name, dtypes="string", n_rows=max_rows + 1)
            frame = sheet.to_polars()
        except Exception as exc:
            raw.errors.append(make("berkas_rusak", sheet=section, hint=_short(exc)))
            continue
        frame = frame.rename({c: c.strip() for c in frame.columns}, strict=False)
        frame = frame.with_columns(pl.all().cast(pl.Utf8)).with_row_index(ROW, offset=2)
        frame = frame.with_columns(pl.col(ROW).cast(pl.Int64))
        raw.sections[section] = _check_columns(raw, section, frame)
    return _finish(raw, max_rows)


def _json_rows(section: str, value: Any) -> list[dict] | None:
    if section == "laporan":
        return [value] if isinstance(value, dict) else None
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return value
    return None


def read_json(path: Path, max_rows: int) -> RawSubmission:
    """Read the JSON format: `laporan` an object, other sections arrays of objects."""
    raw = RawSubmission("json")
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raw.errors.append(make("berkas_rusak", hint=_short(exc)))
        return raw
    if not isinstance(doc, dict):
        raw.errors.append(make("berkas_rusak", hint="isi JSON harus berupa objek"))
        return raw
    for key, value in doc.items():
        section = key.strip().lower()
        if section not in SECTIONS:
            raw.errors.append(
                make("lembar_tidak_dikenal", sheet=key, value=key, hint=", ".join(SECTIONS))
            )
            continue
        if value is None:
            continue
        rows = _json_rows(section, value)
        if rows is None:
            shape = "objek" if section == "laporan" else "daftar objek"
            raw.errors.append(
                make("berkas_rusak", sheet=section, hint=f"'{section}' harus berupa {shape}")
            )
            continue
        keys: list[str] = []
        for row in rows[: max_rows + 1]:
            keys += [k for k in row if k not in keys]
        data = {k.strip(): [_cell_text(r.get(k)) for r in rows[: max_rows + 1]] for k in keys}
        frame = pl.DataFrame(data, schema={k: pl.Utf8 for k in data})
        positions = [None] * frame.height if section == "laporan" else range(1, frame.height + 1)
        frame = frame.with_columns(pl.Series(ROW, positions, dtype=pl.Int64))
        raw.sections[section] = _check_columns(raw, section, frame)
    return _finish(raw, max_rows)


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:160]


def read_submission(path: Path, *, max_bytes: int, max_rows: int) -> RawSubmission:
    """Read a file of either format; any problem becomes a Galat, never an exception."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raw = RawSubmission(suffix.lstrip("."))
        raw.errors.append(make("format_berkas", value=suffix or path.name))
        return raw
    try:
        size = path.stat().st_size
    except OSError as exc:
        raw = RawSubmission(suffix.lstrip("."))
        raw.errors.append(make("berkas_rusak", hint=_short(exc)))
        return raw
    if size == 0:
        raw = RawSubmission(suffix.lstrip("."))
        raw.errors.append(make("berkas_kosong"))
        return raw
    if size > max_bytes or (suffix == ".xlsx" and _expands_beyond(path, max_bytes * 10)):
        raw = RawSubmission(suffix.lstrip("."))
        raw.errors.append(
            make("berkas_terlalu_besar", value=f"{size:,} bita", hint=f"{max_bytes:,} bita")
        )
        return raw
    reader = read_xlsx if suffix == ".xlsx" else read_json
    return reader(path, max_rows)


def _expands_beyond(path: Path, limit: int) -> bool:
    """True when a workbook would unpack to more than `limit` bytes (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(info.file_size for info in archive.infolist()) > limit
    except (zipfile.BadZipFile, OSError):
        return False  # not a zip at all: the reader reports it as unreadable
