"""The Excel template: generated from the models, accepted when filled, guarded by cell validation."""

import datetime as dt
import shutil
import subprocess

import openpyxl
import polars as pl
import pytest
from openpyxl.utils.cell import range_boundaries

from flows.cli import EXIT_OK, EXIT_USAGE, main
from lapsit.publishing.instructions import INSTRUCTIONS_SHEET
from lapsit.publishing.template import DATA_ROWS, EARLIEST_SERIAL, LISTS_SHEET, write_template
from lapsit.reading.xlsx import HELPER_SHEETS, template_version
from lapsit.reference import stage_on
from lapsit.validation.batch import validate_file
from schemas.columns import contract_columns
from schemas.contract import CONTRACT_VERSION, SECTION_MODELS
from tests.builders import TANGGAL, valid_sections

LIMITS = {"max_bytes": 10_000_000, "max_rows": 5_000}


@pytest.fixture(scope="module")
def balangan(ref, tmp_path_factory):
    return write_template(tmp_path_factory.mktemp("t") / "balangan.xlsx", ref, "balangan", TANGGAL)


@pytest.fixture(scope="module")
def book(balangan):
    return openpyxl.load_workbook(balangan)


def validation_of(sheet, column: int):
    """The data validation covering row 2 of a column (1-based), or None."""
    cell = f"{openpyxl.utils.get_column_letter(column)}2"
    found = [dv for dv in sheet.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) <= 1, f"{sheet.title}!{cell} has {len(found)} validations"
    return found[0] if found else None


def list_values(book, formula: str) -> list[str]:
    """The values of a list validation whose source is a range on the hidden sheet."""
    sheet_name, cells = formula.lstrip("=").split("!")
    assert sheet_name.strip("'") == LISTS_SHEET
    min_col, min_row, _, max_row = range_boundaries(cells.replace("$", ""))
    sheet = book[LISTS_SHEET]
    return [sheet.cell(r, min_col).value for r in range(min_row, max_row + 1)]


def operator(dv) -> str:
    """The validation's operator; "between" is Excel's default and may be left out."""
    return dv.operator or "between"


def column_dimension(sheet, index: int):
    """The column settings covering a column (1-based); adjacent equal columns share one."""
    found = [d for d in sheet.column_dimensions.values() if d.min <= index <= d.max]
    assert len(found) == 1, (sheet.title, index)
    return found[0]


def each_column():
    for section in SECTION_MODELS:
        for i, col in enumerate(contract_columns(section), start=1):
            yield section, i, col


def fill(path, out, sections: dict, *, as_text: bool = False):
    """Fill a template with openpyxl as an operator would: rows from row 2, by header name."""
    book = openpyxl.load_workbook(path)
    for section, rows in sections.items():
        sheet = book[section]
        header = [c.value for c in sheet[1]]
        rows = [rows] if isinstance(rows, dict) else rows
        for r, row in enumerate(rows, start=2):
            for name, value in row.items():
                if as_text and value is not None:
                    value = value.strftime("%d/%m/%Y") if type(value) is dt.date else str(value)
                sheet.cell(r, header.index(name) + 1, value)
    book.save(out)
    return out


# --- a filled template is accepted -------------------------------------------------------


@pytest.mark.parametrize("as_text", [False, True], ids=["typed-cells", "everything-as-text"])
def test_filled_template_is_accepted(tmp_path, ref, balangan, as_text):
    path = fill(balangan, tmp_path / "2024-11-20.xlsx", valid_sections(), as_text=as_text)
    result = validate_file(path, "balangan", ref, **LIMITS)
    assert result.errors == []
    assert result.sections["pengamanan"].height == 2


def test_template_with_only_laporan_filled_names_the_missing_rows(tmp_path, ref, balangan):
    sections = {"laporan": {"pelapor": "AKP Rahmat Hidayat"}}
    result = validate_file(fill(balangan, tmp_path / "a.xlsx", sections), "balangan", ref, **LIMITS)
    assert [(g.sheet, g.rule) for g in result.errors] == [("pengamanan", "lembar_kosong")]


