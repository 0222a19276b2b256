"""The daily Excel template of one Polres, generated from the contract and the reference data.

Sheets: `petunjuk` (how to fill and send, in Bahasa Indonesia; see
`lapsit.publishing.instructions`), one sheet per section with its exact header
row, and the hidden `_daftar` holding the drop-down lists. Every column,
choice and limit comes from the models (`schemas.columns`), how a rule is
enforced in a cell from its declaration (`schemas/rules/`: `excel`); the
kecamatan lists from the Polres's own jurisdiction. The workbook carries the
contract version as the custom document property `versi_kontrak`, which the
reader checks.
"""

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import polars as pl
import xlsxwriter
from xlsxwriter.utility import quote_sheetname, xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from lapsit.clock import today_in
from lapsit.publishing.instructions import instructions
from lapsit.publishing.words import example_text, example_value, rule_phrases
from lapsit.reading.xlsx import VERSION_PROPERTY
from lapsit.reference import Reference, stage_on
from schemas.columns import Column, contract_columns
from schemas.contract import CONTRACT_VERSION, NRP_PATTERN, SECTION_MODELS
from schemas.rules import RULES, Excel

LISTS_SHEET = "_daftar"
# Rows below the header that carry cell validation (a day's report is far smaller).
DATA_ROWS = 1000
# Dates before this are typing mistakes.
EARLIEST = dt.date(2000, 1, 1)
# Excel's serial number of EARLIEST (days since 1899-12-30), for date-time validation.
EARLIEST_SERIAL = (EARLIEST - dt.date(1899, 12, 30)).days
# Header colours: required columns dark, optional ones light.
REQUIRED_FILL, OPTIONAL_FILL = "#1F4E78", "#DDEBF7"
# The laporan columns a template fills in, from the reference data.
PREFILLED = ("kode_polres", "tanggal", "kode_pemilihan", "kode_tahapan")

_CELL_FORMATS = {
    "text": "@",
    "kecamatan": "@",
    "choice": "@",
    "choice_list": "@",
    "int": "0",
    "date": "dd/mm/yyyy",
    "datetime": "dd/mm/yyyy hh:mm",
}


def template_date(ref: Reference, kode_polres: str, day: dt.date | None = None) -> dt.date:
    """The report date of a template: the given day, else today in the Polres's time zone."""
    return day or today_in(ref.zone_of(kode_polres))


def default_filename(kode_polres: str, day: dt.date) -> str:
    return f"templat-{kode_polres}-{day.isoformat()}.xlsx"


class _Lists:
    """The drop-down lists, one column each on the hidden sheet, list name in row 1."""

    def __init__(self) -> None:
        self.sources: dict[str, str] = {}
        self.values: dict[str, list[str]] = {}

    def add(self, name: str, values: list[str]) -> str:
        """Keep a list (once) and return its absolute range for a list validation."""
        if name not in self.sources:
            letter = xl_col_to_name(len(self.sources))
            last = max(len(values), 1) + 1
            self.sources[name] = f"={quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${last}"
            self.values[name] = list(values)
        return self.sources[name]

    def write(self, book: Workbook) -> None:
        """Add the hidden, protected sheet holding every list."""
        sheet = book.add_worksheet(LISTS_SHEET)
        for col, (name, values) in enumerate(self.values.items()):
            sheet.write_string(0, col, name)
            for i, value in enumerate(values, start=1):
                sheet.write_string(i, col, value)
            sheet.set_column(col, col, max(len(v) for v in [name, *values]) + 2)
        sheet.hide()
        sheet.protect()


def _clip(text: str, limit: int) -> str:
    """Excel's limits on validation titles (32) and messages (255), cut at a word."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _reference_lists(ref: Reference, kode_polres: str) -> dict[str, list[str]]:
    """The drop-down lists a rule's `Excel.listed` names, from the reference data."""
    stages = ref.tahapan["kode_tahapan"].unique(maintain_order=True).to_list()
    return {
        "polres": [kode_polres],
        "pemilihan": ref.tahapan["kode_pemilihan"].unique(maintain_order=True).to_list(),
        "tahapan": stages,
    }


def _excel(col: Column) -> list[Excel]:
    """How the rules reported on a column are enforced in its cells."""
    return [RULES[r].excel for r in col.rules if RULES[r].excel is not None]


def _formula(template: str, cells: dict[str, str], laporan: dict[str, str]) -> str:
    """A rule's formula with its cells: `{col}` in the same row, `{laporan.col}` on laporan."""
    return re.sub(r"\{(laporan\.)?(\w+)\}", lambda m: (laporan if m[1] else cells)[m[2]], template)


def _list_source(
    col: Column, lists: _Lists, kecamatan: pl.DataFrame, reference: dict
) -> str | None:
    """The drop-down list of a column, if it has one."""
    if col.choices:
        return lists.add(f"{col.section}.{col.name}", list(col.choices))
    if col.kind == "kecamatan":
        return lists.add("kode_kecamatan", kecamatan["kode_kecamatan"].to_list())
    if col.name == "nama_kecamatan":
        return lists.add("nama_kecamatan", kecamatan["nama_kecamatan"].to_list())
    for excel in _excel(col):
        if excel.listed:
            return lists.add(f"{col.section}.{col.name}", reference[excel.listed])
    return None


