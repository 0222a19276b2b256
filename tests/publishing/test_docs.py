"""The published contract: up to date with the models, and the JSON Schema agrees with the validator."""

import copy
import json

import jsonschema
import pytest

from lapsit.publishing.docs import DOCS_DIR, MARKDOWN, SCHEMA, generate, write_docs
from lapsit.publishing.json_schema import json_schema
from lapsit.publishing.words import EXAMPLE, KIND_FORMATS, SECTION_DOCS
from lapsit.validation.batch import validate_file
from schemas.columns import contract_columns, model_rules
from schemas.contract import SECTION_MODELS
from schemas.rules import RULES
from tests.builders import valid_sections, write

LIMITS = {"max_bytes": 10_000_000, "max_rows": 5_000}


@pytest.fixture(scope="module")
def schema_validator():
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def as_json(tmp_path, sections: dict) -> dict:
    """The document that `write` puts in a .json file (dates as ISO text)."""
    return json.loads(write(tmp_path / "laporan.json", sections).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", [MARKDOWN, SCHEMA])
def test_checked_in_docs_are_up_to_date(ref, name):
    checked_in = (DOCS_DIR / name).read_text(encoding="utf-8")
    assert checked_in == generate(ref)[name], (
        f"docs/{name} is out of date with the models: run `python -m lapsit.publishing.docs` "
        "and commit the result"
    )


def test_write_docs_writes_both_files(tmp_path, ref):
    written = write_docs(tmp_path, ref)
    assert sorted(p.name for p in written) == sorted([MARKDOWN, SCHEMA])
    assert json.loads((tmp_path / SCHEMA).read_text())["$schema"].endswith("2020-12/schema")


def test_every_rule_section_and_kind_has_its_words():
    for section in SECTION_MODELS:
        assert section in SECTION_DOCS
        for rule in model_rules(section):
            assert RULES[rule].doc, f"rule {rule} of {section} has no words in its declaration"
        for col in contract_columns(section):
            assert col.kind in KIND_FORMATS


def test_markdown_names_every_column_choice_and_rule(ref):
    text = generate(ref)[MARKDOWN]
    for section in SECTION_MODELS:
        assert f"### `{section}`" in text
        for col in contract_columns(section):
            assert f"`{col.name}`" in text
            for choice in col.choices:
                assert f"`{choice}`" in text
    for rule in RULES:
        assert f"`{rule}`" in text
    for field in ("sheet", "row", "column", "value", "rule", "message", "severity"):
        assert f"| `{field}` |" in text


@pytest.mark.parametrize("suffix", [".xlsx", ".json"])
def test_example_of_the_docs_is_valid(tmp_path, ref, schema_validator, suffix):
    path = write(tmp_path / f"contoh{suffix}", copy.deepcopy(EXAMPLE))
    assert validate_file(path, "balangan", ref, **LIMITS).errors == []
    assert list(schema_validator.iter_errors(as_json(tmp_path, EXAMPLE))) == []


def test_schema_accepts_the_valid_json_of_the_builders(tmp_path, schema_validator):
    assert list(schema_validator.iter_errors(as_json(tmp_path, valid_sections()))) == []


def test_schema_accepts_the_json_files_of_the_demo_season(ref, schema_validator, demo_raw):
    samples = sorted(demo_raw.rglob("*.json"))
    assert len(samples) > 10
    for path in samples:
        assert validate_file(path, path.parent.name, ref, **LIMITS).accepted, path
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert [e.message for e in schema_validator.iter_errors(doc)] == [], path


def _lenient(kind: str):
    def apply(s: dict) -> None:
        row = s["pengamanan"][0]
        if kind == "numbers-as-text":
            row |= {"personel_polri": "20", "personel_tni": " 6 ", "jumlah_tps": 45.0}
        elif kind == "day-first-dates":
            s["laporan"] |= {"tanggal": "20/11/2024", "dibuat_pada": "20/11/2024 18:30"}
        elif kind == "loose-choices":
            row |= {"tingkat_kerawanan": "Kurang Rawan", "faktor_kerawanan": ["Politik Uang"]}
            s["pengamanan"][1]["faktor_kerawanan"] = " politik_uang ; HOAKS "
        elif kind == "kecamatan-by-name":
            row["kode_kecamatan"] = None
        elif kind == "empty-optional-as-blank":
            row |= {"jumlah_tps": "", "keterangan": None}
            s["laporan"]["nama_operasi"] = ""

    return apply


@pytest.mark.parametrize(
    "kind",
    [
        "numbers-as-text",
        "day-first-dates",
        "loose-choices",
        "kecamatan-by-name",
        "empty-optional-as-blank",
    ],
)
def test_schema_accepts_what_the_contract_is_lenient_about(tmp_path, ref, schema_validator, kind):
    sections = valid_sections()
    _lenient(kind)(sections)
    path = write(tmp_path / "laporan.json", sections)
    assert validate_file(path, "balangan", ref, **LIMITS).errors == []
    assert [e.message for e in schema_validator.iter_errors(as_json(tmp_path, sections))] == []


def _change(section: str, **values):
    def apply(s: dict) -> None:
        (s[section] if section == "laporan" else s[section][0]).update(values)

    return apply


def _drop(section: str, column: str):
    def apply(s: dict) -> None:
        for row in [s[section]] if section == "laporan" else s[section]:
            del row[column]

    return apply


# (id, change, the rule the validator reports for the same mistake)
INVALID = [
    ("unknown-column", _change("pengamanan", personel_polisi=3), "kolom_tidak_dikenal"),
    ("unknown-section", lambda s: s.update(kejadian2=[]), "lembar_tidak_dikenal"),
    ("missing-column", _drop("laporan", "pelapor"), "kolom_wajib"),
    ("missing-section", lambda s: s.pop("pengamanan"), "lembar_wajib"),
    ("empty-required", _change("laporan", pelapor="  "), "wajib_diisi"),
    ("bad-enum", _change("pengamanan", tingkat_kerawanan="sedang"), "pilihan"),
    ("bad-enum-in-list", _change("pengamanan", faktor_kerawanan="hoaks;gosip"), "pilihan_daftar"),
    ("nrp-7-digits", _change("netralitas", nrp="8705012"), "format_nrp"),
    ("nrp-letters", _change("netralitas", nrp="8705012A"), "format_nrp"),
    ("negative", _change("pengamanan", personel_linmas=-3), "tidak_negatif"),
    ("fraction", _change("pengamanan", personel_tni=12.5), "bilangan_bulat"),
    ("words-for-number", _change("satgas", personel="lima belas"), "bilangan_bulat"),
    ("not-a-date", _change("netralitas", tanggal_temuan="kemarin"), "format_tanggal"),
    ("not-a-datetime", _change("kejadian", waktu="sore tadi"), "format_waktu"),
    ("uraian-too-long", _change("kejadian", uraian="x" * 2001), "panjang_teks"),
    ("kecamatan-format", _change("pengamanan", kode_kecamatan="6311"), "format_kode_kecamatan"),
    (
        "kecamatan-and-name-empty",
        _change("pengamanan", kode_kecamatan=None, nama_kecamatan=None),
        "wajib_diisi",
    ),
    ("sanksi-missing", _change("netralitas", status="terbukti", sanksi=None), "sanksi_wajib"),
    ("laporan-as-list", lambda s: s.update(laporan=[s["laporan"], s["laporan"]]), "berkas_rusak"),
]


@pytest.mark.parametrize(("change", "rule"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_schema_rejects_what_the_validator_rejects(tmp_path, ref, schema_validator, change, rule):
    sections = valid_sections()
    change(sections)
    doc = as_json(tmp_path, sections)
    assert list(schema_validator.iter_errors(doc)), "the schema accepted an invalid document"
    if rule is not None:
        result = validate_file(tmp_path / "laporan.json", "balangan", ref, **LIMITS)
        assert rule in {g.rule for g in result.errors}
        assert not result.accepted