def test_unhidden_list_sheet_is_still_accepted(tmp_path, ref, balangan):
    path = fill(balangan, tmp_path / "a.xlsx", valid_sections())
    book = openpyxl.load_workbook(path)
    book[LISTS_SHEET].sheet_state = "visible"
    book.save(path)
    assert validate_file(path, "balangan", ref, **LIMITS).errors == []


def test_template_sheets_are_helper_sheets_of_the_reader():
    assert INSTRUCTIONS_SHEET in HELPER_SHEETS
    assert LISTS_SHEET in HELPER_SHEETS


# --- layout ------------------------------------------------------------------------------


def test_sheets_headers_and_frozen_header(book):
    assert book.sheetnames == [INSTRUCTIONS_SHEET, *SECTION_MODELS, LISTS_SHEET]
    assert book[LISTS_SHEET].sheet_state == "hidden"
    for section in SECTION_MODELS:
        sheet = book[section]
        assert [c.value for c in sheet[1]] == [c.name for c in contract_columns(section)]
        assert sheet.freeze_panes == "A2"
        for i, col in enumerate(contract_columns(section), start=1):
            width = column_dimension(sheet, i).width
            assert width >= len(col.name) + 1, (section, col.name, width)


def test_instructions_explain_filling_and_sending(book):
    text = " ".join(
        str(c.value) for row in book[INSTRUCTIONS_SHEET].iter_rows() for c in row if c.value
    )
    for words in ("baris 2", "raw/balangan/", "Satu berkas per hari", "menggantikan", ".xlsx"):
        assert words in text
    for section, _, col in each_column():
        assert col.name in text, (section, col.name)


def test_laporan_is_prefilled_with_polres_date_and_stage(book):
    sheet = book["laporan"]
    row = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert row["kode_polres"] == "balangan"
    assert row["tanggal"] == dt.datetime(2024, 11, 20)
    assert (row["kode_pemilihan"], row["kode_tahapan"]) == ("pilkada-2024", "kampanye")
    assert row["pelapor"] is None


@pytest.mark.parametrize(
    ("day", "stage"),
    [
        (dt.date(2024, 11, 20), ("pilkada-2024", "kampanye")),
        (dt.date(2024, 11, 25), ("pilkada-2024", "masa_tenang")),
        # voting and counting both start on voting day: the one ending first wins
        (dt.date(2024, 11, 27), ("pilkada-2024", "pemungutan_suara")),
        (dt.date(2024, 11, 28), ("pilkada-2024", "penghitungan_rekapitulasi")),
        # two elections overlap: the stage that started last wins
        (dt.date(2024, 4, 20), ("pilkada-2024", "pembentukan_badan_adhoc")),
        (dt.date(2024, 2, 14), ("pemilu-2024", "pemungutan_suara")),
        (dt.date(2025, 6, 1), None),
    ],
)
def test_stage_in_force(ref, day, stage):
    found = stage_on(ref, day)
    assert (found and (found["kode_pemilihan"], found["kode_tahapan"])) == stage


def test_no_stage_leaves_election_and_stage_empty(tmp_path, ref):
    path = write_template(tmp_path / "t.xlsx", ref, "balangan", dt.date(2025, 6, 1))
    sheet = openpyxl.load_workbook(path)["laporan"]
    row = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert row["tanggal"] == dt.datetime(2025, 6, 1)
    assert row["kode_pemilihan"] is None and row["kode_tahapan"] is None


# --- cell validation ---------------------------------------------------------------------


