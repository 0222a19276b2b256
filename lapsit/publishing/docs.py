"""Publish the contract from the models: `docs/kontrak.md` and `docs/submission.schema.json`.

Usage: ``python -m lapsit.publishing.docs [DOCS_DIR]`` (default: the repository's
`docs/`) rewrites both files; a test fails when the checked-in files differ
from what this module produces, so a change to the models cannot ship without
its docs. The Markdown is the template `templates/docs/kontrak.md.j2`.
"""

import copy
import datetime as dt
import json
import logging
import re
import sys
import tempfile
from pathlib import Path

from lapsit.catalog import SHIPPED_REFERENCE
from lapsit.demo.files import write_xlsx
from lapsit.publishing.json_schema import json_schema
from lapsit.publishing.words import (
    EXAMPLE,
    KIND_FORMATS,
    KIND_NAMES,
    SECTION_DOCS,
    example_text,
    example_value,
    requirement_text,
    rule_phrases,
    type_text,
)
from lapsit.reference import Reference, load_reference
from lapsit.templating import render
from lapsit.validation.batch import validate_file
from schemas.choices import STATUS_SUBMISI
from schemas.columns import contract_columns, section_rules
from schemas.contract import CONTRACT_VERSION, REQUIRED_SECTIONS, SECTION_MODELS
from schemas.rules import ERROR, RULES, WARNING, where_words

DOCS_DIR = Path(__file__).resolve().parents[2] / "docs"
MARKDOWN = "kontrak.md"
SCHEMA = "submission.schema.json"
TEMPLATE = "docs/kontrak.md.j2"
SEVERITY_WORDS = {ERROR: "galat", WARNING: "peringatan"}
# Placeholders of a message as the rule list shows them.
PLACEHOLDER_WORDS = {
    "value": "‹nilai›",
    "column": "‹kolom›",
    "hint": "‹petunjuk›",
    "min_length": "‹panjang minimum›",
    "max_length": "‹panjang maksimum›",
    # Where a problem is, as a workbook / a JSON file says it: `lembar/kunci`.
    **{
        name: word if word == other else f"{word}/{other}"
        for (name, word), other in zip(
            where_words("xlsx").items(), where_words("json").values(), strict=True
        )
    },
}
# Fields of an error object (SPEC §3), as the operator and a program read them.
GALAT_FIELDS = {
    "sheet": "lembar (bagian) tempat masalah; null bila masalahnya seluruh berkas",
    "row": (
        "nomor baris seperti terlihat di Excel (judul = baris 1, data pertama = baris 2); "
        "di JSON posisi objek dalam array mulai dari 1, dan null untuk laporan; null bila "
        "masalahnya seluruh lembar atau berkas"
    ),
    "column": "nama kolom; untuk kolom yang hilang atau tak dikenal dilaporkan di baris 1",
    "value": "nilai yang ditulis (NRP disamarkan)",
    "rule": "kode aturan, lihat daftar aturan di bawah",
    "message": "pesan dalam Bahasa Indonesia: apa yang salah dan cara memperbaikinya",
    "severity": "`error` (berkas ditolak) atau `warning` (dicatat, berkas tetap diterima)",
}
STATUS_WORDS = {
    "diterima": "semua aturan wajib terpenuhi; peringatan dicatat dan tampil di laporan",
    "ditolak": (
        "ada aturan wajib yang dilanggar; tidak ada isinya yang masuk tabel (semua atau "
        "tidak sama sekali); laporan galat menyebut setiap masalah"
    ),
    "digantikan": (
        "laporan yang diterima kemudian untuk Polres, pemilihan dan tanggal yang sama "
        "menggantikannya seluruhnya (lebih baru menurut dibuat_pada; bila salah satu tidak "
        "mengisinya, menurut waktu diterima, lalu nama berkas)"
    ),
    "duplikat": "isi berkas sama persis dengan berkas yang sudah terdaftar; tidak mengubah apa pun",
}

# Columns of the reference files shown as they are, after their codes.
POLRES_SHOWN = ("nama_polres", "nama_polda", "kode_wilayah", "zona_waktu")
STAGE_SHOWN = ("nama_tahapan", "mulai", "selesai")

logger = logging.getLogger(__name__)


