"""JSON Schema (draft 2020-12) of the `.json` submission format, from the models.

What JSON Schema can say of one row (kinds, choices, limits, required columns,
`required_when` rules) is said; rules across rows, sheets and the reference
data are checked only by `lapsit validate`.
"""

import datetime as dt
import re

from lapsit.publishing.words import (
    SECTION_DOCS,
    choices_text,
    example_value,
    requirement_text,
    rule_phrases,
    type_text,
)
from lapsit.validation.cast import DATE_DMY, DATE_ISO, DATETIME_DMY, DATETIME_ISO
from schemas.columns import Column, contract_columns
from schemas.contract import CONTRACT_VERSION, REQUIRED_SECTIONS, SECTION_MODELS
from schemas.rules import RULES

SCHEMA_ID = f"urn:lapsit:kontrak:v{CONTRACT_VERSION}:submission"
# A whole number ≥ 0 typed as text: "12", " 12 ", "12.0" (SPEC §3 leniency), but not digits
# grouped by thousands dots ("1.000" is a thousand to the operator: rejected, with a hint).
WHOLE_TEXT = r"^\s*\+?(?!\d{1,3}(?:\.\d{3})+\s*$)\d+(?:\.0*)?\s*$"
NON_BLANK = r"\S"
BLANK = {"anyOf": [{"type": "null"}, {"type": "string", "pattern": r"^\s*$"}]}


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
            "anyOf": [{"pattern": _spaced(p)} for p in (DATE_ISO, DATE_DMY)],
        }
    if col.kind == "datetime":
        return {
            "type": "string",
            "anyOf": [{"pattern": _spaced(p)} for p in (DATETIME_ISO, DATETIME_DMY)],
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
        for rule in col.rules:
            if (when := RULES[rule].required_when) is None or when[0] not in names:
                continue
            other, value = when
            pattern = r"^\s*" + _loose_choice(value) + r"\s*$"
            out.append(
                {
                    "if": {
                        "required": [other],
                        "properties": {other: {"type": "string", "pattern": pattern}},
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
    for section in SECTION_MODELS:
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
            "lapsit.publishing.docs; jangan diubah dengan tangan."
        ),
        "type": "object",
        "properties": properties,
        "required": list(REQUIRED_SECTIONS),
        "additionalProperties": False,
    }
