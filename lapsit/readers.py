"""Read a submission file into one text frame per section; never raise on bad input."""

import difflib
import json
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
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
# The Excel reader holds a sheet as one dense block of 32-byte cells, from its first
# filled cell to its last, and sizes its shared-string list by the count the file
# declares. A single far cell (`E187050123`, `XFD1048576`) or a bogus count asks for
# gigabytes, and a failed allocation in Rust aborts the process, past any `except`.
# So the workbook's XML is surveyed first (`_survey`): a sheet whose block
# exceeds (max_rows + 2) x MAX_COLUMNS cells is refused before the reader sees it.
# Every shared string takes at least `<si/>`, 5 bytes of the unpacked workbook.
MIN_STRING_BYTES = 5
# Longest tag the survey follows across the chunks it reads a part in.
MAX_TAG_BYTES = 1 << 20


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


@dataclass
class Survey:
    """What one pass over the parts of a workbook found (`_survey`)."""

    expands_beyond: bool = False  # it unpacks to more than the limit: a zip bomb
    # Parts whose filled cells span a block of more than the budget: part -> (rows, columns).
    blocks: dict[str, tuple[int, int]] = field(default_factory=dict)
    strings: int = 0  # the unique shared strings it declares
    size: int = 0  # bytes unpacked
    custom: bytes | None = None  # docProps/custom.xml, where the template stamps its version


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


def _check_columns(
    raw: RawSubmission, section: str, names: list[str], empty: Callable[[str], bool]
) -> list[str]:
    """Report unknown and missing columns at row 1; returns the contract's columns given.

    `empty(name)`: whether a column holds nothing (a column without a header may).
    """
    contract = columns(section)
    known = []
    for name in names:
        if name in contract:
            known.append(name)
        elif name.startswith("__UNNAMED__") and empty(name):
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
    return known


# What Polars' `str.strip_chars()` strips (Unicode White_Space, as Rust's `char::is_whitespace`);
# Python's `str.strip()` would also strip U+001C..U+001F.
WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _section(
    raw: RawSubmission, section: str, frame: pl.DataFrame, first_row: int | None
) -> pl.DataFrame:
    """The section as text columns of the contract, with `_row`.

    The header is checked (`_header`, `_check_columns`); `_row` numbers the rows from
    `first_row` (null for all when None); blank lines keep their numbers but are not
    rows of data. A sheet is a few dozen rows, where each Polars operation costs far
    more than the work itself, so the rows are picked in Python and the frame is
    built once, from the columns as read when no row is left out.
    """
    original = _header(raw, section, frame.columns)
    known = _check_columns(
        raw,
        section,
        list(original),
        lambda name: frame[original[name]].null_count() == frame.height,
    )
    given = [frame.get_column(original[c]).cast(pl.Utf8).alias(c) for c in known]
    values = [column.to_list() for column in given]
    kept = [
        i
        for i in range(frame.height)
        if any(v is not None and v.strip(WHITESPACE) for v in (col[i] for col in values))
    ]
    if len(kept) < frame.height:
        given = [
            pl.Series(c, [col[i] for i in kept], dtype=pl.Utf8)
            for c, col in zip(known, values, strict=True)
        ]
    rows = [None] * len(kept) if first_row is None else [i + first_row for i in kept]
    return pl.DataFrame([pl.Series(ROW, rows, dtype=pl.Int64), *given])


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


