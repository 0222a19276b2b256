"""Every rule of the submission contract, declared once (SPEC §3).

A rule is checked in one place: a pandera model of `schemas/contract.py` (a
named check, or one of pandera's built-in column checks), the lenient cast (a
value of a kind that cannot be read), or the reader and the ingest (the
file-level rules: format, size, sheets and columns, inbox, duplicates). Its
declaration here says everything else about it, and every part of lapsit reads
it from here:

- `severity` and `message` (Bahasa Indonesia; placeholders `{value}`, `{column}`,
  `{hint}`, and the words for where a problem is, `{lembar}`, `{kolom}`, `{baris}`,
  `{bagian}`, `{judul}` (capitalised: `{Lembar}`, ...), which a workbook and a JSON file
  say differently: `WHERE_WORDS`): the error objects of `lapsit.galat`;
- `column` and `value` (model rules): which column a failing row is reported on
  (the one the operator should change) and which of its fields is shown;
- `hint`: the words added to the message for one failing case;
- `doc`: what must hold, for `docs/kontrak.md`, the Excel template's input
  messages and the JSON Schema's descriptions;
- `excel`: how the Excel template enforces it where cell validation can
  (a bound, a highlight, a drop-down of reference values);
- `required_when`: a cross-column rule the JSON Schema can state;
- `curated`: the Great Expectations expectation that must still hold once the
  rows are curated (`lapsit.quality.suites`).

`tests/test_rules.py` proves that every check of the models and every rule the
reader raises has exactly one declaration, and that every declaration is used.
"""

from schemas.rules.base import (
    BUILTIN,
    CAST,
    ERROR,
    FILE,
    MODEL,
    THOUSANDS,
    WARNING,
    WHERE_WORDS,
    Case,
    Excel,
    Expectation,
    Limits,
    Rule,
    did_you_mean,
    options,
    where_words,
)
from schemas.rules.files import INGEST_RULES, READER_RULES, UNDECLARED
from schemas.rules.models import MODEL_RULES
from schemas.rules.values import VALUE_RULES

__all__ = [
    "BUILTIN",
    "CAST",
    "DECLARED",
    "ERROR",
    "FILE",
    "MODEL",
    "RULES",
    "THOUSANDS",
    "WARNING",
    "WHERE_WORDS",
    "Case",
    "Excel",
    "Limits",
    "Rule",
    "builtin_rule",
    "cast_rule",
    "did_you_mean",
    "expectation",
    "options",
    "where_words",
]

# Every declaration, in the order the published rule list shows them.
DECLARED: tuple[Rule, ...] = (
    *READER_RULES,
    *VALUE_RULES,
    *MODEL_RULES,
    *INGEST_RULES,
    UNDECLARED,
)
RULES: dict[str, Rule] = {rule.id: rule for rule in DECLARED}


def builtin_rule(check: str, column: str) -> Rule | None:
    """The rule a built-in pandera check of a column names (None: not declared)."""
    base = check.split("(")[0]
    found = [
        r
        for r in RULES.values()
        if r.where == BUILTIN and base == r.check and (not r.on or column in r.on)
    ]
    return found[0] if len(found) == 1 else None


def cast_rule(kind: str) -> Rule | None:
    """The rule guarding the lenient cast of a kind of column (None: a cast that loses nothing)."""
    return next((r for r in RULES.values() if r.where == CAST and r.kind == kind), None)


def expectation(rule: Rule, column: Limits) -> Expectation | None:
    """The rule's curated expectation for a column (None when it has none)."""
    if rule.curated is None:
        return None
    return rule.curated(column) if callable(rule.curated) else rule.curated
