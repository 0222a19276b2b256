"""pandera's failure cases of one stacked section, turned into located Galat per submission.

Which rule a failing check names, which column it is reported on, which value
is shown and what hint is added all come from the rule's declaration
(`schemas/rules/`); this module only locates each case: its submission
(`_sub`), sheet, Excel row (`_row`) and column.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandera.errors
import polars as pl

from lapsit.clock import local_stamp
from lapsit.galat import Galat, make
from lapsit.reference import Reference
from schemas.columns import column as contract_column
from schemas.contract import SECTION_MODELS
from schemas.rules import MODEL, RULES, Case, Rule, builtin_rule

UNDECLARED = RULES["kontrak_tidak_dikenal"]


def reference_lists(ref: Reference) -> dict[str, Any]:
    """The lists of the reference data that hints name (see `schemas.rules.Case.lists`)."""
    stages: dict[str, list[str]] = {}
    for election, stage in ref.tahapan.select("kode_pemilihan", "kode_tahapan").iter_rows():
        stages.setdefault(election, []).append(stage)
    return {
        "polres": ref.polres["kode_polres"].to_list(),
        "pemilihan": sorted(stages),
        "tahapan": stages,
        "nama_polres": dict(ref.polres.select("kode_polres", "nama_polres").iter_rows()),
    }


def _rule(check: str, column: str | None) -> Rule:
    """The declaration of a failing check: a named model check, else a built-in of a column."""
    if check in RULES and RULES[check].where == MODEL:
        return RULES[check]
    found = builtin_rule(check, column) if column else None
    return found or UNDECLARED


def _galat(
    section: str,
    case: Mapping[str, Any],
    row: dict,
    raw_text: pl.DataFrame,
    lists: dict,
    fmt: str,
) -> Galat:
    """The Galat of one failure case on one row of the stacked section."""
    check = case["check"]
    if case["schema_context"] == "Column":
        name = case["column"]
        rule = _rule(check, name)
        col = contract_column(section, name)
        shown = raw_text[name][case["index"]] if name in raw_text.columns else case["failure_case"]
        found = Case(row=row, value=row.get(name), choices=col.choices, check=check)
        limits = {
            "minimum": col.minimum,
            "min_length": col.min_length,
            "max_length": col.max_length,
        }
    else:
        rule = _rule(check, None)
        name = rule.column
        shown = row.get(rule.shown) if rule.shown else None
        found = Case(row=row, value=shown, lists=lists, check=check)
        limits = {}
    hint = rule.hint(found) if rule.hint else ""
    if isinstance(shown, dt.datetime) and shown.tzinfo is not None:
        # Stored in UTC; the operator typed (and reads) the Polres's local time.
        shown = local_stamp(shown, row.get("_tz"))
    return make(
        rule.id,
        sheet=section,
        row=row["_row"],
        column=name,
        value=shown,
        hint=hint,
        fmt=fmt,
        **limits,
    )


def model_failures(
    section: str, frame: pl.DataFrame, raw_text: pl.DataFrame, lists: dict, formats: list[str]
) -> dict[int, list[Galat]]:
    """Validate one stacked section with its pandera model; Galat per submission (`_sub`).

    `formats`: each submission's format, for the words of its messages.
    """
    out: dict[int, list[Galat]] = {}
    try:
        SECTION_MODELS[section].validate(frame, lazy=True)
        return out
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    # Only the failing rows are turned into Python objects.
    failing = cases["index"].drop_nulls().unique().sort().to_list()
    rows = dict(zip(failing, frame[failing].to_dicts(), strict=True))
    for case in cases.iter_rows(named=True):
        if case["index"] is None:
            # A schema-level failure (dtype, missing column) means the casting step is wrong:
            # stop the run rather than accept or reject files for a reason of our own.
            raise RuntimeError(f"{section}: {case['check']} failed: {case['failure_case']}")
        row = rows[case["index"]]
        galat = _galat(section, case, row, raw_text, lists, formats[row["_sub"]])
        out.setdefault(row["_sub"], []).append(galat)
    return out
