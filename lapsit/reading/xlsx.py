"""Read a workbook (`.xlsx`) into text frames per section, with fastexcel.

The workbook is surveyed first (`lapsit.reading.workbook_guard`): what the
Excel reader must never open is refused before it sees the file.
"""

import zipfile
from pathlib import Path
from xml.etree import ElementTree

import fastexcel
import polars as pl

from lapsit.galat import make
from lapsit.reading.frames import (
    MAX_COLUMNS,
    ROW,
    RawSubmission,
    finish,
    section_frame,
    unreadable,
)
from lapsit.reading.workbook_guard import CUSTOM_PART, Survey, cell_budget, oversized_sheets, survey
from schemas.contract import CONTRACT_VERSION, SECTION_MODELS, columns, template_accepted

# Sheets a workbook may carry besides the sections (instructions, drop-down lists).
HELPER_SHEETS = ("petunjuk", "_daftar")
# What is wrong with a workbook (or one of its sheets) the reader gave up on, for the operator.
XLSX_BROKEN = (
    "isinya bukan buku kerja Excel .xlsx yang utuh (mungkin rusak, terpotong saat dikirim, "
    "atau sebenarnya berformat lain seperti .xls lama)"
)
SHEET_BROKEN = "lembar ini rusak dan tidak dapat dibaca"
# The custom document property in which the template stamps its contract version.
VERSION_PROPERTY = "versi_kontrak"


def read_xlsx(path: Path, max_rows: int, surveyed: Survey | None = None) -> RawSubmission:
    """Read every contract sheet of a workbook as text; formulas give their stored values.

    `surveyed` is the workbook's `survey`, made here when not given.
    """
    raw = RawSubmission("xlsx")
    try:
        if surveyed is None:
            surveyed = survey(path, 1 << 62, cell_budget(max_rows))
        # Sheets the reader must never load: name -> (rows, columns) of their cells' block.
        too_big = oversized_sheets(path, surveyed)
        reader = fastexcel.read_excel(str(path))
        names = reader.sheet_names
        if unknown := set(too_big) - set(names):
            raise ValueError(f"lembar '{min(unknown)}' tidak dapat dicocokkan")
    except Exception as exc:  # fastexcel raises many kinds on corrupt files
        unreadable(raw, path, XLSX_BROKEN, exc)
        return raw
    version = template_version(path, surveyed)
    if version is not None and not template_accepted(version):
        raw.errors.append(make("versi_templat", value=version, hint=CONTRACT_VERSION))
        return raw
    for name in names:
        section = name.strip().lower()
        if section in HELPER_SHEETS:
            continue
        if section not in SECTION_MODELS:
            try:
                visible = (
                    name in too_big
                    or reader.load_sheet_by_name(name, n_rows=0).visible == "visible"
                )
            except Exception:
                visible = True
            if visible:
                raw.errors.append(
                    make(
                        "lembar_tidak_dikenal",
                        sheet=name,
                        value=name,
                        hint=", ".join(SECTION_MODELS),
                    )
                )
            continue
        if name in too_big:
            _refuse_sheet(raw, section, *too_big[name], max_rows)
            continue
        try:
            sheet = reader.load_sheet_by_name(name, dtypes="string", n_rows=max_rows + 1)
            frame = sheet.to_polars()
        except Exception as exc:
            unreadable(raw, path, SHEET_BROKEN, exc, sheet=section)
            continue
        raw.sections[section] = section_frame(raw, section, frame, first_row=2)
    return finish(raw, max_rows)


def _refuse_sheet(raw: RawSubmission, section: str, rows: int, cols: int, max_rows: int) -> None:
    """Report a sheet too large to load, as `finish` would: rows beyond the limit, or too wide."""
    if rows > max_rows + 1:  # more than the header and max_rows rows
        hint = str(max_rows)
        raw.errors.append(
            make("baris_terlalu_banyak", sheet=section, value=f"lebih dari {max_rows}", hint=hint)
        )
    else:
        hint = f"lembar '{section}' terbentang {cols:,} kolom; batasnya {MAX_COLUMNS}"
        raw.errors.append(make("berkas_rusak", sheet=section, hint=hint))
    # Present but empty, like a sheet `finish` cuts for its rows.
    schema = {ROW: pl.Int64} | dict.fromkeys(columns(section), pl.Utf8)
    raw.sections[section] = pl.DataFrame(schema=schema)
    raw.missing[section] = set()


def template_version(path: Path, surveyed: Survey | None = None) -> str | None:
    """The contract version a template stamped in the workbook; None for a hand-made one.

    With the workbook's `surveyed`, its copy of the custom properties is read instead of
    opening the file again.
    """
    try:
        if surveyed is not None:
            if surveyed.custom is None:
                return None
            root = ElementTree.fromstring(surveyed.custom)
        else:
            with zipfile.ZipFile(path) as archive:
                root = ElementTree.fromstring(archive.read(CUSTOM_PART))
    except (KeyError, zipfile.BadZipFile, OSError, ElementTree.ParseError):
        return None
    for prop in root:
        if prop.get("name") == VERSION_PROPERTY:
            return "".join(prop.itertext()).strip()
    return None