def read_xlsx(path: Path, max_rows: int, survey: Survey | None = None) -> RawSubmission:
    """Read every contract sheet of a workbook as text; formulas give their stored values.

    `survey` is the workbook's `_survey`, made here when not given.
    """
    raw = RawSubmission("xlsx")
    try:
        if survey is None:
            survey = _survey(path, 1 << 62, _cell_budget(max_rows))
        # Sheets the reader must never load: name -> (rows, columns) of their cells' block.
        too_big = _oversized_sheets(path, survey)
        reader = fastexcel.read_excel(str(path))
        names = reader.sheet_names
        if unknown := set(too_big) - set(names):
            raise ValueError(f"lembar '{min(unknown)}' tidak dapat dicocokkan")
    except Exception as exc:  # fastexcel raises many kinds on corrupt files
        raw.errors.append(make("berkas_rusak", hint=_short(exc)))
        return raw
    version = template_version(path, survey)
    if version is not None and version != CONTRACT_VERSION:
        raw.errors.append(make("versi_templat", value=version, hint=CONTRACT_VERSION))
        return raw
    for name in names:
        section = name.strip().lower()
        if section in HELPER_SHEETS:
            continue
        if section not in SECTIONS:
            try:
                visible = (
                    name in too_big
                    or reader.load_sheet_by_name(name, n_rows=0).visible == "visible"
                )
            except Exception:
                visible = True
            if visible:
                raw.errors.append(
                    make("lembar_tidak_dikenal", sheet=name, value=name, hint=", ".join(SECTIONS))
                )
            continue
        if name in too_big:
            _refuse_sheet(raw, section, *too_big[name], max_rows)
            continue
        try:
            sheet = reader.load_sheet_by_name(name, dtypes="string", n_rows=max_rows + 1)
            frame = sheet.to_polars()
        except Exception as exc:
            raw.errors.append(make("berkas_rusak", sheet=section, hint=_short(exc)))
            continue
        raw.sections[section] = _section(raw, section, frame, first_row=2)
    return _finish(raw, max_rows)


def _refuse_sheet(raw: RawSubmission, section: str, rows: int, cols: int, max_rows: int) -> None:
    """Report a sheet too large to load, as `_finish` would: rows beyond the limit, or too wide."""
    if rows > max_rows + 1:  # more than the header and max_rows rows
        hint = str(max_rows)
        raw.errors.append(
            make("baris_terlalu_banyak", sheet=section, value=f"lebih dari {max_rows}", hint=hint)
        )
    else:
        hint = f"lembar '{section}' terbentang {cols:,} kolom; batasnya {MAX_COLUMNS}"
        raw.errors.append(make("berkas_rusak", sheet=section, hint=hint))
    # Present but empty, like a sheet `_finish` cuts for its rows.
    schema = {ROW: pl.Int64} | dict.fromkeys(columns(section), pl.Utf8)
    raw.sections[section] = pl.DataFrame(schema=schema)
    raw.missing[section] = set()


def _header(raw: RawSubmission, section: str, names: list[str]) -> dict[str, str]:
    """Stripped name -> header name as given; a name given twice, or the reserved `_row`,
    is reported and left out."""
    given: dict[str, str] = {}
    for name in names:
        clean = name.strip()
        if clean in given:
            raw.errors.append(make("kunci_ganda", sheet=section, row=1, column=clean, value=clean))
        elif clean == ROW:
            raw.errors.append(
                make("kolom_tidak_dikenal", sheet=section, row=1, column=ROW, value=ROW)
            )
        else:
            given[clean] = name
    return given


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
        frame = pl.DataFrame(data, schema=dict.fromkeys(data, pl.Utf8))
        raw.sections[section] = _section(raw, section, frame, None if section == "laporan" else 1)
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
    try:
        if size <= max_bytes and suffix == ".json":
            return read_json(path, max_rows)
        if size <= max_bytes:
            survey = _survey(path, max_bytes * 10, _cell_budget(max_rows))
            if not survey.expands_beyond:
                return read_xlsx(path, max_rows, survey)
        raw = RawSubmission(suffix.lstrip("."))
        raw.errors.append(
            make("berkas_terlalu_besar", value=f"{size:,} bita", hint=f"{max_bytes:,} bita")
        )
        return raw
    except BaseException as exc:  # whatever a hostile file does, it is rejected, never the run
        # A Rust panic in the Excel reader arrives as pyo3's PanicException, a BaseException.
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        raw = RawSubmission(suffix.lstrip("."))
        raw.errors.append(make("berkas_rusak", hint=_short(exc)))
        return raw


class _Spent(Exception):
    """The bytes a workbook may unpack to are spent."""