def test_every_column_has_an_indonesian_input_message(book):
    for section, i, col in each_column():
        dv = validation_of(book[section], i)
        assert dv is not None, (section, col.name)
        assert dv.promptTitle == col.label[:32]
        assert dv.prompt and ("Wajib" in dv.prompt or "Boleh dikosongkan" in dv.prompt)
        if dv.type is not None:  # "any value" has nothing to refuse
            assert dv.showErrorMessage and dv.error, (section, col.name)
        letter = openpyxl.utils.get_column_letter(i)
        rows = f"{letter}2" if section == "laporan" else f"{letter}2:{letter}{DATA_ROWS + 1}"
        assert str(dv.sqref) == rows


def test_every_dropdown_equals_the_models_choices(book):
    checked = 0
    for section, i, col in each_column():
        if not col.choices:
            continue
        dv = validation_of(book[section], i)
        assert dv.type == "list", (section, col.name)
        assert list_values(book, dv.formula1) == list(col.choices)
        # one choice: refuse anything else; a list of choices: inform only
        assert dv.errorStyle in ((None, "stop") if col.kind == "choice" else ("information",))
        checked += 1
    assert checked


def test_reference_columns_have_dropdowns(book, ref):
    sheet = book["laporan"]
    header = [c.value for c in sheet[1]]

    def values(name):
        return list_values(book, validation_of(sheet, header.index(name) + 1).formula1)

    assert values("kode_polres") == ["balangan"]
    assert values("kode_pemilihan") == ["pilkada-2024", "pemilu-2024"]
    assert set(values("kode_tahapan")) == set(ref.tahapan["kode_tahapan"])


def kecamatan_lists(path) -> dict[tuple[str, str], list[str]]:
    book = openpyxl.load_workbook(path)
    out = {}
    for section in ("pengamanan", "kejadian"):
        header = [c.value for c in book[section][1]]
        for name in ("kode_kecamatan", "nama_kecamatan"):
            dv = validation_of(book[section], header.index(name) + 1)
            assert dv.type == "list"
            out[section, name] = list_values(book, dv.formula1)
    return out


def test_kecamatan_lists_are_the_polres_own(tmp_path, ref):
    banjarbaru = kecamatan_lists(write_template(tmp_path / "bb.xlsx", ref, "banjarbaru", TANGGAL))
    banjar = kecamatan_lists(write_template(tmp_path / "b.xlsx", ref, "banjar", TANGGAL))
    own = ref.kecamatan.filter(pl.col("kode_polres") == "banjarbaru")
    for section in ("pengamanan", "kejadian"):
        codes = banjarbaru[section, "kode_kecamatan"]
        assert codes == own["kode_kecamatan"].to_list()
        assert {"63.03.01", "63.03.13"} <= set(codes)
        assert all(c.startswith("63.72.") for c in codes if c not in ("63.03.01", "63.03.13"))
        assert {"Aluh Aluh", "Beruntung Baru"} <= set(banjarbaru[section, "nama_kecamatan"])
        assert not {"63.03.01", "63.03.13"} & set(banjar[section, "kode_kecamatan"])
        assert not {"Aluh Aluh", "Beruntung Baru"} & set(banjar[section, "nama_kecamatan"])
        assert all(c.startswith("63.03.") for c in banjar[section, "kode_kecamatan"])


def test_every_int_column_is_a_whole_number_at_least_zero(book):
    ints = [(s, i, c) for s, i, c in each_column() if c.kind == "int"]
    assert ints
    for section, i, col in ints:
        dv = validation_of(book[section], i)
        assert dv.type == "whole", (section, col.name)
        assert operator(dv) in ("greaterThanOrEqual", "between")
        assert dv.formula1 == "0"


def test_ready_may_not_exceed_total(book):
    header = [c.value for c in book["kesiapan"][1]]
    dv = validation_of(book["kesiapan"], header.index("jumlah_siap") + 1)
    total = openpyxl.utils.get_column_letter(header.index("jumlah_total") + 1)
    assert (operator(dv), dv.formula1) == ("between", "0")
    assert f"{total}2" in dv.formula2


