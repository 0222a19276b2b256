"""What every request of the portal works with, made once when the portal starts."""

import threading
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from lapsit.reference import Reference
from lapsit.settings import Settings


@dataclass
class Portal:
    """The settings, the reference data, the database; one lock for the validator.

    Verdicts are given one at a time (each well under a second): the validator keeps
    pandera's compiled models warm in this process, and is not made to share them
    between threads.
    """

    settings: Settings
    ref: Reference
    engine: Engine
    validating: threading.Lock = field(default_factory=threading.Lock)

    @property
    def catalog(self):
        return self.settings.catalog