class _Metered:
    """A part read against an allowance of bytes; `_Spent` once it is exceeded."""

    def __init__(self, member: IO[bytes], allowance: int) -> None:
        self.member, self.allowance, self.size = member, allowance, 0

    def __enter__(self) -> "_Metered":
        return self

    def __exit__(self, *exc: object) -> None:
        self.member.close()

    def read(self, n: int) -> bytes:
        chunk = self.member.read(n)
        self.size += len(chunk)
        if self.size > self.allowance:
            raise _Spent
        return chunk


def _cell_budget(max_rows: int) -> int:
    """The most cells a sheet's block may span: the header, max_rows + 1 rows, MAX_COLUMNS."""
    return (max_rows + 2) * MAX_COLUMNS


def _survey(path: Path, limit: int, budget: int) -> Survey:
    """Unpack a workbook, as a stream keeping nothing, before the Excel reader opens it.

    A zip bomb: the sizes a zip declares can lie, so beyond checking them every
    member is decompressed, counting its bytes up to `limit`. A member that cannot
    be read to its end raises `zipfile.BadZipFile`: the file is refused as
    unreadable rather than handed to the reader unmeasured.

    Far cells: every part is followed as the reader would place its cells
    (`_survey_part`), wherever the workbook's relationships put its sheets, and
    its declared count of shared strings is kept (see MIN_STRING_BYTES).
    """
    survey = Survey()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return survey  # not a zip at all: the reader reports it as unreadable
    with archive:
        members = archive.infolist()
        if sum(info.file_size for info in members) > limit:
            survey.expands_beyond = True
            return survey
        for info in members:
            info.file_size = 1 << 62  # read to the data's real end, not the declared one
            allowance = limit - survey.size

            def part(info: zipfile.ZipInfo = info, allowance: int = allowance) -> _Metered:
                return _Metered(archive.open(info), allowance)

            try:
                block, strings, size = _survey_part(part, budget)
            except _Spent:
                survey.expands_beyond = True
                return survey
            except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError) as exc:
                raise zipfile.BadZipFile(f"{info.filename}: {_short(exc)}") from exc
            survey.size += size
            survey.strings = max(survey.strings, strings)
            if block is not None:
                survey.blocks[info.filename] = block
            if info.filename == CUSTOM_PART and archive.getinfo(CUSTOM_PART) is info:
                survey.custom = archive.read(info)  # measured above: within the limit
    return survey


# Markup as the survey reads it. A `<` inside a quoted value is not XML, and would let
# a tag hide inside another (or across the pieces a part is read in): such a part is
# refused. Every `<` then opens markup, and no quoted value holds one.
_LT_IN_VALUE = re.compile(
    rb"""<[\w.:-]++(?:[^<>"']++|"[^"<]*+"|'[^'<]*+')*+(?:"[^"<]*+<|'[^'<]*+<)"""
)


def _cell_patterns(prefix: bytes) -> tuple[re.Pattern[bytes], ...]:
    """Start tags of cells (`prefix`: their namespace prefix, if any, as a pattern).

    Every cell's tag; the tags that name their reference first (as every writer
    does), with its letters and digits; and the same read to their end, with a `/`
    when self-closing (the reader leaves those out). The end of a tag is its first
    `>` outside quotes.
    """
    named = rb'<%sc\s+r\s*=\s*"([A-Za-z]+)([0-9]+)"' % prefix
    return (
        re.compile(rb"<%sc[\s/>]" % prefix),
        re.compile(named),
        re.compile(named + rb"""(?:[^<>"'/]++|"[^"]*+"|'[^']*+')*+(/?)>"""),
    )