def test_date_and_datetime_columns_take_dates_only(book):
    laporan_tanggal = "laporan!$B$2"
    for section, i, col in each_column():
        dv = validation_of(book[section], i)
        if col.kind == "date":
            assert dv.type == "date", (section, col.name)
        elif col.kind == "datetime":
            # date-times are fractional day numbers: a decimal from 1 January 2000 on
            assert (dv.type, operator(dv), dv.formula1) == (
                "decimal",
                "greaterThanOrEqual",
                str(EARLIEST_SERIAL),
            )
    header = [c.value for c in book["laporan"][1]]
    assert header.index("tanggal") == 1  # column B, referenced below
    tanggal = validation_of(book["laporan"], 2)
    assert tanggal.formula2 == "TODAY()"  # not after today
    temuan = validation_of(book["netralitas"], 1)
    assert temuan.formula2.replace("'", "") == laporan_tanggal  # not after the report date


def test_text_rules_uraian_length_and_nrp_digits(book):
    kejadian = [c.value for c in book["kejadian"][1]]
    uraian = validation_of(book["kejadian"], kejadian.index("uraian") + 1)
    assert (uraian.type, operator(uraian), uraian.formula1, uraian.formula2) == (
        "textLength",
        "between",
        "1",
        "2000",
    )
    netralitas = [c.value for c in book["netralitas"][1]]
    nrp = validation_of(book["netralitas"], netralitas.index("nrp") + 1)
    assert nrp.type == "custom"
    assert "LEN(B2)=8" in nrp.formula1 and '"00000000"' in nrp.formula1


def test_text_columns_are_formatted_as_text(book):
    """Typed codes stay text: an NRP keeps its leading zero, 63.11.01 never becomes a time."""
    for section, i, col in each_column():
        if col.kind in ("text", "kecamatan", "choice", "choice_list"):
            assert column_dimension(book[section], i).number_format == "@", col.name


# --- the version stamp -------------------------------------------------------------------


def test_template_carries_the_contract_version(balangan, tmp_path):
    assert template_version(balangan) == CONTRACT_VERSION
    assert template_version(fill(balangan, tmp_path / "a.xlsx", valid_sections())) == "1.1"


def test_hand_made_workbook_has_no_stamp_and_is_read(tmp_path, ref):
    from tests.builders import write

    path = write(tmp_path / "a.xlsx", valid_sections())
    assert template_version(path) is None
    assert validate_file(path, "balangan", ref, **LIMITS).errors == []


def restamp(path, version: str, drop: tuple[str, ...] = ()) -> None:
    """Stamp a filled workbook with another contract version, without the `drop` columns."""
    from openpyxl.packaging.custom import StringProperty

    book = openpyxl.load_workbook(path)
    sheet = book["pengamanan"]
    for name in drop:
        header = [c.value for c in sheet[1]]
        sheet.delete_cols(header.index(name) + 1)
    del book.custom_doc_props["versi_kontrak"]
    book.custom_doc_props.append(StringProperty(name="versi_kontrak", value=version))
    book.save(path)


@pytest.mark.parametrize("version", ["0", "2", "1.2", "satu"])
def test_other_template_version_is_refused_naming_the_version_to_use(
    tmp_path, ref, balangan, version
):
    path = fill(balangan, tmp_path / "a.xlsx", valid_sections())
    restamp(path, version)
    result = validate_file(path, "balangan", ref, **LIMITS)
    (galat,) = result.errors
    assert (galat.sheet, galat.row, galat.column, galat.rule) == (None, None, None, "versi_templat")
    assert f"versi {version}" in galat.message and f"versi {CONTRACT_VERSION}" in galat.message
    assert not result.accepted


