"""Validation: read submissions checked against the contract, many in one pandera call per section.

`batch.validate_batch` is the entry point of the ingest; `batch.validate_file` of
`lapsit validate` and the portal. Both give the same errors for the same file.
`result.Result` is a verdict; it imports neither the reader nor pandera, so that
what only holds verdicts stays light (this package's `__init__` imports nothing).
"""