def _code(value: object) -> str:
    return f"`{value}`" if value not in (None, "") else ""


def _need(section: str) -> str:
    return "wajib" if section in REQUIRED_SECTIONS else "opsional"


def _section(section: str) -> dict:
    """One section's table of columns and its sheet rules."""
    rows = [
        [
            f"`{col.name}`",
            col.label,
            type_text(col),
            requirement_text(col),
            "; ".join(rule_phrases(col)),
            ", ".join(f"`{c}`" for c in col.choices),
            _code(example_text(example_value(col))),
        ]
        for col in contract_columns(section)
    ]
    rules = "; ".join(f"{RULES[r].doc} (`{r}`)" for r in section_rules(section))
    return {
        "name": section,
        "need": _need(section),
        "doc": SECTION_DOCS[section],
        "rows": rows,
        "rules": rules,
    }


def _rule_message(template: str) -> str:
    """A message template with its placeholders shown as such."""
    return re.sub(
        r"\{(\w+)\}", lambda m: PLACEHOLDER_WORDS.get(m.group(1), f"‹{m.group(1)}›"), template
    )


def _validate_example(ref: Reference) -> str:
    """`lapsit validate --json` on the example with three typical mistakes, for the docs."""
    sections = copy.deepcopy(EXAMPLE)
    sections["pengamanan"][0]["personel_tni"] = "sepuluh"
    sections["netralitas"][0] |= {"nrp": "8705012", "sanksi": None}
    with tempfile.TemporaryDirectory() as tmp:
        path = write_xlsx(Path(tmp) / "2024-11-20.xlsx", sections)
        result = validate_file(
            path,
            EXAMPLE["laporan"]["kode_polres"],
            ref,
            max_bytes=10_000_000,
            max_rows=5_000,
            received=dt.datetime(2024, 11, 20, 12, tzinfo=dt.UTC),
        )
    return json.dumps([g.to_dict() for g in result.errors], ensure_ascii=False, indent=2)


def render_markdown(ref: Reference) -> str:
    """docs/kontrak.md: the contract for operators and systems, in Bahasa Indonesia."""
    choices = [
        (f"{section}.{col.name}", ", ".join(f"`{c}`" for c in col.choices))
        for section in SECTION_MODELS
        for col in contract_columns(section)
        if col.choices
    ]
    return render(
        TEMPLATE,
        versi=CONTRACT_VERSION,
        bagian=[[f"`{s}`", _need(s), SECTION_DOCS[s]] for s in SECTION_MODELS],
        kelonggaran=[(KIND_NAMES[k], v) for k, v in KIND_FORMATS.items()],
        sections=[_section(s) for s in SECTION_MODELS],
        pilihan=choices,
        polres=[
            [f"`{r['kode_polres']}`", *(r[c] for c in POLRES_SHOWN)]
            for r in ref.polres.iter_rows(named=True)
        ],
        tahapan=[
            [f"`{r['kode_pemilihan']}`", f"`{r['kode_tahapan']}`", *(r[c] for c in STAGE_SHOWN)]
            for r in ref.tahapan.iter_rows(named=True)
        ],
        status=[[f"`{s}`", STATUS_WORDS[s]] for s in STATUS_SUBMISI],
        galat=[[f"`{k}`", v] for k, v in GALAT_FIELDS.items()],
        aturan=[
            [f"`{r.id}`", SEVERITY_WORDS[r.severity], _rule_message(r.message)]
            for r in RULES.values()
        ],
        contoh_validate=_validate_example(ref),
        contoh_json=json.dumps(
            EXAMPLE, ensure_ascii=False, indent=2, default=lambda v: v.isoformat()
        ),
    )


def generate(ref: Reference) -> dict[str, str]:
    """The published files by name, as text."""
    schema = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    return {MARKDOWN: render_markdown(ref), SCHEMA: schema}


def write_docs(docs_dir: Path = DOCS_DIR, ref: Reference | None = None) -> list[Path]:
    """(Re)write the published contract into `docs_dir`."""
    ref = ref or load_reference(SHIPPED_REFERENCE)
    docs_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generate(ref).items():
        path = docs_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for path in write_docs(Path(argv[0]) if argv else DOCS_DIR):
        logger.info("ditulis: %s", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