_CELLS = _cell_patterns(b"")
_PREFIXED_CELLS = _cell_patterns(rb"(?:[\w.-]+:)?")
# For `_place_cells`, between the ends of rows: the start tags of cells that are not
# self-closing, and the ends of cells.
_ROW_END = re.compile(rb"</(?:[\w.-]+:)?row\s*>")
_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c\s*>")
_OPEN_CELL = re.compile(rb"""<(?:[\w.-]+:)?c(?:\s(?:[^<>"']++|"[^"]*+"|'[^']*+')*+)?(?<!/)>""")
# What `_place_cells` follows, wherever a namespace prefix puts it: the start and end
# tags of rows, cells, values and inline strings (and whether self-closing).
_MARKUP = re.compile(
    rb"<(/?)((?:[\w.-]+:)?(row|c|v|is))"
    rb"((?:\s(?:[^<>\"'/]++|\"[^\"]*+\"|'[^']*+'|/(?!>))*+)?)(/?)>"
)
_REF = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CELL = re.compile(rb"([A-Za-z]+)([0-9]+)")
_UNIQUE = re.compile(rb"""<(?:[\w.-]+:)?sst\s[^>]*?\suniqueCount\s*=\s*["']\s*([0-9]+)""")
# The letters and digits of every `r` attribute, and more; the cells' tags (`_near`).
_ANY_REF = re.compile(rb"""r\s*=\s*["']([A-Za-z]*)([0-9]*)["']""")
_CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")


