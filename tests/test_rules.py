"""Every rule of the contract: a case that breaks it, located as the operator sees it.

Each case changes one thing in a valid submission; its id names the rule it breaks.
"""

import ast
import datetime as dt
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from lapsit.validation.batch import validate_file
from schemas.columns import contract_columns, model_rules
from schemas.contract import SECTION_MODELS, columns
from schemas.rules import BUILTIN, CAST, DECLARED, FILE, MODEL, RULES
from tests.builders import valid_sections, write

LIMITS = {"max_bytes": 10_000_000, "max_rows": 5_000}


def check(tmp_path, ref, sections: dict, suffix: str = ".xlsx", inbox: str = "balangan"):
    path = write(tmp_path / f"laporan{suffix}", sections)
    return validate_file(path, inbox, ref, **LIMITS)


def setter(sheet: str, index: int, **values) -> Callable[[dict], None]:
    def apply(s: dict) -> None:
        target = s[sheet] if sheet == "laporan" else s[sheet][index]
        target.update(values)

    return apply


# (id, change, sheet, excel row, column, rule, severity)
CASES = [
    (
        "kode_polres-unknown",
        setter("laporan", 0, kode_polres="balang"),
        "laporan",
        2,
        "kode_polres",
        "polres_dikenal",
        "error",
    ),
    (
        "kode_polres-not-inbox",
        setter("laporan", 0, kode_polres="tabalong"),
        "laporan",
        2,
        "kode_polres",
        "polres_sesuai_kotak",
        "error",
    ),
    (
        "tanggal-in-future",
        setter("laporan", 0, tanggal=dt.date.today() + dt.timedelta(days=3)),
        "laporan",
        2,
        "tanggal",
        "tanggal_masa_depan",
        "error",
    ),
    (
        "tanggal-not-a-date",
        setter("laporan", 0, tanggal="31/02/2024"),
        "laporan",
        2,
        "tanggal",
        "format_tanggal",
        "error",
    ),
    (
        "pemilihan-unknown",
        setter("laporan", 0, kode_pemilihan="pilkada-2025"),
        "laporan",
        2,
        "kode_pemilihan",
        "pemilihan_dikenal",
        "error",
    ),
    (
        "tahapan-of-other-election",
        setter("laporan", 0, kode_tahapan="pencalonan_presiden"),
        "laporan",
        2,
        "kode_tahapan",
        "tahapan_pemilihan",
        "error",
    ),
    (
        "tahapan-outside-dates",
        setter("laporan", 0, kode_tahapan="masa_tenang"),
        "laporan",
        2,
        "kode_tahapan",
        "tanggal_di_luar_tahapan",
        "warning",
    ),
    (
        "pelapor-missing",
        setter("laporan", 0, pelapor=None),
        "laporan",
        2,
        "pelapor",
        "wajib_diisi",
        "error",
    ),
    (
        "dibuat_pada-not-a-datetime",
        setter("laporan", 0, dibuat_pada="kemarin sore"),
        "laporan",
        2,
        "dibuat_pada",
        "format_waktu",
        "error",
    ),
    (
        "personel-as-words",
        setter("pengamanan", 1, personel_polri="dua belas"),
        "pengamanan",
        3,
        "personel_polri",
        "bilangan_bulat",
        "error",
    ),
    (
        "personel-fraction",
        setter("pengamanan", 0, personel_tni=12.5),
        "pengamanan",
        2,
        "personel_tni",
        "bilangan_bulat",
        "error",
    ),
    (
        "personel-negative",
        setter("pengamanan", 0, personel_linmas=-3),
        "pengamanan",
        2,
        "personel_linmas",
        "tidak_negatif",
        "error",
    ),
    (
        "kerawanan-not-a-choice",
        setter("pengamanan", 1, tingkat_kerawanan="sedang"),
        "pengamanan",
        3,
        "tingkat_kerawanan",
        "pilihan",
        "error",
    ),
    (
        "faktor-not-a-choice",
        setter("pengamanan", 1, faktor_kerawanan="hoaks;banjir"),
        "pengamanan",
        3,
        "faktor_kerawanan",
        "pilihan_daftar",
        "error",
    ),
    (
        "kecamatan-of-other-polres",
        setter("pengamanan", 0, kode_kecamatan="63.09.01", nama_kecamatan=None),
        "pengamanan",
        2,
        "kode_kecamatan",
        "kecamatan_wilayah",
        "error",
    ),
    (
        "kecamatan-bad-format",
        setter("pengamanan", 0, kode_kecamatan="631101"),
        "pengamanan",
        2,
        "kode_kecamatan",
        "format_kode_kecamatan",
        "error",
    ),
    (
        "kecamatan-name-unknown",
        setter("pengamanan", 0, kode_kecamatan=None, nama_kecamatan="Juwai"),
        "pengamanan",
        2,
        "nama_kecamatan",
        "kecamatan_tidak_dikenal",
        "error",
    ),
    (
        "kecamatan-missing",
        setter("pengamanan", 0, kode_kecamatan=None, nama_kecamatan=None),
        "pengamanan",
        2,
        "kode_kecamatan",
        "wajib_diisi",
        "error",
    ),
    (
        "kecamatan-repeated",
        setter("pengamanan", 1, kode_kecamatan="63.11.01", nama_kecamatan=None),
        "pengamanan",
        3,
        "kode_kecamatan",
        "kecamatan_unik",
        "error",
    ),
    (
        "satgas-not-a-choice",
        setter("satgas", 0, satgas="intelijen"),
        "satgas",
        2,
        "satgas",
        "pilihan",
        "error",
    ),
    (
        "satgas-repeated",
        setter("satgas", 1, satgas="preemtif"),
        "satgas",
        3,
        "satgas",
        "satgas_unik",
        "error",
    ),
    (
        "satgas-total-differs",
        setter("satgas", 1, personel=41),
        "satgas",
        2,
        "personel",
        "total_satgas",
        "warning",
    ),
    (
        "kejadian-waktu-far",
        setter("kejadian", 0, waktu=dt.datetime(2024, 11, 10, 9, 0)),
        "kejadian",
        2,
        "waktu",
        "waktu_kejadian",
        "warning",
    ),
    (
        "kejadian-jenis-unknown",
        setter("kejadian", 0, jenis="pencurian"),
        "kejadian",
        2,
        "jenis",
        "pilihan",
        "error",
    ),
    (
        "kejadian-uraian-too-long",
        setter("kejadian", 0, uraian="x" * 2001),
        "kejadian",
        2,
        "uraian",
        "panjang_teks",
        "error",
    ),
    (
        "kejadian-kecamatan-other-polres",
        setter("kejadian", 0, kode_kecamatan="63.09.02", nama_kecamatan=None),
        "kejadian",
        2,
        "kode_kecamatan",
        "kecamatan_wilayah",
        "error",
    ),
    (
        "netralitas-nrp-short",
        setter("netralitas", 0, nrp="1234567"),
        "netralitas",
        2,
        "nrp",
        "format_nrp",
        "error",
    ),
    (
        "netralitas-after-report",
        setter("netralitas", 0, tanggal_temuan=dt.date(2024, 11, 21)),
        "netralitas",
        2,
        "tanggal_temuan",
        "temuan_setelah_laporan",
        "error",
    ),
    (
        "netralitas-terbukti-without-sanksi",
        setter("netralitas", 0, status="terbukti"),
        "netralitas",
        2,
        "sanksi",
        "sanksi_wajib",
        "error",
    ),
    (
        "kesiapan-siap-over-total",
        setter("kesiapan", 0, jumlah_siap=11),
        "kesiapan",
        2,
        "jumlah_siap",
        "siap_melebihi_total",
        "error",
    ),
    (
        "kesiapan-repeated",
        setter("kesiapan", 1, sarana="kendaraan_roda_4"),
        "kesiapan",
        3,
        "sarana",
        "sarana_unik",
        "error",
    ),
]


