"""Inputs of the reliability suite: real Kalsel submissions, hostile files, inbox fingerprints."""

import copy
import datetime as dt
import functools
import hashlib
import io
import os
import stat
import struct
import zipfile
from pathlib import Path

from lapsit.catalog import SHIPPED_REFERENCE
from lapsit.demo import content
from lapsit.demo.files import stamp, write_json, write_xlsx
from lapsit.reference import load_reference
from tests.builders import valid_sections

ZONE = "Asia/Makassar"
DAYS = content.DAYS  # 18..28 November 2024, Pilkada 2024


@functools.cache
def _reference():
    return load_reference(SHIPPED_REFERENCE)


@functools.cache
def kalsel() -> tuple[str, ...]:
    """The 13 Polres of Polda Kalimantan Selatan, in polres.csv order."""
    polres = _reference().polres
    return tuple(polres.filter(polres["kode_polda"] == "kalsel")["kode_polres"])


@functools.cache
def _kecamatan() -> dict[str, list[content.Kecamatan]]:
    frame = _reference().kecamatan
    out: dict[str, list[content.Kecamatan]] = {}
    for code, name, kode_polres in frame.select(
        "kode_kecamatan", "nama_kecamatan", "kode_polres"
    ).iter_rows():
        out.setdefault(kode_polres, []).append(content.profile(code, name))
    return out


def daily(kode: str, day: dt.date) -> tuple[dict, dt.datetime]:
    """A valid daily report of a Kalsel Polres and its delivery time (naive local)."""
    stage = content.stage_code(_reference(), day)
    sections, delivered = content.submission(kode, day, stage, _kecamatan()[kode])
    return copy.deepcopy(sections), delivered


def revised(sections: dict, minutes: int = 90) -> dict:
    """A later, still valid revision: made later, one kecamatan fewer, the incidents withdrawn."""
    out = copy.deepcopy(sections)
    out["laporan"]["dibuat_pada"] += dt.timedelta(minutes=minutes)
    if len(out["pengamanan"]) > 1:
        out["pengamanan"] = out["pengamanan"][:-1]
    out.pop("kejadian", None)
    return out


def deliver(raw_dir: Path, inbox: str, name: str, sections: dict, local: dt.datetime) -> Path:
    """Write a submission into an inbox, stamped as delivered at `local` (Polres time)."""
    path = raw_dir / inbox / name
    (write_json if path.suffix == ".json" else write_xlsx)(path, sections)
    stamp(path, local, ZONE)
    return path


def put(raw_dir: Path, inbox: str, name: str, data: bytes, local: dt.datetime) -> Path:
    """Drop raw bytes into an inbox under any name."""
    path = raw_dir / inbox / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    stamp(path, local, ZONE)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fingerprint(raw_dir: Path) -> dict[str, tuple]:
    """Every entry under raw/ (files, folders, links; links not followed) and its content."""
    out: dict[str, tuple] = {}
    for root, dirs, files in os.walk(raw_dir):
        for name in dirs + files:
            path = Path(root, name)
            rel = path.relative_to(raw_dir).as_posix()
            info = path.lstat()
            if path.is_symlink():
                out[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                out[rel] = ("dir",)
            elif stat.S_ISREG(info.st_mode):
                out[rel] = ("file", sha256(path), info.st_size, info.st_mtime_ns)
            else:  # a named pipe or a device: never opened
                out[rel] = ("special", info.st_mode)
    return out


# --- hostile workbooks -------------------------------------------------------------------

_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>kode_kecamatan</t></is></c></row>'
)
_SHEET_TAIL = b"</sheetData></worksheet>"
_ROW = b'<row><c t="inlineStr"><is><t>63.11.01</t></is></c></row>'


def _patch_sizes(path: Path, member: str, declared: int) -> None:
    """Make the local header and the central directory declare `declared` bytes for `member`."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo(member).header_offset
    assert data[offset : offset + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, offset + 22, declared)
    name = member.encode()
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        length = struct.unpack_from("<H", data, entry + 28)[0]
        if bytes(data[entry + 46 : entry + 46 + length]) == name:
            struct.pack_into("<I", data, entry + 24, declared)
        entry = data.find(b"PK\x01\x02", entry + 4)
    path.write_bytes(bytes(data))


def zip_bomb(path: Path, expanded: int, *, lie: bool) -> Path:
    """A real workbook whose `pengamanan` sheet unpacks to `expanded` bytes of rows.

    With `lie`, the zip's headers declare that sheet as 1,000 bytes, so only
    decompressing it tells its size.
    """
    good = write_xlsx(path.with_name(path.name + ".src"), valid_sections())
    sheet = "xl/worksheets/sheet2.xml"  # sheets in writing order: laporan, pengamanan, ...
    unit = _ROW * 4096
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != sheet:
                out.writestr(info, src.read(info))
                continue
            with out.open(sheet, "w") as member:
                member.write(_SHEET_HEAD)
                for _ in range(expanded // len(unit) + 1):
                    member.write(unit)
                member.write(_SHEET_TAIL)
    good.unlink()
    if lie:
        _patch_sizes(path, sheet, 1_000)
    return path


def many_rows(path: Path, rows: int) -> Path:
    """A real workbook whose `pengamanan` sheet has `rows` data rows (small once zipped)."""
    return zip_bomb(path, rows * len(_ROW), lie=False)


def formula_workbook(path: Path, sections: dict, formulas: dict[tuple, tuple]) -> Path:
    """A workbook of `sections` (values as text) where some cells hold formulas instead.

    `formulas` maps (sheet, row, column) -> (formula, value Excel stored for it), the
    row as the operator sees it (header = 1).
    """
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    for name, rows in sections.items():
        rows = [rows] if isinstance(rows, dict) else rows
        sheet = book.add_worksheet(name)
        header = list(dict.fromkeys(c for row in rows for c in row))
        sheet.write_row(0, 0, header)
        for r, row in enumerate(rows, start=1):
            for c, col in enumerate(header):
                if (name, r + 1, col) in formulas:
                    formula, cached = formulas[(name, r + 1, col)]
                    sheet.write_formula(r, c, formula, None, cached)
                elif row.get(col) is not None:
                    value = row[col]
                    text = value.isoformat() if isinstance(value, dt.date) else str(value)
                    sheet.write_string(r, c, text)
    book.close()
    return path


def with_part(data: bytes, part: str, old: bytes, new: bytes) -> bytes:
    """The workbook `data` with `old` replaced by `new`, once, in `part`; zipped again."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    assert old in parts[part], (part, old)
    parts[part] = parts[part].replace(old, new, 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()
