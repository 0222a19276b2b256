"""Writing files so that a reader never sees half of one."""

import os
from pathlib import Path


def write_atomic(path: Path, data: str | bytes) -> Path:
    """Write `data` to `path` through a hidden temporary file in the same folder, then rename.

    A rename within one file system is atomic: whoever opens `path` sees the old
    file or the whole new one, never a part (an ingest listing an inbox skips
    hidden names).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            tmp.write_text(data, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
