"""Validation: read submissions checked against the contract, many in one pandera call per section.

`validate_batch` is the entry point of the ingest; `validate_file` of `lapsit
validate` and the portal. Both give the same errors for the same file.
"""

from lapsit.validation.batch import Candidate, Result, validate_batch, validate_file

__all__ = ["Candidate", "Result", "validate_batch", "validate_file"]