def _input_message(col: Column, listed: bool, example: str) -> str:
    """What the operator sees on selecting a cell: required or not, format, rules, example."""
    if col.kind == "kecamatan":
        need = "Wajib, kecuali nama_kecamatan diisi."
    else:
        need = "Boleh dikosongkan." if col.nullable else "Wajib diisi."
    how = {
        "int": "Bilangan bulat.",
        "date": "Tanggal, misalnya 20/11/2024.",
        "datetime": "Tanggal dan jam waktu setempat, misalnya 20/11/2024 14:30.",
        "choice": f"Pilih dari daftar: {', '.join(col.choices)}.",
        "choice_list": "Pilih dari daftar; beberapa nilai dipisah ; (misalnya politik_uang;hoaks).",
        "kecamatan": "Pilih dari daftar kecamatan wilayah hukum Polres ini.",
        "text": "Pilih dari daftar." if listed else "Teks.",
    }[col.kind]
    phrases = rule_phrases(col)
    rules = f" Syarat: {'; '.join(phrases)}." if phrases else ""
    shown = f" Contoh: {example}" if example and col.kind != "choice" else ""
    return _clip(f"{need} {how}{rules}{shown}", 255)


def _error_message(col: Column, kind_words: str) -> str:
    phrases = [p for p in rule_phrases(col) if "(peringatan)" not in p]
    rules = f" Syarat kolom {col.name}: {'; '.join(phrases)}." if phrases else ""
    return _clip(f"{kind_words}{rules}", 255)


# Long: one table of xlsxwriter options per column kind (whole numbers, dates, lists, text
# lengths, NRP), read side by side with the contract's rules it enforces.
def _validation(
    col: Column, source: str | None, example: str, cell: dict[str, str], laporan: dict[str, str]
) -> dict:
    """The cell validation of a column (options of xlsxwriter's data_validation)."""
    base = {
        "input_title": _clip(col.label, 32),
        "input_message": _input_message(col, source is not None, example),
    }
    base["error_title"] = "Isian tidak sesuai"
    if source is not None:
        if col.kind == "choice_list":
            # A list of several choices is not one item of the list: inform, do not block.
            return base | {
                "validate": "list",
                "source": source,
                "error_type": "information",
                "error_title": "Periksa isian",
                "error_message": _clip(
                    "Nilai ini bukan satu pilihan dari daftar. Beberapa pilihan boleh dipisah ; "
                    "(misalnya politik_uang;hoaks); klik OK bila sudah benar.",
                    255,
                ),
            }
        return base | {
            "validate": "list",
            "source": source,
            "error_message": _error_message(
                col, "Nilai tidak ada dalam daftar. Pilih dari daftar (klik panah di sel)."
            ),
        }
    maximum = next((_formula(e.maximum, cell, laporan) for e in _excel(col) if e.maximum), None)
    if col.kind == "int":
        options = {"validate": "integer", "criteria": ">=", "value": col.minimum or 0}
        if maximum:
            options |= {"criteria": "between", "minimum": col.minimum or 0, "maximum": maximum}
        words = "Isi dengan bilangan bulat 0 atau lebih, misalnya 12."
        return base | options | {"error_message": _error_message(col, words)}
    if col.kind == "date":
        options = {"validate": "date", "criteria": ">=", "value": EARLIEST}
        if maximum:
            options |= {"criteria": "between", "minimum": EARLIEST, "maximum": maximum}
        words = "Isi dengan tanggal, misalnya 20/11/2024."
        return base | options | {"error_message": _error_message(col, words)}
    if col.kind == "datetime":
        # A date-time is a fractional day number; Excel's date validation wants whole days.
        words = "Isi dengan tanggal dan jam, misalnya 20/11/2024 14:30."
        return base | {
            "validate": "decimal",
            "criteria": ">=",
            "value": EARLIEST_SERIAL,
            "error_message": _error_message(col, words),
        }
    if col.pattern == NRP_PATTERN:
        me = cell[col.name]
        return base | {
            "validate": "custom",
            "value": f'=IFERROR(AND(LEN({me})=8,ISNUMBER(--{me}),TEXT(--{me},"00000000")={me}&""),FALSE)',
            "error_message": "NRP harus tepat 8 angka, misalnya 87050123.",
        }
    if col.max_length is not None:
        words = f"Teks harus {col.min_length or 0} sampai {col.max_length} karakter."
        return base | {
            "validate": "length",
            "criteria": "between",
            "minimum": col.min_length or 0,
            "maximum": col.max_length,
            "error_message": _error_message(col, words),
        }
    return base | {"validate": "any"}


