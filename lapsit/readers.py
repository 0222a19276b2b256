"""Read a submission file into one text frame per section; never raise on bad input."""

import difflib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import fastexcel
import polars as pl

from lapsit.errors import Galat, make
from schemas.contract import CONTRACT_VERSION, REQUIRED_SECTIONS, SECTIONS, columns

FORMATS = (".xlsx", ".json")
# Sheets a workbook may carry besides the sections (instructions, drop-down lists).
HELPER_SHEETS = ("petunjuk", "_daftar")
# The custom document property in which the template stamps its contract version.
VERSION_PROPERTY = "versi_kontrak"
ROW = "_row"
# More distinct column names than this in one section is not a report (and would cost
# rows x columns cells to hold): the section is refused before it is built.
MAX_COLUMNS = 100


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
                make(
                    "baris_terlalu_banyak",
                    sheet=section,
                    value=f"lebih dari {max_rows}",
                    hint=str(max_rows),
                )
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
    version = template_version(path)
    if version is not None and version != CONTRACT_VERSION:
        raw.errors.append(make("versi_templat", value=version, hint=CONTRACT_VERSION))
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
        frame = _strip_header(raw, section, frame)
        frame = frame.with_columns(pl.all().cast(pl.Utf8)).with_row_index(ROW, offset=2)
        frame = frame.with_columns(pl.col(ROW).cast(pl.Int64))
        raw.sections[section] = _check_columns(raw, section, frame)
    return _finish(raw, max_rows)


def _strip_header(raw: RawSubmission, section: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Strip the header's names; a name given twice, or the reserved `_row`, is reported and dropped."""
    keep: dict[str, str] = {}
    for name in frame.columns:
        clean = name.strip()
        if clean in keep.values():
            raw.errors.append(make("kunci_ganda", sheet=section, row=1, column=clean, value=clean))
        elif clean == ROW:
            raw.errors.append(
                make("kolom_tidak_dikenal", sheet=section, row=1, column=ROW, value=ROW)
            )
        else:
            keep[name] = clean
    return frame.select(list(keep)).rename(keep)


def _load_json(path: Path) -> tuple[Any, list[tuple[dict, str]]]:
    """Parse a JSON file, with (object, key) for every key an object repeats.

    `json.loads` would silently keep the last of two equal keys: the operator must
    say which value is meant.
    """
    repeats: list[tuple[dict, str]] = []

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict:
        obj: dict = {}
        for key, value in pairs:
            if key in obj:
                repeats.append((obj, key))
            obj[key] = value
        return obj

    # A byte-order mark (Notepad on Windows writes one) is not part of the content.
    text = path.read_bytes().decode("utf-8-sig")
    return json.loads(text, object_pairs_hook=pairs_hook), repeats


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
        doc, repeats = _load_json(path)
    except RecursionError:
        raw.errors.append(make("berkas_rusak", hint="struktur JSON bersarang terlalu dalam"))
        return raw
    except ValueError as exc:  # not UTF-8, not JSON, or a number too long to convert
        raw.errors.append(make("berkas_rusak", hint=_short(exc)))
        return raw
    if not isinstance(doc, dict):
        raw.errors.append(make("berkas_rusak", hint="isi JSON harus berupa objek"))
        return raw
    located: dict[int, tuple[str, int | None]] = {}  # id of a row -> (section, row)
    for key, value in doc.items():
        section = key.strip().lower()
        if section in raw.sections:  # `Laporan` and `laporan ` name the same section
            raw.errors.append(make("kunci_ganda", sheet=section, value=key))
            continue
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
        rows = rows[: max_rows + 1]
        keys = list(dict.fromkeys(k for row in rows for k in row))
        if len(keys) > MAX_COLUMNS:
            hint = f"lembar '{section}' memuat {len(keys):,} nama kolom; batasnya {MAX_COLUMNS}"
            raw.errors.append(make("berkas_rusak", sheet=section, hint=hint))
            continue
        for pos, row in enumerate(rows, start=1):
            located[id(row)] = (section, None if section == "laporan" else pos)
        data = {k: [_cell_text(r.get(k)) for r in rows] for k in keys}
        frame = _strip_header(raw, section, pl.DataFrame(data, schema=dict.fromkeys(data, pl.Utf8)))
        positions = [None] * frame.height if section == "laporan" else range(1, frame.height + 1)
        frame = frame.with_columns(pl.Series(ROW, positions, dtype=pl.Int64))
        raw.sections[section] = _check_columns(raw, section, frame)
    for obj, key in repeats:
        if obj is doc:  # a section given twice
            where = {"sheet": key.strip().lower()}
        elif id(obj) in located:  # a column given twice in one row
            sheet, row = located[id(obj)]
            where = {"sheet": sheet, "row": row, "column": key.strip()}
        else:  # inside a cell's value: a problem of the whole file
            where = {}
        raw.errors.append(make("kunci_ganda", value=key, **where))
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
    reader = read_xlsx if suffix == ".xlsx" else read_json
    try:
        if size > max_bytes or (suffix == ".xlsx" and _expands_beyond(path, max_bytes * 10)):
            raw = RawSubmission(suffix.lstrip("."))
            raw.errors.append(
                make("berkas_terlalu_besar", value=f"{size:,} bita", hint=f"{max_bytes:,} bita")
            )
            return raw
        return reader(path, max_rows)
    except BaseException as exc:  # whatever a hostile file does, it is rejected, never the run
        # A Rust panic in the Excel reader arrives as pyo3's PanicException, a BaseException.
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        raw = RawSubmission(suffix.lstrip("."))
        raw.errors.append(make("berkas_rusak", hint=_short(exc)))
        return raw


def _expands_beyond(path: Path, limit: int) -> bool:
    """True when a workbook would unpack to more than `limit` bytes (a zip bomb).

    The sizes a zip declares can lie, so beyond checking them every member is
    decompressed as a stream, counting its bytes up to the limit and keeping
    none. A member that cannot be read to its end raises `zipfile.BadZipFile`:
    the file is refused as unreadable rather than handed to the reader unmeasured.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return False  # not a zip at all: the reader reports it as unreadable
    with archive:
        members = archive.infolist()
        if sum(info.file_size for info in members) > limit:
            return True
        left = limit
        for info in members:
            info.file_size = 1 << 62  # read to the data's real end, not the declared one
            try:
                with archive.open(info) as member:
                    while chunk := member.read(1 << 20):
                        left -= len(chunk)
                        if left < 0:
                            return True
            except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError) as exc:
                raise zipfile.BadZipFile(f"{info.filename}: {_short(exc)}") from exc
    return False


def template_version(path: Path) -> str | None:
    """The contract version a template stamped in the workbook; None for a hand-made one."""
    try:
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read("docProps/custom.xml"))
    except (KeyError, zipfile.BadZipFile, OSError, ElementTree.ParseError):
        return None
    for prop in root:
        if prop.get("name") == VERSION_PROPERTY:
            return "".join(prop.itertext()).strip()
    return None