def _column(letters: bytes) -> int:
    """The 0-based column of a reference's letters (`A` 0, `AA` 26)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number - 1


def _refs(attrs: bytes) -> list[bytes]:
    return [a or b for a, b in _REF.findall(attrs)]


def _windows(member: IO[bytes], *, strict: bool = True) -> Iterator[bytes]:
    """A part in pieces of about a chunk, none of them cutting a tag (`_cut`).

    `strict`: a `<` in a quoted value is refused (ValueError), for the patterns
    that read tags to their end.
    """
    carry = b""
    while chunk := member.read(1 << 20):
        data = carry + chunk
        if strict and _LT_IN_VALUE.search(data):
            raise ValueError("XML rusak: '<' di dalam nilai atribut")
        cut = _cut(data)
        carry = data[cut:]
        if len(carry) > MAX_TAG_BYTES:
            raise ValueError(f"tag XML lebih dari {MAX_TAG_BYTES:,} bita")
        yield data[:cut]
    yield carry


def _cut(data: bytes) -> int:
    """Where a piece of a part ends: after its last row (so that the next piece starts
    outside any cell) unless that row is far back, else before its last tag."""
    for end in (data.rfind(b"</row>"), data.rfind(b":row>")):
        start = data.rfind(b"<", 0, end + 1)
        end = data.find(b">", end) + 1
        if (
            0 <= start < end
            and len(data) - end < MAX_TAG_BYTES
            and _ROW_END.fullmatch(data, start, end)
        ):
            return end
    last = data.rfind(b"<")
    return len(data) if last < 0 else last


def _named(window: bytes) -> list[tuple[bytes, bytes]] | None:
    """(letters, digits) of every cell in `window`, filled or not; None if unsure.

    None when some cell's tag does not name its reference first: it is placed where
    the reader's cursor is, which only `_place_cells` follows. Reading no further
    than the reference, this holds whatever the rest of the tags.
    """
    tags, named, _ = _PREFIXED_CELLS if b":c" in window else _CELLS
    cells = named.findall(window)
    return cells if len(cells) == len(tags.findall(window)) else None


def _filled(window: bytes) -> list[tuple[bytes, bytes]] | None:
    """As `_named`, but only the cells the reader would hold: not self-closing ones."""
    tags, _, whole = _PREFIXED_CELLS if b":c" in window else _CELLS
    cells = whole.findall(window)
    if len(cells) != len(tags.findall(window)):
        return None
    return [(letters, digits) for letters, digits, closed in cells if not closed]


# `_measure`'s answer when some cell does not name its reference.
_UNPLACED = (-1, -1)


def _measure(
    windows: Iterator[bytes],
    budget: int,
    cells_in: Callable[[bytes], list[tuple[bytes, bytes]] | None],
) -> tuple[int, int] | None:
    """The block of the cells `cells_in` finds once it exceeds `budget` (else None)."""
    corners: tuple[int, int, int, int] | None = None  # top, left, bottom, right
    for window in windows:
        cells = cells_in(window)
        if cells is None:
            return _UNPLACED
        if not cells:
            continue
        rows = [int(digits) - 1 for digits in {d for _, d in cells}]
        cols = [_column(letters) for letters in {a for a, _ in cells}]
        top, left, bottom, right = corners or (rows[0], cols[0], rows[0], cols[0])
        corners = top, left, bottom, right = (
            min(top, *rows),
            min(left, *cols),
            max(bottom, *rows),
            max(right, *cols),
        )
        if (bottom - top + 1) * (right - left + 1) > budget:
            return (bottom - top + 1, right - left + 1)
    return None


def _survey_part(
    part: Callable[[], _Metered], budget: int
) -> tuple[tuple[int, int] | None, int, int]:
    """Where the Excel reader would place the cells of one part of a workbook.

    Returns the (rows, columns) of the block its filled cells span once that exceeds
    `budget` cells (None while it does not), the count of unique shared strings it
    declares, and its size. Each step is taken only when the one before cannot tell:
    a part read in one chunk whose every reference is near enough (`_near`: a
    report) is passed at once; then the block of every cell by its reference
    (`_named`), then of the cells filled (`_filled`); when some cell names no
    reference, every cell is placed one by one (`_place_cells`).
    """
    with part() as member:
        first = member.read(1 << 20)
        declared = (
            max(map(int, _UNIQUE.findall(first)), default=0) if b"uniqueCount" in first else 0
        )
        if len(first) < 1 << 20 and _near(first, budget):
            return None, declared, len(first)
        block = _measure(_windows(_Prefixed(first, member), strict=False), budget, _named)
        while member.read(1 << 20):  # measured to its end all the same
            pass
        size = member.size
    if block is not None and block != _UNPLACED:
        with part() as member:
            block = _measure(_windows(member), budget, _filled)
    if block == _UNPLACED:
        with part() as member:
            block = _place_cells(member, budget)
    return block, declared, size


class _Prefixed:
    """`member` with `first` (already read from it) put back in front."""

    def __init__(self, first: bytes, member: IO[bytes]) -> None:
        self.first, self.member = first, member

    def read(self, n: int) -> bytes:
        if self.first:
            out, self.first = self.first, b""
            return out
        return self.member.read(n)


def _near(data: bytes, budget: int) -> bool:
    """True when no cell in `data` can lie outside a block of `budget` cells.

    A cell's row is at most the highest row named plus the rows closed since; its
    column at most the widest column named (27 ** letters is beyond ZZ...Z) plus the
    cells since. Every text that could name a row or a column, close a row or open
    a cell is counted, whatever the markup around it.
    """
    cells = len(_CELL_TAG.findall(data))
    if not cells:
        return True
    refs = _ANY_REF.findall(data)
    rows = max((int(d) for _, d in refs if d), default=0) + data.count(b"row") + 1
    widest = max((len(a) for a, _ in refs), default=0)
    return rows * (27**widest + cells + 1) <= budget


def _place_cells(member: IO[bytes], budget: int) -> tuple[int, int] | None:
    """The block of `_survey_part`, every cell placed as calamine does.

    Outside a cell, a `<row r>` sets the row, `</row>` moves to the next, and a cell
    without `r` takes the column after the last one. Inside a cell (up to its `</c>`)
    its `<v>` or `<is>` is skipped to its end, and makes it filled (more than the reader
    counts, never fewer); self-closing cells are passed over. A row or a cell inside
    a cell, or a tag inside a value, the reader would take its own way: ValueError.
    """
    row = col = 0
    top = left = 1 << 62  # the bounds of the filled cells so far
    bottom = right = -1
    cell: tuple[int, int] | None = None  # the cell open, if any
    skip = b""  # the name of the value being skipped, if any
    for window in _windows(member):
        rows = _ROW_END.split(window)
        named = list(map(_ANY_REF.search, rows))
        opened = list(map(len, map(_OPEN_CELL.findall, rows)))
        closed = list(map(len, map(_CELL_END.findall, rows)))
        for i, text in enumerate(rows):
            if i:  # the end of a row
                if cell is not None or skip:
                    raise ValueError("XML rusak: akhir baris di dalam sel")
                row, col = row + 1, 0
            if cell is None and not skip and not named[i] and opened[i] == closed[i]:
                # Whole cells without references: side by side from the cursor on.
                if opened[i]:
                    top, bottom = min(top, row), max(bottom, row)
                    left, right = min(left, col), max(right, col + opened[i] - 1)
                    if (bottom - top + 1) * (right - left + 1) > budget:
                        return (bottom - top + 1, right - left + 1)
                col += opened[i]
                continue
            for m in _MARKUP.finditer(text):
                close, qname, name, attrs, empty = m.groups()
                if skip:  # inside a value: nothing but its end
                    if not (close and qname == skip):
                        raise ValueError("XML rusak: tag di dalam nilai sel")
                    skip = b""
                elif cell is not None:  # inside a cell: its value, or its end
                    if close and name == b"c":
                        cell = None
                    elif name in (b"row", b"c"):
                        raise ValueError("XML rusak: baris atau sel di dalam sel")
                    elif not close and not empty:
                        skip = qname
                        top, bottom = min(top, cell[0]), max(bottom, cell[0])
                        left, right = min(left, cell[1]), max(right, cell[1])
                        if (bottom - top + 1) * (right - left + 1) > budget:
                            return (bottom - top + 1, right - left + 1)
                elif close or empty:
                    continue  # a row ends only between texts; self-closing tags are passed over
                elif name == b"row":
                    ref = _refs(attrs)
                    if ref and ref[-1].isdigit():
                        row = int(ref[-1]) - 1
                elif name == b"c":
                    cell = (row, col)
                    for ref in _refs(attrs):
                        if found := _CELL.fullmatch(ref):
                            cell = (int(found[2]) - 1, _column(found[1]))
                    col = cell[1] + 1
    return None


def _oversized_sheets(path: Path, survey: Survey) -> dict[str, tuple[int, int]]:
    """The sheets of the survey's blocks: name -> (rows, columns).

    Raises ValueError, with the reason, for a workbook the Excel reader must not
    open at all: more shared strings declared than its bytes could hold, or a block
    in a part that is no sheet of the workbook.
    """
    if survey.strings > survey.size // MIN_STRING_BYTES:
        raise ValueError(f"sharedStrings.xml menyatakan {survey.strings:,} teks, lebih dari isinya")
    if not survey.blocks:
        return {}
    with zipfile.ZipFile(path) as archive:
        sheets = _sheet_parts(archive)
    for part, (rows, cols) in survey.blocks.items():
        if part not in sheets:
            raise ValueError(f"'{part}' memuat sel yang terbentang {rows:,} baris x {cols:,} kolom")
    return {sheets[part]: block for part, block in survey.blocks.items()}


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part -> sheet name, by the workbook and its relationships (every reading of a target)."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, zipfile.BadZipFile, OSError, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target") or "" for r in rels}
    out: dict[str, str] = {}
    for sheet in workbook.iter():
        if sheet.tag.rpartition("}")[2] != "sheet":
            continue
        rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        target, name = targets.get(rid, ""), sheet.get("name") or ""
        for part in (
            target.lstrip("/"),
            target if target.startswith("xl/") else f"xl/{target}",
            posixpath.normpath(posixpath.join("xl", target)).lstrip("/"),
        ):
            out[part] = name
    return out


CUSTOM_PART = "docProps/custom.xml"


def template_version(path: Path, survey: Survey | None = None) -> str | None:
    """The contract version a template stamped in the workbook; None for a hand-made one.

    With the workbook's `survey`, its copy of the custom properties is read instead of
    opening the file again.
    """
    try:
        if survey is not None:
            if survey.custom is None:
                return None
            root = ElementTree.fromstring(survey.custom)
        else:
            with zipfile.ZipFile(path) as archive:
                root = ElementTree.fromstring(archive.read(CUSTOM_PART))
    except (KeyError, zipfile.BadZipFile, OSError, ElementTree.ParseError):
        return None
    for prop in root:
        if prop.get("name") == VERSION_PROPERTY:
            return "".join(prop.itertext()).strip()
    return None
