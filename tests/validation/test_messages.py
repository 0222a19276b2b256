"""What operators read (issue 14, item 6): local times, Indonesian only, the words of the format."""

import datetime as dt
import logging
import re

import pytest

from lapsit.galat import describe
from lapsit.ingest.error_report import context
from lapsit.templating import render
from lapsit.validation.batch import validate_file
from tests.builders import valid_sections, write

LIMITS = {"max_bytes": 2_000_000, "max_rows": 5_000}
RECEIVED = dt.datetime(2024, 11, 20, 12, tzinfo=dt.UTC)  # 20.00 WITA
# Words of the libraries under the reader, which an operator must never be shown.
LIBRARY_WORDS = re.compile(r"calamine|Zip|EOCD|Expecting|property name|Xlsx error|line \d", re.I)


def check(tmp_path, ref, sections, suffix=".xlsx"):
    path = write(tmp_path / f"2024-11-20{suffix}", sections)
    return validate_file(path, "balangan", ref, received=RECEIVED, **LIMITS).errors


def by_rule(errors, rule):
    found = [g for g in errors if g.rule == rule]
    assert found, f"no {rule} in {[g.rule for g in errors]}"
    return found[0]


def test_an_incident_time_is_shown_in_the_polres_time_zone_never_utc(tmp_path, ref):
    sections = valid_sections()
    # Typed as 14:30 local (WITA) three days before the report date: a warning.
    sections["kejadian"][0]["waktu"] = dt.datetime(2024, 11, 17, 14, 30)
    for suffix in (".xlsx", ".json"):
        g = by_rule(check(tmp_path, ref, sections, suffix), "waktu_kejadian")
        assert g.value == "17/11/2024 14.30 WITA"
        assert "14.30 WITA" in g.message and "UTC" not in g.message and "+00:00" not in g.message


@pytest.mark.parametrize(
    ("suffix", "data"),
    [
        (".xlsx", b"PK\x03\x04 not really a zip archive at all"),
        (".xlsx", b"\x00" * 300),
        (".json", b'{"laporan": {"kode_polres": "balangan", tanggal: 1}}'),
        (".json", b'{"laporan": {"kode_polres": "balangan",}'),
        (".json", b"\xff\xfe{}"),
    ],
)
def test_an_unreadable_file_is_told_in_indonesian_and_the_detail_goes_to_the_log(
    tmp_path, ref, caplog, suffix, data
):
    path = tmp_path / f"rusak{suffix}"
    path.write_bytes(data)
    with caplog.at_level(logging.INFO, logger="lapsit.reading"):
        errors = validate_file(path, "balangan", ref, received=RECEIVED, **LIMITS).errors
    g = by_rule(errors, "berkas_rusak")
    assert g.message.startswith("Berkas tidak dapat dibaca: isinya ")
    assert not LIBRARY_WORDS.search(g.message), g.message
    assert caplog.records, "the library's detail is kept for the log"
    if suffix == ".json" and b"tanggal: 1" in data:
        assert "baris 1, kolom 41" in g.message  # where the JSON parser stopped


def test_a_json_file_is_spoken_of_in_keys_and_objects(tmp_path, ref):
    sections = valid_sections()
    sections["pengamanan"][0]["lain"] = 1
    del sections["pengamanan"][1]["personel_tni"]
    del sections["satgas"][1]
    sections["satgas"].append({"satgas": "preemtif", "personel": 3})
    json_errors = check(tmp_path, ref, sections, ".json")
    xlsx_errors = check(tmp_path, ref, sections, ".xlsx")
    unknown = by_rule(json_errors, "kolom_tidak_dikenal")
    assert unknown.message.startswith("Kunci 'lain' tidak dikenal di bagian ini.")
    # The fields keep their meaning of SPEC §3: the section, the object's position, the key.
    assert (unknown.sheet, unknown.row, unknown.column) == ("pengamanan", 1, "lain")
    assert by_rule(json_errors, "satgas_unik").message.endswith(
        "pada objek sebelumnya. Gabungkan menjadi satu objek."
    )
    assert describe(unknown, "json").startswith("[kunci pengamanan, objek 1, kunci lain]")
    for g in json_errors:
        assert not re.search(r"\b(lembar|baris|kolom)\b", g.message, re.I), g.message
    # The same file as a workbook: sheets, rows and columns.
    assert by_rule(xlsx_errors, "kolom_tidak_dikenal").message.startswith(
        "Kolom 'lain' tidak dikenal di lembar ini."
    )
    assert by_rule(xlsx_errors, "satgas_unik").message.endswith("menjadi satu baris.")


def test_a_missing_section_of_a_json_file_is_a_missing_key(tmp_path, ref):
    sections = valid_sections()
    del sections["pengamanan"]
    g = by_rule(check(tmp_path, ref, sections, ".json"), "lembar_wajib")
    assert g.message == "Kunci 'pengamanan' tidak ada. Tambahkan kunci 'pengamanan' sesuai templat."


@pytest.mark.parametrize(
    ("typed", "meant"), [("1.234", "1234"), ("1.000", "1000"), ("12.500", "12500")]
)
def test_a_thousands_dot_in_a_whole_number_is_refused_with_a_hint(tmp_path, ref, typed, meant):
    sections = valid_sections()
    sections["pengamanan"][0]["personel_linmas"] = typed
    g = by_rule(check(tmp_path, ref, sections), "bilangan_bulat")
    assert (g.sheet, g.row, g.column, g.value) == ("pengamanan", 2, "personel_linmas", typed)
    assert g.message.endswith(f"Jika maksudnya {meant}, tulis tanpa titik pemisah ribuan.")


def test_a_whole_number_typed_as_text_is_still_read(tmp_path, ref):
    sections = valid_sections()
    sections["pengamanan"][0]["personel_linmas"] = "12.0"
    assert not [g for g in check(tmp_path, ref, sections) if g.rule == "bilangan_bulat"]


def test_the_error_report_gives_the_time_received_in_the_polres_zone(ref):
    received = dt.datetime(2024, 11, 21, 11, 20, tzinfo=dt.UTC)
    for template in ("galat.md.j2", "galat.html.j2"):
        text = render(template, **context("balangan/x.xlsx", "Polres Balangan", "ditolak", [],
                                          received, "Asia/Makassar"))  # fmt: skip
        assert "Waktu terima: 21/11/2024 19.20 WITA" in text
        assert "UTC" not in text and "Diterima:" not in text


def test_the_json_error_report_names_keys_and_objects(tmp_path, ref):
    sections = valid_sections()
    sections["pengamanan"][0]["lain"] = 1
    errors = check(tmp_path, ref, sections, ".json")
    ctx = context("balangan/x.json", "Polres Balangan", "ditolak", errors, None, json_file=True)
    md = render("galat.md.j2", **ctx)
    assert "| Kunci | Objek ke- | Kunci isian |" in md and "| Lembar |" not in md
    assert ctx["json_file"] is True