@pytest.mark.parametrize(
    ("change", "sheet", "row", "column", "rule", "severity"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_rule_is_reported_where_the_operator_sees_it(
    tmp_path, ref, change, sheet, row, column, rule, severity
):
    sections = valid_sections()
    change(sections)
    result = check(tmp_path, ref, sections)
    found = [(g.sheet, g.row, g.column, g.rule, g.severity) for g in result.errors]
    assert (sheet, row, column, rule, severity) in found
    assert result.accepted == (severity == "warning")
    assert all(g.message for g in result.errors)


@pytest.mark.parametrize("suffix", [".xlsx", ".json"])
def test_valid_submission_is_accepted_without_warnings(tmp_path, ref, suffix):
    result = check(tmp_path, ref, valid_sections(), suffix)
    assert result.errors == []
    assert result.accepted
    assert result.sections["pengamanan"]["personel_polri"].sum() == 55


def test_lenient_values_are_read_as_meant(tmp_path, ref):
    sections = valid_sections()
    sections["laporan"]["tanggal"] = "20/11/2024"
    sections["pengamanan"][0].update(
        personel_polri="20", personel_tni=" 6 ", tingkat_kerawanan="Kurang Rawan"
    )
    sections["pengamanan"][1].update(
        kode_kecamatan=None, nama_kecamatan="PARINGIN", faktor_kerawanan=" Politik Uang ; hoaks "
    )
    sections["kejadian"][0]["waktu"] = "2024-11-20T14:30"
    result = check(tmp_path, ref, sections)
    assert result.errors == []
    rows = result.sections["pengamanan"].to_dicts()
    assert rows[0]["tingkat_kerawanan"] == "kurang_rawan"
    assert rows[0]["personel_tni"] == 6
    assert rows[1]["kode_kecamatan"] == "63.11.06"
    assert rows[1]["faktor_kerawanan"] == ["politik_uang", "hoaks"]
    assert result.laporan["tanggal"] == dt.date(2024, 11, 20)
    # 14:30 WITA (UTC+8) is 06:30 UTC.
    waktu = result.sections["kejadian"]["waktu"][0]
    assert (waktu.hour, waktu.minute, str(waktu.tzinfo)) == (6, 30, "UTC")


def test_datetime_with_offset_is_kept_as_given(tmp_path, ref):
    sections = valid_sections()
    sections["kejadian"][0]["waktu"] = "2024-11-20 14:30+07:00"
    result = check(tmp_path, ref, sections, ".json")
    assert result.errors == []
    assert result.sections["kejadian"]["waktu"][0].hour == 7


def test_kecamatan_name_near_miss_suggests_the_right_one(tmp_path, ref):
    sections = valid_sections()
    sections["pengamanan"][1].update(kode_kecamatan=None, nama_kecamatan="Parigin")
    result = check(tmp_path, ref, sections)
    (galat,) = [g for g in result.errors if g.rule == "kecamatan_tidak_dikenal"]
    assert "Paringin (63.11.06)" in galat.message


def test_banjarbaru_owns_its_kecamatan_of_kabupaten_banjar(tmp_path, ref):
    sections = valid_sections("banjarbaru")
    for row, (code, name) in zip(
        sections["pengamanan"],
        [("63.03.01", "Aluh Aluh"), ("63.72.02", "Landasan Ulin")],
        strict=True,
    ):
        row.update(kode_kecamatan=code, nama_kecamatan=name)
    sections["kejadian"][0].update(kode_kecamatan="63.03.13", nama_kecamatan=None)
    assert check(tmp_path, ref, sections, inbox="banjarbaru").errors == []
    sections["laporan"]["kode_polres"] = "banjar"
    result = check(tmp_path, ref, sections, inbox="banjar")
    assert [(g.sheet, g.row, g.rule) for g in result.errors if g.rule == "kecamatan_wilayah"] == [
        ("pengamanan", 2, "kecamatan_wilayah"),
        ("pengamanan", 3, "kecamatan_wilayah"),
        ("kejadian", 2, "kecamatan_wilayah"),
    ]


def test_json_rows_are_array_positions_and_laporan_has_none(tmp_path, ref):
    sections = valid_sections()
    sections["laporan"]["pelapor"] = None
    sections["pengamanan"][1]["personel_polri"] = "banyak"
    result = check(tmp_path, ref, sections, ".json")
    found = {(g.sheet, g.row, g.column) for g in result.errors}
    assert ("laporan", None, "pelapor") in found
    assert ("pengamanan", 2, "personel_polri") in found


def test_a_bad_cell_does_not_hide_other_rules_of_its_column(tmp_path, ref):
    """One uncastable value must not turn the column to text and lose the other rows' checks."""
    sections = valid_sections()
    sections["pengamanan"][0]["personel_polri"] = "dua puluh"
    sections["pengamanan"][1]["personel_polri"] = -4
    result = check(tmp_path, ref, sections)
    found = {(g.row, g.rule) for g in result.errors if g.column == "personel_polri"}
    assert found == {(2, "bilangan_bulat"), (3, "tidak_negatif")}


def test_nrp_is_never_shown_whole(tmp_path, ref):
    sections = valid_sections()
    sections["netralitas"][0]["nrp"] = "870501234"  # nine digits: wrong, and still personal
    result = check(tmp_path, ref, sections)
    (galat,) = [g for g in result.errors if g.column == "nrp"]
    assert "870501234" not in galat.message
    assert galat.value == "*****234"


def test_a_short_nrp_is_masked_too(tmp_path, ref):
    sections = valid_sections()
    sections["netralitas"][0]["nrp"] = "8705012"
    result = check(tmp_path, ref, sections)
    (galat,) = [g for g in result.errors if g.column == "nrp"]
    assert galat.value == "*****012"
    assert "8705012" not in galat.message


# --- every rule has exactly one declaration, and every declaration is used ---------------------

PRODUCT = Path(__file__).resolve().parents[1]


def _named_checks() -> dict[str, set[str]]:
    """Rule id of every named check of the models -> the sections that check it."""
    found: dict[str, set[str]] = {}
    for section in SECTION_MODELS:
        for name in model_rules(section):
            found.setdefault(name, set()).add(section)
    return found


def _builtin_checks() -> set[tuple[str, str]]:
    """(pandera's own check, column) of every column of the models, not_nullable included."""
    pairs = set()
    for section in SECTION_MODELS:
        for col in contract_columns(section):
            pairs |= {(check, col.name) for check in col.checks()}
            if not col.nullable:
                pairs.add(("not_nullable", col.name))
    return pairs


def _raised_in_code() -> dict[str, list[str]]:
    """Rule id -> where the product code raises it: `make("rule", ...)`, `RULES["rule"]`."""
    calls: dict[str, list[str]] = {}
    for path in sorted((PRODUCT / "lapsit").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            named = isinstance(node, ast.Subscript) and getattr(node.value, "id", "") == "RULES"
            if named and isinstance(node.slice, ast.Constant):
                where = f"{path.relative_to(PRODUCT)}:{node.lineno}"
                calls.setdefault(node.slice.value, []).append(where)
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            # make(rule, ...) and refused(fmt, rule, ...) (a whole file refused)
            position = {"make": 0, "refused": 1}.get(name)
            if position is None or len(node.args) <= position:
                continue
            rule = node.args[position]
            if isinstance(rule, ast.Constant) and isinstance(rule.value, str):
                where = f"{path.relative_to(PRODUCT)}:{node.lineno}"
                calls.setdefault(rule.value, []).append(where)
    return calls


def test_every_named_check_of_the_models_has_exactly_one_declaration():
    declared = Counter(rule.id for rule in DECLARED)
    assert [r for r, n in declared.items() if n > 1] == []
    for name, sections in _named_checks().items():
        assert name in RULES, f"check {name} of {sections} has no declaration in schemas/rules/"
        assert RULES[name].where == MODEL, name
        if RULES[name].column is not None:
            for section in sections:
                assert RULES[name].column in columns(section), (name, section)


def test_every_builtin_check_names_exactly_one_rule():
    for check, column in _builtin_checks():
        candidates = [
            r
            for r in RULES.values()
            if r.where == BUILTIN and r.check == check and (not r.on or column in r.on)
        ]
        assert len(candidates) == 1, (check, column, [r.id for r in candidates])


def test_every_lossy_cast_names_exactly_one_rule():
    kinds = {col.kind for s in SECTION_MODELS for col in contract_columns(s)}
    for kind in ("int", "date", "datetime"):
        assert kind in kinds
        assert len([r for r in RULES.values() if r.where == CAST and r.kind == kind]) == 1, kind


def test_every_file_level_rule_is_raised_by_the_code_and_nothing_undeclared_is():
    raised = _raised_in_code()
    assert sorted(set(raised) - set(RULES)) == [], "make() of a rule with no declaration"
    for rule in RULES.values():
        if rule.where == FILE:
            assert rule.id in raised, f"{rule.id} is declared but nothing raises it"


def test_every_declaration_is_used():
    named, builtins = _named_checks(), _builtin_checks()
    kinds = {col.kind for s in SECTION_MODELS for col in contract_columns(s)}
    raised = _raised_in_code()
    for rule in RULES.values():
        used = {
            MODEL: rule.id in named,
            BUILTIN: any(
                c == rule.check and (not rule.on or col in rule.on) for c, col in builtins
            ),
            CAST: rule.kind in kinds,
            FILE: rule.id in raised,
        }[rule.where]
        assert used, f"{rule.id} ({rule.where}) is declared but never checked"
