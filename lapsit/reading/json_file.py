"""Read the JSON format: `laporan` an object, the other sections arrays of objects."""

import json
from pathlib import Path
from typing import Any

import polars as pl

from lapsit.galat import make
from lapsit.reading.frames import MAX_COLUMNS, RawSubmission, finish, section_frame, unreadable
from schemas.contract import SECTION_MODELS

JSON = "json"
NESTED = "struktur JSON bersarang terlalu dalam"


def _what(exc: ValueError) -> str:
    """What is wrong with a file that is not JSON, in Indonesian (where the parser stopped)."""
    if isinstance(exc, UnicodeDecodeError):
        return "isinya bukan teks UTF-8 (simpan ulang berkas sebagai UTF-8)"
    if isinstance(exc, json.JSONDecodeError):
        return (
            f"isinya bukan JSON yang sah (kesalahan penulisan pada baris {exc.lineno}, "
            f"kolom {exc.colno}: periksa tanda kutip, koma dan kurung)"
        )
    return "isinya bukan JSON yang sah (ada angka yang terlalu panjang)"


def _cell_text(value: Any) -> str | None:
    """A JSON scalar as the text an operator would have typed."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ";".join(value)
    return json.dumps(value, ensure_ascii=False)


def _load_json(path: Path) -> tuple[Any, list[tuple[dict, str]]]:
    """Parse a JSON file, with (object, key) for every key an object repeats.

    `json.loads` would silently keep the last of two equal keys: the operator must
    say which value is meant.
    """
    repeats: list[tuple[dict, str]] = []

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict:
        obj: dict = {}
        for key, value in pairs:
            if key in obj:
                repeats.append((obj, key))
            obj[key] = value
        return obj

    # A byte-order mark (Notepad on Windows writes one) is not part of the content.
    text = path.read_bytes().decode("utf-8-sig")
    return json.loads(text, object_pairs_hook=pairs_hook), repeats


def _json_rows(section: str, value: Any) -> list[dict] | None:
    if section == "laporan":
        return [value] if isinstance(value, dict) else None
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return value
    return None


# Long: the file's checks in the order an operator fixes them (parse, shape, each section),
# each adding its error and going on, so that one reading reports every problem.
def read_json(path: Path, max_rows: int) -> RawSubmission:
    """Read the JSON format: `laporan` an object, other sections arrays of objects."""
    raw = RawSubmission(JSON)
    try:
        doc, repeats = _load_json(path)
    except RecursionError:
        raw.errors.append(make("berkas_rusak", hint=NESTED, fmt=JSON))
        return raw
    except ValueError as exc:  # not UTF-8, not JSON, or a number too long to convert
        unreadable(raw, path, _what(exc), exc)
        return raw
    if not isinstance(doc, dict):
        raw.errors.append(make("berkas_rusak", hint="isi JSON harus berupa objek", fmt=JSON))
        return raw
    located: dict[int, tuple[str, int | None]] = {}  # id of a row -> (section, row)
    for key, value in doc.items():
        section = key.strip().lower()
        if section in raw.sections:  # `Laporan` and `laporan ` name the same section
            raw.errors.append(make("kunci_ganda", sheet=section, value=key, fmt=JSON))
            continue
        if section not in SECTION_MODELS:
            raw.errors.append(
                make(
                    "lembar_tidak_dikenal",
                    sheet=key,
                    value=key,
                    hint=", ".join(SECTION_MODELS),
                    fmt=JSON,
                )
            )
            continue
        if value is None:
            continue
        rows = _json_rows(section, value)
        if rows is None:
            shape = "objek" if section == "laporan" else "daftar objek"
            raw.errors.append(
                make(
                    "berkas_rusak",
                    sheet=section,
                    hint=f"'{section}' harus berupa {shape}",
                    fmt=JSON,
                )
            )
            continue
        rows = rows[: max_rows + 1]
        keys = list(dict.fromkeys(k for row in rows for k in row))
        if len(keys) > MAX_COLUMNS:
            hint = f"'{section}' memuat {len(keys):,} nama kunci; batasnya {MAX_COLUMNS}"
            raw.errors.append(make("berkas_rusak", sheet=section, hint=hint, fmt=JSON))
            continue
        for pos, row in enumerate(rows, start=1):
            located[id(row)] = (section, None if section == "laporan" else pos)
        data = {k: [_cell_text(r.get(k)) for r in rows] for k in keys}
        frame = pl.DataFrame(data, schema=dict.fromkeys(data, pl.Utf8))
        raw.sections[section] = section_frame(
            raw, section, frame, None if section == "laporan" else 1
        )
    for obj, key in repeats:
        if obj is doc:  # a section given twice
            where = {"sheet": key.strip().lower()}
        elif id(obj) in located:  # a column given twice in one row
            sheet, row = located[id(obj)]
            where = {"sheet": sheet, "row": row, "column": key.strip()}
        else:  # inside a cell's value: a problem of the whole file
            where = {}
        raw.errors.append(make("kunci_ganda", value=key, fmt=JSON, **where))
    return finish(raw, max_rows)
