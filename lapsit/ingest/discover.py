"""Discover: every file in every inbox, and which of them the registry does not know yet.

Listing is paid on the whole history every run, so it stays one `scandir`
pass and one `stat` per file; only files whose path, size and modification
time match no registry row are hashed.
"""

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from lapsit.catalog import Catalog
from lapsit.ingest.records import Delivery, Discovery
from lapsit.storage.registry import read_registry

# The registry columns an ingest decides with (skipping, duplicates, supersession).
DECISION_COLUMNS = (
    "id_submisi",
    "path",
    "kode_polres",
    "waktu_terima",
    "kode_pemilihan",
    "tanggal",
    "status",
    "digantikan_oleh",
    "dibuat_pada",
    "diproses_pada",
    "ukuran",
    "mtime_ns",
)


def discover(catalog: Catalog) -> Discovery:
    """The new files of every inbox, the duplicates and the skipped, against the registry."""
    registry = read_registry(catalog.tables, DECISION_COLUMNS)
    new, duplicates, skipped = split_new(list_inboxes(catalog.raw_dir), registry)
    return Discovery(new=new, duplicates=duplicates, skipped=skipped, registry=registry)


def list_inboxes(raw_dir: Path) -> list[Delivery]:
    """Every regular file in every inbox `raw/<kode_polres>/`, in order of delivery, then name.

    Hidden files and symbolic links are passed over: a link could point out
    of the inbox, and editors leave hidden lock files beside workbooks. One
    `scandir` pass and one `stat` per file: listing is paid on the whole
    history every run, so it stays a small constant per file.
    """
    found: list[Delivery] = []
    if not raw_dir.is_dir():
        return found
    with os.scandir(raw_dir) as entries:
        inboxes = sorted(
            (e for e in entries if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)),
            key=lambda e: e.name,
        )
    for inbox in inboxes:
        found += _deliveries(inbox.path, inbox.name)
    found.sort(key=lambda d: (d.mtime_ns, d.rel))
    return found


def list_inbox(raw_dir: Path, inbox: str) -> list[Delivery]:
    """The files of one inbox, as `list_inboxes` lists them (the portal's view of one Polres)."""
    found = _deliveries(str(raw_dir / inbox), inbox)
    found.sort(key=lambda d: (d.mtime_ns, d.rel))
    return found


def _deliveries(folder: str, inbox: str) -> list[Delivery]:
    inbox_name = _printable(inbox)
    return [
        Delivery(
            location=path,
            rel=_printable(rel),
            inbox=inbox_name,
            size=stat.st_size,
            mtime_ns=stat.st_mtime_ns,
        )
        for path, rel, stat in _files(folder, inbox)
    ]


def _files(folder: str, rel: str) -> Iterator[tuple[str, str, os.stat_result]]:
    """(path, path relative to raw/, stat) of the regular files under `folder`, depth first.

    Names starting with `.` or `~$` are passed over, files and folders alike;
    so are symbolic links. A file gone since it was listed is seen again next run.
    """
    try:
        with os.scandir(folder) as entries:
            listed = sorted(entries, key=lambda e: e.name)
    except OSError:
        return
    for entry in listed:
        if entry.name.startswith((".", "~$")) or entry.is_symlink():
            continue
        child = f"{rel}/{entry.name}"
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _files(entry.path, child)
            elif entry.is_file(follow_symlinks=False):
                yield entry.path, child, entry.stat(follow_symlinks=False)
        except OSError:
            continue


def _printable(name: str) -> str:
    """A file name as text that can be stored: bytes that are not UTF-8 shown as `\\xff`."""
    if name.isascii():
        return name
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def split_new(
    deliveries: list[Delivery], registry: pl.DataFrame
) -> tuple[list[Delivery], list[tuple[Delivery, str]], Counter]:
    """(new files to validate, duplicates with the path of their first copy, skipped per inbox).

    Duplicates are matched within an inbox: a copy of Polres B's file sent from A's inbox
    must not make B's own file a duplicate (it is rejected in A's inbox instead).

    A file whose path, size and modification time (ns) equal a registered row's is
    that row's file and is skipped without being read; any other file is hashed. A
    file that cannot be read to be hashed is left for the next run. The registry is
    matched with joins, and only the rows sharing a hash with an unknown file are
    looked at one by one, so the cost follows the new files, not the history.
    """
    skipped: Counter = Counter()
    listed = pl.DataFrame(
        {
            "i": range(len(deliveries)),
            "path": [d.rel for d in deliveries],
            "ukuran": [d.size for d in deliveries],
            "mtime_ns": [d.mtime_ns for d in deliveries],
        },
        schema={"i": pl.Int64, "path": pl.Utf8, "ukuran": pl.Int64, "mtime_ns": pl.Int64},
    )
    stamps = registry.select("path", "ukuran", "mtime_ns").drop_nulls().unique()
    known = set(listed.join(stamps, on=["path", "ukuran", "mtime_ns"], how="semi")["i"])
    unknown = []
    for i, d in enumerate(deliveries):
        if i in known:
            skipped[d.inbox] += 1
            continue
        try:
            d.sha256  # noqa: B018 (hashes the file once; cached on the delivery)
        except OSError:
            continue  # gone or unreadable since it was listed: seen again next run
        unknown.append(d)
    related = registry.filter(pl.col("id_submisi").is_in({d.sha256 for d in unknown}))
    seen_pairs = set(zip(related["id_submisi"], related["path"], strict=True))
    first_path: dict[tuple[str, str], str] = {}
    ordered = related.sort("diproses_pada", "path")
    for inbox, sha, path in ordered.select("kode_polres", "id_submisi", "path").iter_rows():
        first_path.setdefault((inbox, sha), path)
    new, duplicates = [], []
    for d in unknown:
        key = (d.inbox, d.sha256)
        if (d.sha256, d.rel) in seen_pairs:
            skipped[d.inbox] += 1
        elif key in first_path:
            duplicates.append((d, first_path[key]))
        else:
            first_path[key] = d.rel
            new.append(d)
    return new, duplicates, skipped


def batches_of(deliveries: list[Delivery], size: int) -> list[list[Delivery]]:
    """The new files cut into batches of `size`, in order of delivery."""
    return [deliveries[i : i + size] for i in range(0, len(deliveries), size)]
