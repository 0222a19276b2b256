"""The exceptions of lapsit: expected failures, each with a message in Bahasa Indonesia.

A problem with a submission is never an exception (it is a `lapsit.galat.Galat`);
these are what stops a command or a flow run: broken reference data, storage
that cannot be reached, arguments that cannot be used. The CLI prints the
message and exits with the code each one names; anything else is a bug and
keeps its traceback.
"""


class LapsitError(Exception):
    """An expected failure; `str()` is the message for the user (Bahasa Indonesia)."""

    # The CLI's exit code for it: 2 unusable arguments, 3 a failed run.
    exit_code = 3


class UsageError(LapsitError, ValueError):
    """Arguments or parameters that cannot be used (an unknown Polda, options that clash)."""

    exit_code = 2


class ReferenceDataError(LapsitError):
    """A reference file is missing or breaks its schema."""


class StorageError(LapsitError, OSError):
    """The storage of the curated tables cannot be reached."""


class UnreadableTableError(LapsitError):
    """A curated table that cannot be read: the quality gate stops instead of passing unseen data."""


class VersionError(UsageError):
    """The requested registry version does not exist."""


class ClusterError(LapsitError):
    """The Dask cluster a run was to validate on cannot be reached."""
