"""Reading: a submission file (`.xlsx` or `.json`) into text frames per section.

`read_submission` is the entry point; it never raises on bad input.
"""

from lapsit.reading.frames import RawSubmission
from lapsit.reading.submission import FORMATS, read_submission

__all__ = ["FORMATS", "RawSubmission", "read_submission"]
