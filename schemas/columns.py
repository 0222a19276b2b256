"""The contract's columns as the template, the docs and the quality gate read them.

Everything here is read off the pandera models (`schemas/contract.py`) and the
rule declarations (`schemas/rules/`): a column's kind, label, limits, choices
and the rules reported on it.
"""

import functools
from dataclasses import dataclass

from schemas.contract import SECTION_MODELS, columns
from schemas.rules import RULES, Rule, builtin_rule

# Column-level checks pandera names by itself: described through the column's limits.
BUILTIN_CHECKS = ("greater_than_or_equal_to", "str_matches", "str_length", "isin")


@dataclass(frozen=True)
class Column:
    """One column of the contract, with its limits and the rules reported on it."""

    section: str
    name: str
    kind: str
    label: str
    optional: bool  # the column may be absent from the sheet
    nullable: bool  # a cell may be empty
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    rules: tuple[str, ...] = ()  # rules of the model reported on this column

    @property
    def required(self) -> bool:
        """A value must be given (a kecamatan code may give way to its name)."""
        return not self.nullable and self.kind != "kecamatan"

    def builtin_rules(self) -> list[Rule]:
        """The declarations of pandera's own checks on this column (not_nullable among them)."""
        found = [builtin_rule(check, self.name) for check in self.checks()]
        if not self.nullable:
            found.insert(0, builtin_rule("not_nullable", self.name))
        return [r for r in found if r is not None]

    def checks(self) -> list[str]:
        """The names of pandera's own checks on this column."""
        schema = SECTION_MODELS[self.section].to_schema().columns[self.name]
        return [c.name for c in schema.checks if c.name in BUILTIN_CHECKS]


def model_rules(section: str) -> list[str]:
    """Names of the section's own rules: sheet-level checks and named column checks."""
    schema = SECTION_MODELS[section].to_schema()
    names = [c.name for c in schema.checks]
    for col in schema.columns.values():
        names += [c.name for c in col.checks if c.name not in BUILTIN_CHECKS]
    return list(dict.fromkeys(names))


def section_rules(section: str) -> list[str]:
    """Rules of a section not reported on any one column."""
    return [r for r in model_rules(section) if RULES[r].column is None]


def contract_columns(section: str) -> list[Column]:
    """The section's columns in order, with their limits and rules, from the model."""
    schema = SECTION_MODELS[section].to_schema()
    rules = model_rules(section)
    out = []
    for name, meta in columns(section).items():
        limits: dict = {}
        for check in schema.columns[name].checks:
            stats = check.statistics
            if check.name == "greater_than_or_equal_to":
                limits["minimum"] = stats["min_value"]
            elif check.name == "str_matches":
                limits["pattern"] = stats["pattern"]
            elif check.name == "str_length":
                limits["min_length"] = stats.get("min_value")
                limits["max_length"] = stats.get("max_value")
        own = [c.name for c in schema.columns[name].checks if c.name not in BUILTIN_CHECKS]
        own += [r for r in rules if RULES[r].column == name]
        out.append(
            Column(
                section=section,
                name=name,
                kind=meta["kind"],
                label=meta["label"],
                optional=meta["optional"],
                nullable=meta["nullable"],
                choices=tuple(meta["choices"]),
                rules=tuple(dict.fromkeys(own)),
                **limits,
            )
        )
    return out


@functools.cache
def column(section: str, name: str) -> Column:
    """One column of the contract by name."""
    return next(c for c in contract_columns(section) if c.name == name)


def pattern_rule(col: Column) -> Rule | None:
    """The declaration of a column's `str_matches` check (its words in the docs)."""
    return builtin_rule("str_matches", col.name) if col.pattern else None