def test_workbook_of_the_1_0_template_is_still_accepted(tmp_path, ref, balangan):
    """Contract 1.1 only adds columns: a 1.0 template (stamped `1`, no TPS tiers) stays valid."""
    path = fill(balangan, tmp_path / "a.xlsx", valid_sections())
    restamp(path, "1", drop=("tps_rawan", "tps_sangat_rawan", "tps_khusus"))
    assert "tps_rawan" not in [c.value for c in openpyxl.load_workbook(path)["pengamanan"][1]]
    result = validate_file(path, "balangan", ref, **LIMITS)
    assert result.errors == [] and result.accepted


def test_tps_tiers_may_not_exceed_jumlah_tps(tmp_path, ref, balangan):
    """Row 3 (Paringin, 60 TPS) rates 30 + 25 + 10 = 65 TPS: reported on tps_rawan."""
    sections = valid_sections()
    sections["pengamanan"][0] |= {"tps_rawan": 5, "tps_sangat_rawan": 1, "tps_khusus": 0}
    sections["pengamanan"][1] |= {"tps_rawan": 30, "tps_sangat_rawan": 25, "tps_khusus": 10}
    result = validate_file(fill(balangan, tmp_path / "a.xlsx", sections), "balangan", ref, **LIMITS)
    (galat,) = result.errors
    assert (galat.sheet, galat.row, galat.column, galat.rule) == (
        "pengamanan",
        3,
        "tps_rawan",
        "tps_bertingkat_melebihi",
    )
    assert "(65) melebihi jumlah_tps (60)" in galat.message
    sections["pengamanan"][1] |= {"tps_khusus": None, "jumlah_tps": None}
    path = fill(balangan, tmp_path / "b.xlsx", sections)
    assert validate_file(path, "balangan", ref, **LIMITS).errors == []


# --- a real spreadsheet engine -----------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def soffice(tmp_path, source, fmt: str):
    out = tmp_path / "out"
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path}/profil",
            "--headless",
            "--norestore",
            "--convert-to",
            fmt,
            "--outdir",
            str(out),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    return out / source.with_suffix(f".{fmt}").name


@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed; CI installs it"
)
def test_template_opens_in_libreoffice(tmp_path, balangan):
    pdf = soffice(tmp_path, balangan, "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed; CI installs it"
)
def test_template_filled_and_saved_by_libreoffice_is_accepted(tmp_path, ref, balangan):
    filled = fill(balangan, tmp_path / "isi.xlsx", valid_sections())
    saved = soffice(tmp_path, filled, "xlsx")
    assert template_version(saved) == CONTRACT_VERSION
    assert validate_file(saved, "balangan", ref, **LIMITS).errors == []
    lists = {
        dv.type
        for dv in openpyxl.load_workbook(saved)["pengamanan"].data_validations.dataValidation
    }
    assert "list" in lists and "whole" in lists


# --- the command -------------------------------------------------------------------------


def test_cli_writes_a_template(tmp_path, capsys):
    out = tmp_path / "templat.xlsx"
    assert (
        main(["template", "--polres", "balangan", "--date", "2024-11-20", "--out", str(out)])
        == EXIT_OK
    )
    assert template_version(out) == CONTRACT_VERSION
    assert str(out) in capsys.readouterr().out


def test_cli_into_a_folder_names_the_file(tmp_path):
    assert (
        main(["template", "--polres", "tabalong", "--date", "2024-11-27", "--out", str(tmp_path)])
        == EXIT_OK
    )
    assert (tmp_path / "templat-tabalong-2024-11-27.xlsx").is_file()


@pytest.mark.parametrize(
    "args",
    [["--polres", "balang"], ["--polres", "balangan", "--date", "20/11/2024"], []],
    ids=["unknown-polres", "bad-date", "no-polres"],
)
def test_cli_refuses_unusable_arguments(tmp_path, args):
    assert main(["template", *args, "--out", str(tmp_path / "t.xlsx")]) == EXIT_USAGE
    assert not (tmp_path / "t.xlsx").exists()
