"""Ingestion as plain functions: inboxes -> verdicts -> curated tables and registry.

New files are taken in batches (`Settings.batch_files`). Order of writes per
batch: error reports, then the section tables (one transaction per table,
replacing whole submission slices), then the batch's rows of the registry
last. The registry is the commit record: a file is only "seen" once the
registry says so, and rewriting a slice is idempotent, so a run that crashes
half-way is completed by the next one.
"""

import datetime as dt
import fcntl
import functools
import hashlib
import json
import os
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import polars as pl

from lapsit import curated
from lapsit.catalog import section_tables
from lapsit.error_report import write_error_report
from lapsit.errors import ERROR, WARNING, Galat, make
from lapsit.readers import read_submission
from lapsit.reference import Reference
from lapsit.settings import Settings
from lapsit.validate import Candidate, Result, today_in, validate_batch
from schemas.choices import DIGANTIKAN, DITERIMA, DITOLAK, DUPLIKAT
from schemas.contract import CURATED_SECTIONS

# Called as (files read, files to read) while a run reads its files; set by the CLI.
progress_hook: ContextVar[Callable[[int, int], None] | None] = ContextVar(
    "progress_hook", default=None
)


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Delivery:
    """A file found in an inbox; what only new files need is computed when first asked for.

    Every run lists the whole history, so a listed file costs only its fields; its
    `Path`, delivery time and SHA-256 are made for the files that are not skipped.
    """

    location: str  # the file's path as the operating system gave it
    rel: str  # relative to raw/
    inbox: str
    size: int  # bytes
    mtime_ns: int  # modification time as the file system stores it

    @functools.cached_property
    def path(self) -> Path:
        return Path(self.location)

    @functools.cached_property
    def received(self) -> dt.datetime:
        """The modification time, UTC (to the microsecond)."""
        return EPOCH + dt.timedelta(microseconds=self.mtime_ns // 1000)

    @functools.cached_property
    def sha256(self) -> str:
        # Lazy: a file whose path, size and mtime match its registry row is not read again.
        return _sha256(self.path)


@dataclass
class Outcome:
    """What happened to one new file."""

    delivery: Delivery
    status: str
    errors: list[Galat] = field(default_factory=list)
    laporan: dict | None = None
    result: Result | None = None
    superseded_by: str | None = None
    error_report: str | None = None


@dataclass
class IngestSummary:
    """Counts of a run per Polres and status."""

    outcomes: list[Outcome]
    skipped: Counter

    def counts(self) -> dict[str, Counter]:
        per: dict[str, Counter] = {}
        for o in self.outcomes:
            per.setdefault(o.delivery.inbox, Counter())[o.status] += 1
        for inbox, n in self.skipped.items():
            per.setdefault(inbox, Counter())["dilewati"] += n
        return per

    def totals(self) -> Counter:
        total: Counter = Counter()
        for counter in self.counts().values():
            total.update(counter)
        return total


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def discover(raw_dir: Path) -> list[Delivery]:
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
        inbox_name = _printable(inbox.name)
        for path, rel, stat in _files(inbox.path, inbox.name):
            found.append(
                Delivery(
                    location=path,
                    rel=_printable(rel),
                    inbox=inbox_name,
                    size=stat.st_size,
                    mtime_ns=stat.st_mtime_ns,
                )
            )
    found.sort(key=lambda d: (d.mtime_ns, d.rel))
    return found


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


def validate_deliveries(
    deliveries: list[Delivery], ref: Reference, settings: Settings
) -> list[Outcome]:
    """Read and validate new files in one batch; unknown inboxes are refused unread."""
    zones = dict(ref.polres.select("kode_polres", "zona_waktu").iter_rows())
    outcomes = [Outcome(d, DITOLAK) for d in deliveries]
    batch, positions = [], []
    report = progress_hook.get()
    for i, d in enumerate(deliveries):
        if report:
            report(i, len(deliveries))
        if d.inbox not in zones:
            outcomes[i].errors = [make("kotak_tidak_dikenal", value=d.inbox)]
            continue
        raw = read_submission(d.path, max_bytes=settings.max_file_bytes, max_rows=settings.max_rows)
        latest = today_in(zones[d.inbox], d.received)
        batch.append(Candidate(inbox=d.inbox, raw=raw, latest_date=latest))
        positions.append(i)
    if report:
        report(len(deliveries), len(deliveries))
    for i, result in zip(positions, validate_batch(batch, ref), strict=True):
        out = outcomes[i]
        out.errors, out.laporan, out.result = result.errors, result.laporan, result
        out.status = DITERIMA if result.accepted else DITOLAK
    return outcomes


def _later(a: dict, b: dict) -> bool:
    """Whether submission a is later than b (SPEC §3: dibuat_pada, else delivery, else name)."""
    made_a, made_b = a["dibuat_pada"], b["dibuat_pada"]
    if made_a is not None and made_b is not None and made_a != made_b:
        return made_a > made_b
    return (a["waktu_terima"], a["path"]) > (b["waktu_terima"], b["path"])


def _order(a: dict, b: dict) -> int:
    return 1 if _later(a, b) else -1


def resolve_supersession(outcomes: list[Outcome], registry: pl.DataFrame) -> list[dict]:
    """Pick the newest accepted submission per (Polres, election, date).

    Marks new losers `digantikan` in place and returns updates for registry
    rows that a new winner supersedes ({"id_submisi", "path", "digantikan_oleh"}).
    """
    new_keys = [
        (out.laporan["kode_polres"], out.laporan["tanggal"])
        for out in outcomes
        if out.status == DITERIMA
    ]
    # Only rows that could share a key with a new submission: the cost follows the new files.
    current = registry.filter(
        (pl.col("status") == DITERIMA)
        & pl.col("kode_polres").is_in({k for k, _ in new_keys})
        & pl.col("tanggal").is_in({d for _, d in new_keys})
    )
    groups: dict[tuple, list[dict]] = {}
    for row in current.iter_rows(named=True):
        key = (row["kode_polres"], row["kode_pemilihan"], row["tanggal"])
        groups.setdefault(key, []).append({**row, "outcome": None})
    for out in outcomes:
        if out.status != DITERIMA:
            continue
        lap = out.laporan
        key = (lap["kode_polres"], lap["kode_pemilihan"], lap["tanggal"])
        entry = {
            "id_submisi": out.delivery.sha256,
            "path": out.delivery.rel,
            "dibuat_pada": lap["dibuat_pada"],
            "waktu_terima": out.delivery.received,
            "outcome": out,
        }
        groups.setdefault(key, []).append(entry)
    updates = []
    for entries in groups.values():
        if len(entries) < 2:
            continue
        winner = max(entries, key=functools.cmp_to_key(_order))
        for entry in entries:
            if entry is winner:
                continue
            if entry["outcome"] is None:
                updates.append(
                    {
                        "id_submisi": entry["id_submisi"],
                        "path": entry["path"],
                        "digantikan_oleh": winner["id_submisi"],
                    }
                )
            else:
                entry["outcome"].status = DIGANTIKAN
                entry["outcome"].superseded_by = winner["id_submisi"]
    return updates


def curated_writes(
    outcomes: list[Outcome], ref: Reference
) -> tuple[list[dict], dict[str, pl.DataFrame]]:
    """The slices the accepted new submissions replace, and per table their rows.

    A slice is (Polda, Polres, election, date): replacing it also removes the
    rows of the submission it supersedes, in the same transaction.
    """
    polda = dict(ref.polres.select("kode_polres", "kode_polda").iter_rows())
    keys: list[dict] = []
    parts: dict[str, list[tuple[int, pl.DataFrame]]] = {name: [] for name in CURATED_SECTIONS}
    for out in outcomes:
        if out.status != DITERIMA:
            continue
        lap = out.laporan
        for name in CURATED_SECTIONS:
            section = out.result.sections.get(name)
            if section is not None and section.height:
                parts[name].append((len(keys), section))
        keys.append(
            {
                "kode_polda": polda[lap["kode_polres"]],
                "kode_polres": lap["kode_polres"],
                "kode_pemilihan": lap["kode_pemilihan"],
                "kode_tahapan": lap["kode_tahapan"],
                "tanggal": lap["tanggal"],
                "id_submisi": out.delivery.sha256,
            }
        )
    return keys, {name: curated.with_lineage(name, found, keys) for name, found in parts.items()}


def registry_rows(outcomes: list[Outcome], now: dt.datetime) -> pl.DataFrame:
    """One registry row per new file."""
    records = []
    for out in outcomes:
        lap = out.laporan or {}
        records.append(
            {
                "id_submisi": out.delivery.sha256,
                "path": out.delivery.rel,
                "kode_polres": out.delivery.inbox,
                "waktu_terima": out.delivery.received,
                "kode_pemilihan": lap.get("kode_pemilihan"),
                "kode_tahapan": lap.get("kode_tahapan"),
                "tanggal": lap.get("tanggal"),
                "status": out.status,
                "jumlah_galat": sum(g.severity == ERROR for g in out.errors),
                "jumlah_peringatan": sum(g.severity == WARNING for g in out.errors),
                "galat": json.dumps([g.to_dict() for g in out.errors], ensure_ascii=False),
                "laporan_galat": out.error_report,
                "digantikan_oleh": out.superseded_by,
                "dibuat_pada": lap.get("dibuat_pada"),
                "diproses_pada": now,
                "ukuran": out.delivery.size,
                "mtime_ns": out.delivery.mtime_ns,
            }
        )
    return pl.DataFrame(records, schema=curated.REGISTRY_SCHEMA)


def updated_registry(
    registry: pl.DataFrame, new_rows: pl.DataFrame, superseded: list[dict]
) -> pl.DataFrame:
    """The registry with old rows marked `digantikan` and the new rows appended."""
    if superseded:
        marks = pl.DataFrame(
            superseded, schema={"id_submisi": pl.Utf8, "path": pl.Utf8, "digantikan_oleh": pl.Utf8}
        ).rename({"digantikan_oleh": "__by"})
        registry = (
            registry.join(marks, on=["id_submisi", "path"], how="left")
            .with_columns(
                pl.when(pl.col("__by").is_not_null())
                .then(pl.lit(DIGANTIKAN))
                .otherwise(pl.col("status"))
                .alias("status"),
                pl.coalesce("__by", "digantikan_oleh").alias("digantikan_oleh"),
            )
            .drop("__by")
        )
    return pl.concat([registry, new_rows], how="vertical")


@contextmanager
def ingest_lock(curated_dir: Path) -> Iterator[None]:
    """One ingest at a time per data dir; a second one waits for the first to finish.

    The lock is a file in the local `curated/` folder even when the tables are on
    object storage (`curated_uri`): it guards one machine. Between machines the
    deployments' concurrency limit and Delta's conflict detection are the guard.
    """
    curated_dir.mkdir(parents=True, exist_ok=True)
    with (curated_dir / ".ingest.lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def duplicate_outcomes(duplicates: list[tuple[Delivery, str]]) -> list[Outcome]:
    """Outcomes for byte-identical copies of files already registered."""
    return [
        Outcome(d, DUPLIKAT, errors=[make("berkas_duplikat", value=d.rel, hint=first)])
        for d, first in duplicates
    ]


def write_reports(outcomes: list[Outcome], settings: Settings, ref: Reference) -> None:
    """Write the error report of every new file that has errors or warnings."""
    for out in outcomes:
        if out.errors and out.status != DUPLIKAT:
            path = write_error_report(out, settings, ref)
            out.error_report = path.relative_to(settings.data_dir).as_posix()


def write_curated(keys: list[dict], rows: dict[str, pl.DataFrame], settings: Settings) -> None:
    """Replace the slices in every section table; one transaction per table."""
    for t in section_tables(settings.curated_location):
        curated.replace_slices(t, rows[t.name], keys)


Validate = Callable[[list[Delivery], Reference, Settings], list[Outcome]]


def in_order(
    validate: Validate, batches: list[list[Delivery]], ref: Reference, settings: Settings
) -> Iterator[list[Outcome]]:
    """Validate the batches one after the other, in this process."""
    for batch in batches:
        yield validate(batch, ref, settings)


class ClusterError(Exception):
    """The cluster a run was to validate on cannot be reached (message in Bahasa Indonesia)."""


class Pending(Protocol):
    """What `spread`'s `submit` returns: a future of one chunk's outcomes."""

    def result(self) -> list[Outcome]: ...


def spread(
    submit: Callable[[list[Delivery]], Pending],
    batches: list[list[Delivery]],
    chunk_files: int,
    in_flight: int,
) -> Iterator[list[Outcome]]:
    """Validate every batch as chunks of `chunk_files` through `submit`, in parallel.

    Yields each batch's outcomes, in the order of its files, as soon as its last
    chunk is done, while later chunks go on validating. At most `in_flight` chunks
    are submitted and not yet collected, so memory follows that, not the number
    of new files.
    """
    jobs = [
        (b, chunk) for b, batch in enumerate(batches) for chunk in batches_of(batch, chunk_files)
    ]
    chunks_left = Counter(b for b, _ in jobs)
    queue = iter(jobs)
    pending: deque[tuple[int, Pending]] = deque()
    done: list[Outcome] = []

    def fill() -> None:
        while len(pending) < in_flight and (job := next(queue, None)) is not None:
            pending.append((job[0], submit(job[1])))

    fill()
    while pending:
        b, future = pending.popleft()
        done += future.result()
        fill()
        chunks_left[b] -= 1
        if not chunks_left[b]:
            yield done
            done = []


@dataclass(frozen=True)
class Steps:
    """The steps of an ingest run; the flow passes Prefect tasks wrapping these same functions.

    `schedule(validate, batches, ref, settings)` yields the outcomes of each batch in
    the batches' order: `in_order` in this process, or the flow's Dask version
    (`tasks.ingest.on_dask`), which `spread`s each batch over the cluster.
    """

    discover: Callable = discover
    validate: Validate = validate_deliveries
    write_reports: Callable = write_reports
    write_curated: Callable = write_curated
    write_registry: Callable = curated.add_to_registry
    schedule: Callable[..., Iterator[list[Outcome]]] = in_order


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


def batches_of(deliveries: list[Delivery], size: int) -> list[list[Delivery]]:
    """The new files cut into batches of `size`, in order of delivery."""
    return [deliveries[i : i + size] for i in range(0, len(deliveries), size)]


def run_ingest(
    settings: Settings,
    ref: Reference,
    now: dt.datetime | None = None,
    steps: Steps = Steps(),
) -> IngestSummary:
    """Ingest every new file of every inbox, one ingest per data dir at a time.

    The new files are validated and committed in batches of `settings.batch_files`:
    per batch, one schema validation per section, the error reports, one Delta
    transaction per table, then its registry rows. A batch that is committed stays
    committed if a later one fails; the next run takes up the rest. Memory follows
    the batch size, not the number of new files.
    """
    with ingest_lock(settings.curated_dir):
        # Taken once the lock is held: rows of runs that waited are stamped after the runs
        # they waited for (the quality gate's mark relies on it).
        now = now or dt.datetime.now(dt.UTC)
        registry = curated.read_registry(settings.curated_location, DECISION_COLUMNS)
        new, duplicates, skipped = split_new(steps.discover(settings.raw_dir), registry)
        every: list[Outcome] = []
        pending = duplicate_outcomes(duplicates)
        validated = steps.schedule(
            steps.validate, batches_of(new, settings.batch_files), ref, settings
        )
        # Closed on the way out, also when a commit fails: a Dask schedule then lets go of
        # its cluster (a temporary local one shuts down) before the error goes up.
        with closing(validated):
            for outcomes in validated:
                superseded = resolve_supersession(outcomes, registry)
                _mark_superseded(every, superseded)
                outcomes, pending = outcomes + pending, []
                registry = _commit(outcomes, superseded, registry, ref, settings, now, steps)
                every += outcomes
        if pending:  # only duplicates: nothing to validate
            _commit(pending, [], registry, ref, settings, now, steps)
            every += pending
    return IngestSummary(outcomes=every, skipped=skipped)


def _mark_superseded(earlier: list[Outcome], superseded: list[dict]) -> None:
    """Outcomes of earlier batches of this run that a later batch supersedes say so."""
    by_key = {(o.delivery.sha256, o.delivery.rel): o for o in earlier if o.status == DITERIMA}
    for update in superseded:
        out = by_key.get((update["id_submisi"], update["path"]))
        if out is not None:
            out.status, out.superseded_by = DIGANTIKAN, update["digantikan_oleh"]


def _commit(
    outcomes: list[Outcome],
    superseded: list[dict],
    registry: pl.DataFrame,
    ref: Reference,
    settings: Settings,
    now: dt.datetime,
    steps: Steps,
) -> pl.DataFrame:
    """Write one batch (error reports, tables, then registry); returns the registry after it."""
    steps.write_reports(outcomes, settings, ref)
    keys, rows = curated_writes(outcomes, ref)
    steps.write_curated(keys, rows, settings)
    new_rows = registry_rows(outcomes, now)
    steps.write_registry(settings.curated_location, new_rows, superseded)
    for out in outcomes:
        out.result = None  # the section frames are in the tables now; keep memory per batch
    return updated_registry(registry, new_rows.select(registry.columns), superseded)
