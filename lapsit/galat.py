"""The error objects of a submission (SPEC §3): one problem, located as the operator sees it.

A Galat is made from its rule's declaration (`schemas/rules/`): severity and
message come from there. Everything that leaves lapsit passes through
`lapsit.privacy.mask_nrp`: an NRP is never shown whole.
"""

from dataclasses import asdict, dataclass
from typing import Any

from lapsit.privacy import hide_nrp, mask_nrp
from schemas.rules import ERROR, RULES, WARNING, where_words
from schemas.sections import SECTIONS

__all__ = ["ERROR", "WARNING", "Galat", "describe", "make", "sort_key"]


@dataclass(frozen=True)
class Galat:
    """One problem found in a submission, located as the operator sees it (SPEC §3)."""

    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str
    severity: str = ERROR

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _shown(text: str | None) -> str | None:
    """Text from a file, safe to show and to write: NRPs masked, lone surrogates escaped."""
    if text is None:
        return None
    return mask_nrp(text.encode("utf-8", "backslashreplace").decode("utf-8"))


def make(
    rule: str,
    *,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    value: Any = None,
    hint: str = "",
    fmt: str = "xlsx",
    **extra: Any,
) -> Galat:
    """Build a Galat for a rule, with the severity and message of its declaration.

    `fmt`: the submission's format (`xlsx`, `json`), whose words the message uses for
    where the problem is (`schemas.rules.WHERE_WORDS`).
    """
    declared = RULES[rule]
    # Anything shaped like an NRP is masked, whatever column (or sheet name) it was typed in.
    shown = _shown(None if value is None else str(value))
    if column == "nrp" and shown:
        # Whatever was typed as an NRP (7 or 9 digits, or 8 that read as a date) is hidden.
        shown = hide_nrp(shown)
    sheet, column, hint = _shown(sheet), _shown(column), _shown(hint) or ""
    message = declared.message.format(
        value=shown, column=column, hint=hint, **where_words(fmt), **extra
    )
    return Galat(sheet, row, column, shown, rule, message, declared.severity)


def sort_key(galat: Galat) -> tuple:
    """Order errors as the operator reads the workbook: file, sheet order, row, column."""
    order = list(SECTIONS)
    sheet_pos = order.index(galat.sheet) if galat.sheet in order else -1
    return (galat.sheet is not None, sheet_pos, galat.row or 0, galat.column or "")


def describe(galat: Galat, fmt: str = "xlsx") -> str:
    """One error as a line: where it is (sheet, row, column, in `fmt`'s words), then its message."""
    words = where_words(fmt)
    where = ", ".join(
        part
        for part in (
            f"{words['lembar']} {galat.sheet}" if galat.sheet else "",
            f"{words['baris']} {galat.row}" if galat.row is not None else "",
            f"{words['kolom']} {galat.column}" if galat.column else "",
        )
        if part
    )
    return mask_nrp(f"[{where or 'berkas'}] {galat.message}")
