"""The `petunjuk` sheet of the Excel template: how to fill each sheet, and how to send it."""

import datetime as dt
from collections.abc import Callable

from xlsxwriter.workbook import Workbook

from lapsit.publishing.words import (
    KIND_FORMATS,
    KIND_NAMES,
    SECTION_DOCS,
    choices_text,
    requirement_text,
    rule_phrases,
    type_text,
)
from schemas.columns import Column, contract_columns, section_rules
from schemas.contract import CONTRACT_VERSION, REQUIRED_SECTIONS, SECTION_MODELS
from schemas.rules import RULES

INSTRUCTIONS_SHEET = "petunjuk"
# Header colour of the column list.
HEAD_FILL = "#1F4E78"


# Long: the petunjuk sheet's lines, top to bottom as the operator reads them; splitting
# them would scatter one page of text over several functions.
def instructions(
    book: Workbook,
    polres: dict,
    day: dt.date,
    stage: dict | None,
    example: Callable[[Column], str],
    n_kecamatan: int,
) -> None:
    """The `petunjuk` sheet: how to fill each sheet, formats accepted, how to send.

    `example(col)`: the example shown for a column (this Polres's own values where it has them).
    """
    sheet = book.add_worksheet(INSTRUCTIONS_SHEET)
    title = book.add_format({"bold": True, "font_size": 14})
    heading = book.add_format({"bold": True, "font_size": 12, "bottom": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    table_head = book.add_format(
        {"bold": True, "font_color": "#FFFFFF", "bg_color": HEAD_FILL, "border": 1}
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
    optional = [s for s in SECTION_MODELS if s not in REQUIRED_SECTIONS]
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
        f"diamankan hari itu. Daftar kecamatan hanya berisi {n_kecamatan} kecamatan wilayah "
        f"hukum {polres['nama_polres']}.",
        f"Lembar {', '.join(optional)} boleh dibiarkan tanpa baris bila tidak ada yang dilaporkan.",
        "Baris kosong di tengah tidak apa-apa; nomor baris yang disebut dalam laporan galat "
        "adalah nomor baris Excel.",
    ]
    for i, step in enumerate(steps, start=1):
        text(f"{i}. {step}")
    blank()
    text("Isi setiap lembar", heading)
    for section in SECTION_MODELS:
        need = "wajib" if section in REQUIRED_SECTIONS else "opsional"
        rules = [RULES[r].doc for r in section_rules(section)]
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
    for section in SECTION_MODELS:
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
                example(col),
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
