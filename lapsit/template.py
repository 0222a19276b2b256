"""The daily Excel template of one Polres, generated from the contract and the reference data.

Sheets: `petunjuk` (how to fill and send, in Bahasa Indonesia), one sheet per
section with its exact header row, and the hidden `_daftar` holding the
drop-down lists. Every column, choice and limit comes from the pandera models
(through `lapsit.contract_text`); the kecamatan lists from the Polres's own
jurisdiction. The workbook carries the contract version as the custom document
property `versi_kontrak`, which the reader checks.
"""

import datetime as dt
from pathlib import Path

import polars as pl
import xlsxwriter
from xlsxwriter.utility import quote_sheetname, xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from lapsit.contract_text import (
    KIND_FORMATS,
    KIND_NAMES,
    RULE_DOCS,
    SECTION_DOCS,
    Column,
    choices_text,
    contract_columns,
    example_text,
    example_value,
    requirement_text,
    rule_phrases,
    section_rules,
    type_text,
)
from lapsit.readers import VERSION_PROPERTY
from lapsit.reference import Reference
from lapsit.validate import today_in
from schemas.contract import CONTRACT_VERSION, NRP_PATTERN, REQUIRED_SECTIONS, SECTIONS

INSTRUCTIONS_SHEET = "petunjuk"
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
# Sheet rules that hold a value to a list from the reference data.
REFERENCE_LIST_RULES = ("polres_sesuai_kotak", "pemilihan_dikenal", "tahapan_pemilihan")

_CELL_FORMATS = {
    "text": "@",
    "kecamatan": "@",
    "choice": "@",
    "choice_list": "@",
    "int": "0",
    "date": "dd/mm/yyyy",
    "datetime": "dd/mm/yyyy hh:mm",
}


def stage_in_force(ref: Reference, day: dt.date) -> dict | None:
    """The stage in force on a day: of the covering stages, the one that started last.

    Ties (voting and counting both start on voting day) go to the one that ends
    first, then to the first in tahapan.csv; None when no stage covers the day.
    """
    covering = (
        ref.tahapan.with_row_index("__urut")
        .filter((pl.col("mulai") <= day) & (pl.col("selesai") >= day))
        .sort(["mulai", "selesai", "__urut"], descending=[True, False, False])
    )
    return covering.drop("__urut").row(0, named=True) if covering.height else None


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
    """Lists for the columns checked against the reference data, keyed by rule."""
    stages = ref.tahapan["kode_tahapan"].unique(maintain_order=True).to_list()
    return {
        "polres_sesuai_kotak": [kode_polres],
        "pemilihan_dikenal": ref.tahapan["kode_pemilihan"].unique(maintain_order=True).to_list(),
        "tahapan_pemilihan": stages,
    }


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
    for rule in REFERENCE_LIST_RULES:
        if rule in col.rules:
            return lists.add(f"{col.section}.{col.name}", reference[rule])
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


def _validation(
    col: Column, source: str | None, example: str, cell: dict[str, str], laporan_tanggal: str
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
    if col.kind == "int":
        options = {"validate": "integer", "criteria": ">=", "value": col.minimum or 0}
        if "siap_melebihi_total" in col.rules:
            total = cell["jumlah_total"]
            options |= {
                "criteria": "between",
                "minimum": col.minimum or 0,
                "maximum": f'=IF({total}="",1000000000,{total})',
            }
        words = "Isi dengan bilangan bulat 0 atau lebih, misalnya 12."
        return base | options | {"error_message": _error_message(col, words)}
    if col.kind == "date":
        options = {"validate": "date", "criteria": ">=", "value": EARLIEST}
        if "tanggal_masa_depan" in col.rules:
            options |= {"criteria": "between", "minimum": EARLIEST, "maximum": "=TODAY()"}
        if "temuan_setelah_laporan" in col.rules:
            options |= {"criteria": "between", "minimum": EARLIEST, "maximum": laporan_tanggal}
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


def _example(col: Column, prefill: dict, kecamatan: pl.DataFrame) -> str:
    """The example shown for a column: this Polres's own values where the column has them."""
    if col.section == "laporan" and prefill.get(col.name):
        return example_text(prefill[col.name])
    if col.name in ("kode_kecamatan", "nama_kecamatan") and kecamatan.height:
        return kecamatan[col.name][0]
    return example_text(example_value(col))


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
    laporan_cols = [c.name for c in contract_columns("laporan")]
    laporan_tanggal = f"={quote_sheetname('laporan')}!{xl_rowcol_to_cell(1, laporan_cols.index('tanggal'), True, True)}"
    formats = {k: book.add_format({"num_format": v}) for k, v in _CELL_FORMATS.items()}
    for i, col in enumerate(cols):
        sheet.write_string(0, i, col.name, header[col.nullable])
        source = _list_source(col, lists, kecamatan, reference)
        sheet.set_column(i, i, _width(col, lists, source), formats[col.kind])
        example = _example(col, prefill, kecamatan)
        options = _validation(col, source, example, cell, laporan_tanggal)
        if sheet.data_validation(1, i, last_row, i, options) != 0:
            raise ValueError(f"cell validation of {section}.{col.name} refused by xlsxwriter")
        value = prefill.get(col.name) if section == "laporan" else None
        if isinstance(value, dt.date):
            sheet.write_datetime(1, i, dt.datetime.combine(value, dt.time()), formats["date"])
        elif value:
            sheet.write_string(1, i, str(value), formats[col.kind])
    _highlights(book, sheet, cols, last_row)
    sheet.freeze_panes(1, 0)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)