def _examples(prefill: dict, kecamatan: pl.DataFrame) -> Callable[[Column], str]:
    """The example shown for a column: this Polres's own values where the column has them."""

    def example(col: Column) -> str:
        if col.section == "laporan" and prefill.get(col.name):
            return example_text(prefill[col.name])
        if col.name in ("kode_kecamatan", "nama_kecamatan") and kecamatan.height:
            return kecamatan[col.name][0]
        return example_text(example_value(col))

    return example


def _width(col: Column, lists: _Lists, source: str | None) -> int:
    values = [col.name, example_text(example_value(col))]
    for name, src in lists.sources.items():
        if src == source:
            values += lists.values[name]
    if col.kind in ("date", "datetime"):
        values.append("20/11/2024 14:30" if col.kind == "datetime" else "20/11/2024 ")
    return max(10, min(60, max(len(v) for v in values) + 2))


def _section_sheet(
    book: Workbook,
    section: str,
    lists: _Lists,
    kecamatan: pl.DataFrame,
    reference: dict,
    prefill: dict,
    example_of: Callable[[Column], str],
) -> None:
    sheet = book.add_worksheet(section)
    cols = contract_columns(section)
    header = {
        False: book.add_format(
            {"bold": True, "font_color": "#FFFFFF", "bg_color": REQUIRED_FILL, "border": 1}
        ),
        True: book.add_format({"bold": True, "bg_color": OPTIONAL_FILL, "border": 1}),
    }
    last_row = 1 if section == "laporan" else DATA_ROWS
    cell = {c.name: xl_rowcol_to_cell(1, i) for i, c in enumerate(cols)}
    laporan = {
        c.name: f"{quote_sheetname('laporan')}!{xl_rowcol_to_cell(1, i, True, True)}"
        for i, c in enumerate(contract_columns("laporan"))
    }
    formats = {k: book.add_format({"num_format": v}) for k, v in _CELL_FORMATS.items()}
    for i, col in enumerate(cols):
        sheet.write_string(0, i, col.name, header[col.nullable])
        source = _list_source(col, lists, kecamatan, reference)
        sheet.set_column(i, i, _width(col, lists, source), formats[col.kind])
        example = example_of(col)
        options = _validation(col, source, example, cell, laporan)
        if sheet.data_validation(1, i, last_row, i, options) != 0:
            raise ValueError(f"cell validation of {section}.{col.name} refused by xlsxwriter")
        value = prefill.get(col.name) if section == "laporan" else None
        if isinstance(value, dt.date):
            sheet.write_datetime(1, i, dt.datetime.combine(value, dt.time()), formats["date"])
        elif value:
            sheet.write_string(1, i, str(value), formats[col.kind])
    _highlights(book, sheet, cols, last_row, laporan)
    sheet.freeze_panes(1, 0)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)


def _highlights(
    book: Workbook, sheet: Worksheet, cols: list[Column], last_row: int, laporan: dict[str, str]
) -> None:
    """Colour what a cell validation cannot stop: repeated keys, a missing sanksi."""
    warn = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    cells = {c.name: xl_rowcol_to_cell(1, i, col_abs=True) for i, c in enumerate(cols)}
    for i, col in enumerate(cols):
        for excel in _excel(col):
            if excel.highlight == "duplicate":
                options = {"type": "duplicate", "format": warn}
            elif excel.highlight:
                criteria = _formula(excel.highlight, cells, laporan)
                options = {"type": "formula", "criteria": criteria, "format": warn}
            else:
                continue
            sheet.conditional_format(1, i, last_row, i, options)


def write_template(
    path: Path, ref: Reference, kode_polres: str, day: dt.date | None = None
) -> Path:
    """Write the Excel template of one Polres for one report date."""
    polres = ref.polres_row(kode_polres)
    if polres is None:
        raise ValueError(f"Kode Polres '{kode_polres}' tidak ada di polres.csv.")
    day = template_date(ref, kode_polres, day)
    stage = stage_on(ref, day)
    kecamatan = ref.kecamatan_of(kode_polres)
    prefill = dict.fromkeys(PREFILLED)
    prefill |= {"kode_polres": kode_polres, "tanggal": day}
    if stage:
        prefill |= {k: stage[k] for k in ("kode_pemilihan", "kode_tahapan")}

    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    book.set_properties(
        {
            "title": f"Templat laporan harian {polres['nama_polres']}",
            "subject": f"Kontrak laporan versi {CONTRACT_VERSION}",
            "author": "lapsit",
            "created": dt.datetime.combine(day, dt.time()),
        }
    )
    book.set_custom_property(VERSION_PROPERTY, CONTRACT_VERSION)
    instructions(book, polres, day, stage, _examples(prefill, kecamatan), kecamatan.height)
    lists = _Lists()
    reference = _reference_lists(ref, kode_polres)
    examples = _examples(prefill, kecamatan)
    for section in SECTION_MODELS:
        _section_sheet(book, section, lists, kecamatan, reference, prefill, examples)
    lists.write(book)
    book.close()
    return path
