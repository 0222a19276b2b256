"""Personal data kept out of sight: the one rule that masks an NRP in anything shown.

An NRP (an officer's registration number) is 8 digits. It must never appear whole in a
page, console line, log, artifact, event, report or message (SPEC §3, §7 v3). File names
and free text often carry 8 digits that are not an NRP but a date (`laporan-08122026`),
so a run of exactly 8 digits that reads as a date near the day the file was received is
shown as is; every other run of 8 or more digits is shown as `*****` + its last three.

`mask_nrp` is that rule for any text; `hide_nrp` masks a value known to be an NRP (the
`nrp` column), date-shaped or not. The residual case (docs/security.md): an NRP whose
digits also read as such a date (an officer born in 2000-2006 whose serial happens to be
a year near today) is shown whole where it is not in the `nrp` column.
"""

import datetime as dt
import re

__all__ = ["DIGIT_RUN", "hide_nrp", "mask_nrp", "reads_as_date"]

# 8 or more digits, not part of a longer run; digits of any script (`\d`), which `int`
# reads as their values: an NRP typed in fullwidth digits is masked as well.
DIGIT_RUN = re.compile(r"(?<!\d)\d{8,}(?!\d)")
SHOWN = 3  # digits of an NRP left in sight
MASK = "*****"


def hide_nrp(digits: str | None) -> str | None:
    """A value known to be an NRP (or meant as one): `*****` and its last three characters."""
    if digits is None:
        return None
    return MASK + digits[-SHOWN:] if digits else digits


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def reads_as_date(digits: str, received: dt.date) -> bool:
    """Whether 8 digits are a date, DDMMYYYY or YYYYMMDD, of a year within one of `received`'s."""
    if len(digits) != 8:
        return False
    candidates = (
        _date(int(digits[4:]), int(digits[2:4]), int(digits[:2])),  # DDMMYYYY
        _date(int(digits[:4]), int(digits[4:6]), int(digits[6:])),  # YYYYMMDD
    )
    return any(c is not None and abs(c.year - received.year) <= 1 for c in candidates)


def mask_nrp(text: str | None, received: dt.date | None = None) -> str | None:
    """`text` with every run of 8+ digits that is not a date near `received` masked.

    `received`: the day the file the text is about was received (its local date); today
    when the text is about no file in particular.
    """
    if text is None:
        return None
    day = received or dt.date.today()

    def one(match: re.Match) -> str:
        digits = match.group()
        return digits if reads_as_date(digits, day) else MASK + digits[-SHOWN:]

    return DIGIT_RUN.sub(one, text)