def _highlights(book: Workbook, sheet: Worksheet, cols: list[Column], last_row: int) -> None:
    """Colour what a cell validation cannot stop: repeated keys, a missing sanksi."""
    warn = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    names = [c.name for c in cols]
    for i, col in enumerate(cols):
        if any(r.endswith("_unik") for r in col.rules):
            sheet.conditional_format(1, i, last_row, i, {"type": "duplicate", "format": warn})
        if "sanksi_wajib" in col.rules and "status" in names:
            status = xl_rowcol_to_cell(1, names.index("status"), col_abs=True)
            me = xl_rowcol_to_cell(1, i, col_abs=True)
            sheet.conditional_format(
                1,
                i,
                last_row,
                i,
                {
                    "type": "formula",
                    "criteria": f'=AND(LOWER(TRIM({status}))="terbukti",LEN(TRIM({me}))=0)',
                    "format": warn,
                },
            )


def _instructions(
    book: Workbook,
    polres: dict,
    day: dt.date,
    stage: dict | None,
    prefill: dict,
    kecamatan: pl.DataFrame,
) -> None:
    """The `petunjuk` sheet: how to fill each sheet, formats accepted, how to send."""
    sheet = book.add_worksheet(INSTRUCTIONS_SHEET)
    title = book.add_format({"bold": True, "font_size": 14})
    heading = book.add_format({"bold": True, "font_size": 12, "bottom": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    table_head = book.add_format(
        {"bold": True, "font_color": "#FFFFFF", "bg_color": REQUIRED_FILL, "border": 1}
    )
    table_cell = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
    widths = [13, 22, 26, 16, 16, 60, 26]
    for i, w in enumerate(widths):
        sheet.set_column(i, i, w)
    line_chars = sum(widths) + 10  # a little over one character per width unit
    row = 0

    def text(value: str, fmt=wrap) -> None:
        nonlocal row
        sheet.merge_range(row, 0, row, len(widths) - 1, value, fmt)
        lines = sum(max(1, -(-len(part) // line_chars)) for part in value.split("\n"))
        sheet.set_row(row, 15 * lines + 2)
        row += 1

    def blank() -> None:
        nonlocal row
        row += 1

    kode = polres["kode_polres"]
    text(f"Templat laporan harian pengamanan pemilihan — {polres['nama_polres']}", title)
    stage_words = (
        f"{stage['kode_pemilihan']}, tahapan {stage['kode_tahapan']} ({stage['nama_tahapan']})"
        if stage
        else "tidak ada tahapan pada tanggal ini; isi kode_pemilihan dan kode_tahapan"
    )
    text(
        f"{polres['nama_polda']} · kode Polres {kode} · tanggal laporan "
        f"{day:%d/%m/%Y} · {stage_words} · templat versi kontrak {CONTRACT_VERSION}"
    )
    blank()
    text("Cara mengisi", heading)
    optional = [s for s in SECTIONS if s not in REQUIRED_SECTIONS]
    steps = [
        "Satu berkas untuk satu Polres dan satu tanggal laporan. Jangan mengubah nama lembar, "
        "jangan mengubah atau memindahkan baris judul (baris 1); data dimulai dari baris 2. "
        "Jangan menambah kolom atau lembar.",
        "Judul kolom berwarna gelap wajib diisi; judul kolom berwarna terang boleh dikosongkan. "
        "Pilih sel untuk melihat petunjuk isinya; sel dengan panah berisi daftar pilihan.",
        "Lembar laporan sudah terisi kode Polres, tanggal, kode pemilihan dan kode tahapan. "
        "Periksa tanggal dan tahapan, lalu isi pelapor (nama dan pangkat) dan bila ada "
        "nama_operasi serta dibuat_pada (tanggal dan jam berkas dibuat).",
        f"Lembar pengamanan wajib berisi minimal satu baris: satu baris per kecamatan yang "
        f"diamankan hari itu. Daftar kecamatan hanya berisi {kecamatan.height} kecamatan wilayah "
        f"hukum {polres['nama_polres']}.",
        f"Lembar {', '.join(optional)} boleh dibiarkan tanpa baris bila tidak ada yang dilaporkan.",
        "Baris kosong di tengah tidak apa-apa; nomor baris yang disebut dalam laporan galat "
        "adalah nomor baris Excel.",
    ]
    for i, step in enumerate(steps, start=1):
        text(f"{i}. {step}")
    blank()
    text("Isi setiap lembar", heading)
    for section in SECTIONS:
        need = "wajib" if section in REQUIRED_SECTIONS else "opsional"
        rules = [RULE_DOCS[r] for r in section_rules(section)]
        extra = f" Aturan: {'; '.join(rules)}." if rules else ""
        text(f"• {section} ({need}): {SECTION_DOCS[section]}{extra}")
    blank()
    text("Format isian yang diterima", heading)
    for kind, words in KIND_FORMATS.items():
        text(f"• {KIND_NAMES[kind]}: {words}")
    blank()
    text("Cara mengirim", heading)
    sending = [
        "Simpan sebagai Excel .xlsx (bukan .xls, .csv, .ods, PDF atau foto).",
        f"Letakkan berkas di kotak masuk Polres: raw/{kode}/ (satu folder per Polres; berkas di "
        "kotak masuk Polres lain ditolak). Beri nama dengan tanggalnya, misalnya "
        f"raw/{kode}/{day.isoformat()}.xlsx.",
        "Satu berkas per hari laporan. Perbaikan dikirim sebagai berkas lengkap yang baru "
        f"(misalnya {day.isoformat()}-revisi.xlsx): laporan yang diterima kemudian untuk "
        "Polres, pemilihan dan tanggal yang sama menggantikan laporan sebelumnya seluruhnya "
        "(yang lebih baru menurut dibuat_pada, atau bila kosong menurut waktu diterima).",
        "Bila ditolak, laporan galat menyebut lembar, baris, kolom, nilai, apa yang salah dan "
        "cara memperbaikinya. Perbaiki lalu kirim ulang. Berkas dapat diperiksa sebelum "
        f"dikirim dengan: lapsit validate {day.isoformat()}.xlsx --polres {kode}",
        f"Templat ini untuk versi kontrak {CONTRACT_VERSION}. Berkas dari templat versi lain "
        "ditolak; mintalah templat terbaru kepada staf data Polda.",
    ]
    for item in sending:
        text(f"• {item}")
    blank()
    text("Daftar kolom", heading)
    sheet.write_row(
        row, 0, ["lembar", "kolom", "keterangan", "jenis", "wajib", "aturan", "contoh"], table_head
    )
    sheet.repeat_rows(row)
    row += 1
    for section in SECTIONS:
        for col in contract_columns(section):
            rules = rule_phrases(col)
            if col.choices:
                rules.append(choices_text(col))
            cells = [
                section,
                col.name,
                col.label,
                type_text(col),
                requirement_text(col),
                "; ".join(rules),
                _example(col, prefill, kecamatan),
            ]
            sheet.write_row(row, 0, cells, table_cell)
            lines = max(
                -(-len(v) // max(w - 2, 1)) for v, w in zip(cells, widths, strict=True) if v
            )
            sheet.set_row(row, 15 * max(lines, 1) + 2)
            row += 1
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)


def write_template(
    path: Path, ref: Reference, kode_polres: str, day: dt.date | None = None
) -> Path:
    """Write the Excel template of one Polres for one report date."""
    polres = ref.polres_row(kode_polres)
    if polres is None:
        raise ValueError(f"Kode Polres '{kode_polres}' tidak ada di polres.csv.")
    day = template_date(ref, kode_polres, day)
    stage = stage_in_force(ref, day)
    kecamatan = ref.kecamatan.filter(pl.col("kode_polres") == kode_polres)
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
    _instructions(book, polres, day, stage, prefill, kecamatan)
    lists = _Lists()
    reference = _reference_lists(ref, kode_polres)
    for section in SECTIONS:
        _section_sheet(book, section, lists, kecamatan, reference, prefill)
    lists.write(book)
    book.close()
    return path
