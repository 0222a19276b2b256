"""Write submissions in the contract's two formats, stamped with a delivery time (demo, tests, benchmarks)."""

import csv
import datetime as dt
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import xlsxwriter

Rows = Sequence[Mapping[str, Any]]
# A fixed creation stamp keeps generated workbooks byte-identical from run to run.
_FIXED_CREATED = dt.datetime(2024, 1, 1)


def write_xlsx(path: Path, sections: Mapping[str, Rows | Mapping[str, Any]]) -> Path:
    """Write one sheet per section, header row first; `laporan` may be a single mapping.

    Values are written as their Python type: dates and datetimes as Excel date
    cells, numbers as numbers, everything else as text; None leaves the cell empty.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    workbook.set_properties({"created": _FIXED_CREATED})
    date_fmt = workbook.add_format({"num_format": "dd/mm/yyyy"})
    datetime_fmt = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for name, rows in sections.items():
        rows = [rows] if isinstance(rows, Mapping) else list(rows)
        sheet = workbook.add_worksheet(name)
        header: list[str] = []
        for row in rows:
            header += [c for c in row if c not in header]
        sheet.write_row(0, 0, header)
        for r, row in enumerate(rows, start=1):
            for c, col in enumerate(header):
                value = row.get(col)
                if value is None:
                    continue
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value.replace(tzinfo=None), datetime_fmt)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_fmt)
                elif isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
    workbook.close()
    return path


def _json_default(value: Any) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def write_json(path: Path, sections: Mapping[str, Rows | Mapping[str, Any]]) -> Path:
    """Write the JSON format: `laporan` an object, the other sections arrays of objects."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        name: (dict(rows) if isinstance(rows, Mapping) else [dict(r) for r in rows])
        for name, rows in sections.items()
    }
    if isinstance(doc.get("laporan"), list) and len(doc["laporan"]) == 1:
        doc["laporan"] = doc["laporan"][0]
    path.write_text(
        json.dumps(doc, ensure_ascii=False, indent=2, default=_json_default), encoding="utf-8"
    )
    return path


def save(path: Path, sections: dict, delivered: dt.datetime, zone: str) -> Path:
    """Write a submission in the format its suffix names, stamped with its delivery time."""
    if path.suffix == ".json":
        write_json(path, sections)
    elif path.suffix == ".xlsx":
        write_xlsx(path, sections)
    else:  # a CSV export of the pengamanan sheet, as an operator might send it
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(
                f, fieldnames=list(sections["pengamanan"][0]), lineterminator="\n"
            )
            writer.writeheader()
            writer.writerows(sections["pengamanan"])
    stamp(path, delivered, zone)
    return path


def stamp(path: Path, delivered: dt.datetime, zone: str) -> None:
    """Set the file's modification time to a naive local delivery time in `zone`."""
    epoch = delivered.replace(tzinfo=ZoneInfo(zone)).timestamp()
    os.utime(path, (epoch, epoch))
