"""Readers: every way a file can be unusable is a clean rejection with a located message."""

import json
import zipfile

import pytest

from lapsit.reading import read_submission
from lapsit.validation.batch import validate_file
from tests.builders import valid_sections, write

LIMITS = {"max_bytes": 10_000_000, "max_rows": 5_000}


def verdict(path, ref, inbox="balangan"):
    return validate_file(path, inbox, ref, **LIMITS)


@pytest.mark.parametrize(
    "name", ["laporan.xls", "laporan.csv", "laporan.ods", "foto.jpg", "scan.pdf"]
)
def test_other_formats_are_refused_with_the_formats_to_send(tmp_path, ref, name):
    path = tmp_path / name
    path.write_bytes(b"kode_polres,tanggal\nbalangan,2024-11-20\n")
    result = verdict(path, ref)
    (galat,) = result.errors
    assert (galat.sheet, galat.row, galat.column, galat.rule) == (None, None, None, "format_berkas")
    assert ".xlsx" in galat.message and ".json" in galat.message
    assert not result.accepted


@pytest.mark.parametrize("name", ["kosong.xlsx", "kosong.json"])
def test_empty_file_is_refused(tmp_path, ref, name):
    path = tmp_path / name
    path.write_bytes(b"")
    assert [g.rule for g in verdict(path, ref).errors] == ["berkas_kosong"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rusak.xlsx", b"PK\x03\x04 this is not a workbook"),
        ("acak.xlsx", bytes(range(256)) * 4),
        ("rusak.json", b'{"laporan": {"kode_polres": '),
        ("latin1.json", '{"laporan": {"pelapor": "Bripka Ça"}}'.encode("latin-1")),
        ("daftar.json", b"[1, 2, 3]"),
    ],
)
def test_unreadable_file_is_refused_without_crashing(tmp_path, ref, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    result = verdict(path, ref)
    assert [g.rule for g in result.errors] == ["berkas_rusak"]
    assert result.errors[0].sheet is None


def test_truncated_workbook_is_refused(tmp_path, ref):
    good = write(tmp_path / "utuh.xlsx", valid_sections())
    cut = tmp_path / "terpotong.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert [g.rule for g in verdict(cut, ref).errors] == ["berkas_rusak"]


def test_missing_required_sheet_is_named(tmp_path, ref):
    sections = valid_sections()
    del sections["pengamanan"]
    result = verdict(write(tmp_path / "a.xlsx", sections), ref)
    assert [(g.sheet, g.row, g.rule) for g in result.errors] == [
        ("pengamanan", None, "lembar_wajib")
    ]


def test_missing_optional_sections_mean_nothing_to_report(tmp_path, ref):
    sections = valid_sections()
    for name in ("satgas", "kejadian", "netralitas", "kesiapan"):
        del sections[name]
    assert verdict(write(tmp_path / "a.json", sections), ref).errors == []


def test_missing_column_is_reported_once_at_row_1(tmp_path, ref):
    sections = valid_sections()
    for row in sections["pengamanan"]:
        del row["personel_tni"]
    result = verdict(write(tmp_path / "a.xlsx", sections), ref)
    assert [(g.sheet, g.row, g.column, g.rule) for g in result.errors] == [
        ("pengamanan", 1, "personel_tni", "kolom_wajib")
    ]


def test_missing_optional_column_is_fine(tmp_path, ref):
    sections = valid_sections()
    for row in sections["pengamanan"]:
        del row["jumlah_tps"], row["keterangan"]
    assert verdict(write(tmp_path / "a.xlsx", sections), ref).errors == []


def test_unknown_column_is_reported_at_row_1_with_a_suggestion(tmp_path, ref):
    sections = valid_sections()
    for row in sections["pengamanan"]:
        row["personel_polisi"] = row.pop("personel_polri")
    result = verdict(write(tmp_path / "a.xlsx", sections), ref)
    found = {(g.sheet, g.row, g.column, g.rule) for g in result.errors}
    assert ("pengamanan", 1, "personel_polisi", "kolom_tidak_dikenal") in found
    assert ("pengamanan", 1, "personel_polri", "kolom_wajib") in found
    (unknown,) = [g for g in result.errors if g.rule == "kolom_tidak_dikenal"]
    assert "personel_polri" in unknown.message


def test_unknown_sheet_is_an_error(tmp_path, ref):
    sections = valid_sections()
    sections["kejadian2"] = sections["kejadian"]
    result = verdict(write(tmp_path / "a.xlsx", sections), ref)
    assert [(g.sheet, g.rule) for g in result.errors] == [("kejadian2", "lembar_tidak_dikenal")]


def test_blank_lines_keep_excel_row_numbers(tmp_path, ref):
    sections = valid_sections()
    blank = dict.fromkeys(sections["pengamanan"][0])
    bad = dict(sections["pengamanan"][1], personel_polri=-1)
    sections["pengamanan"] = [sections["pengamanan"][0], blank, blank, bad]
    result = verdict(write(tmp_path / "a.xlsx", sections), ref)
    errors = [(g.row, g.rule) for g in result.errors if g.severity == "error"]
    assert errors == [(5, "tidak_negatif")]


def test_two_laporan_rows_are_refused_on_the_extra_row(tmp_path, ref):
    sections = valid_sections()
    sections["laporan"] = [sections["laporan"], dict(sections["laporan"])]
    result = verdict(write(tmp_path / "a.xlsx", sections), ref)
    assert [(g.sheet, g.row, g.rule) for g in result.errors] == [
        ("laporan", 3, "laporan_satu_baris")
    ]


def test_empty_pengamanan_sheet_is_refused(tmp_path, ref):
    sections = valid_sections()
    sections["pengamanan"] = [dict.fromkeys(sections["pengamanan"][0])]
    result = verdict(write(tmp_path / "a.xlsx", sections), ref)
    assert ("pengamanan", "lembar_kosong") in {(g.sheet, g.rule) for g in result.errors}


def test_formula_cells_give_their_stored_value_and_are_never_evaluated(tmp_path):
    import xlsxwriter

    path = tmp_path / "rumus.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("pengamanan")
    sheet.write_row(0, 0, ["kode_kecamatan", "personel_polri", "personel_tni"])
    sheet.write_row(1, 0, ["63.11.01"])
    sheet.write_formula(1, 1, "=90+9", None, 99)
    sheet.write_formula(1, 2, '=WEBSERVICE("http://127.0.0.1/")', None, "7")
    book.close()
    raw = read_submission(path, **LIMITS)
    frame = raw.sections["pengamanan"]
    assert frame["personel_polri"].to_list() == ["99"]
    assert frame["personel_tni"].to_list() == ["7"]


def test_zip_bomb_is_refused_before_expansion(tmp_path, ref):
    path = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 120_000_000)
    result = validate_file(path, "balangan", ref, max_bytes=10_000_000, max_rows=5_000)
    assert [g.rule for g in result.errors] == ["berkas_terlalu_besar"]


def test_too_many_rows_are_refused(tmp_path, ref):
    sections = valid_sections()
    sections["kejadian"] = sections["kejadian"] * 30
    path = write(tmp_path / "a.json", sections)
    result = validate_file(path, "balangan", ref, max_bytes=10_000_000, max_rows=20)
    assert ("kejadian", "baris_terlalu_banyak") in {(g.sheet, g.rule) for g in result.errors}


def test_json_null_empty_and_absent_mean_empty(tmp_path, ref):
    sections = valid_sections()
    sections["pengamanan"][0]["keterangan"] = ""
    sections["pengamanan"][1]["keterangan"] = None
    del sections["pengamanan"][1]["jumlah_tps"]
    sections["laporan"]["dibuat_pada"] = None
    path = write(tmp_path / "a.json", sections)
    assert verdict(path, ref).errors == []
    doc = json.loads(path.read_text())
    assert doc["laporan"]["dibuat_pada"] is None


def test_json_with_a_byte_order_mark_is_read(tmp_path, ref):
    path = write(tmp_path / "bom.json", valid_sections())
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert verdict(path, ref).errors == []
