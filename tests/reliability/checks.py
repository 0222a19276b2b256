"""What the curated tables and the registry must hold, given the files delivered so far.

`Model` records every file put in an inbox with what the contract says of it
(valid or not, its slice, its rows per section); `problems` compares a data
dir against it, either mid-way (after a killed run: each table is some
consistent version, work may be pending) or settled (after a completed run:
exactly what one run over the same files gives).
"""

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from lapsit.catalog import section_tables
from lapsit.settings import Settings
from lapsit.storage import delta
from lapsit.storage.registry import read_registry
from schemas.choices import DIGANTIKAN, DITERIMA, DITOLAK, DUPLIKAT
from schemas.contract import CURATED_SECTIONS
from tests.reliability.inputs import daily, deliver, kalsel, put, revised, sha256
from tests.report.pdf import pdf_text

SLICE = ("kode_polres", "kode_pemilihan", "tanggal")
START = dt.date(2024, 11, 18)


@dataclass(frozen=True)
class Sent:
    """One file put in an inbox."""

    rel: str  # relative to raw/
    sha: str
    received: float  # modification time
    valid: bool
    key: tuple | None = None  # (kode_polres, kode_pemilihan, tanggal) of a valid file
    made: dt.datetime | None = None  # dibuat_pada
    rows: dict[str, int] = field(default_factory=dict)  # rows per curated table


@dataclass
class Model:
    """Every file delivered so far, and what the registry and tables must then say."""

    sent: list[Sent] = field(default_factory=list)

    def add(self, raw_dir: Path, path: Path, sections: dict | None) -> Sent:
        """Record a delivered file; `sections` when it is valid, None when it must be rejected."""
        key = made = None
        rows = {}
        if sections is not None:
            lap = sections["laporan"]
            key = (lap["kode_polres"], lap["kode_pemilihan"], lap["tanggal"])
            made = lap["dibuat_pada"]
            rows = {t: len(sections.get(t) or []) for t in CURATED_SECTIONS}
        sent = Sent(
            rel=path.relative_to(raw_dir).as_posix(),
            sha=sha256(path),
            received=path.stat().st_mtime,
            valid=sections is not None,
            key=key,
            made=made,
            rows=rows,
        )
        self.sent.append(sent)
        return sent

    def firsts(self) -> dict[str, Sent]:
        """The first copy of each content, in order of delivery."""
        out: dict[str, Sent] = {}
        for s in sorted(self.sent, key=lambda s: (s.received, s.rel)):
            out.setdefault(s.sha, s)
        return out

    def statuses(self) -> dict[tuple[str, str], str]:
        """(id_submisi, path) -> the registry status one run over every file gives."""
        firsts = self.firsts()
        winners = self.winners()
        out = {}
        for s in self.sent:
            if firsts[s.sha] is not s:
                out[(s.sha, s.rel)] = DUPLIKAT
            elif not s.valid:
                out[(s.sha, s.rel)] = DITOLAK
            else:
                out[(s.sha, s.rel)] = DITERIMA if winners[s.key] is s else DIGANTIKAN
        return out

    def winners(self) -> dict[tuple, Sent]:
        """The current submission of each slice: the latest made (files here always have one)."""
        out: dict[tuple, Sent] = {}
        for s in self.firsts().values():
            if s.valid and (s.key not in out or (s.made, s.received, s.rel) > _order(out[s.key])):
                out[s.key] = s
        return out

    def by_sha(self) -> dict[str, Sent]:
        return self.firsts()


def _order(s: Sent) -> tuple:
    return (s.made, s.received, s.rel)


def read_tables(curated_dir: Path) -> dict[str, pl.DataFrame]:
    """The current version of every section table (empty frames for tables never written)."""
    out = {}
    for t in section_tables(curated_dir):
        frame = delta.read(t)
        out[t.name] = frame if frame is not None else pl.DataFrame()
    return out


@dataclass
class Verdict:
    """What a comparison found: readable problems, and rows lost or duplicated."""

    problems: list[str] = field(default_factory=list)
    lost: int = 0
    duplicated: int = 0

    def __bool__(self) -> bool:
        return not self.problems


def check(curated_dir: Path, model: Model, *, settled: bool) -> Verdict:
    """Compare the curated tables and the registry with the files delivered.

    Mid-way (settled=False), a crash may have left a run's table writes done
    and its registry write not: rows of a valid, not yet registered
    submission may replace a registered one's. Settled, everything agrees.
    """
    v = Verdict()
    registry = read_registry(curated_dir)
    sent = model.by_sha()
    pairs = list(zip(registry["id_submisi"], registry["path"], strict=True))
    for pair, n in Counter(pairs).items():
        if n > 1:
            v.problems.append(f"registry holds {pair[1]} {n} times")
    status = dict(zip(pairs, registry["status"], strict=True))
    accepted = {sha for (sha, _), st in status.items() if st == DITERIMA}
    registered = {sha for sha, _ in pairs}
    pending = {sha for sha, s in sent.items() if s.valid and sha not in registered}
    pending_keys = {sent[sha].key for sha in pending}
    if settled:
        expected = model.statuses()
        if status != expected:
            wrong = {k: (status.get(k), expected.get(k)) for k in set(status) | set(expected)}
            wrong = {k[1]: s for k, s in wrong.items() if s[0] != s[1]}
            v.problems.append(f"registry statuses (got, expected): {wrong}")
    for name, frame in read_tables(curated_dir).items():
        counts = dict(frame.group_by("id_submisi").len().iter_rows()) if frame.height else {}
        for sha, n in counts.items():
            s = sent.get(sha)
            if s is None or not s.valid:
                v.problems.append(f"{name}: {n} rows of a file that is not a valid submission")
                v.duplicated += n
                continue
            want = s.rows[name]
            if n != want:
                v.problems.append(f"{name}: {s.rel} has {n} rows, its file {want}")
                v.lost += max(0, want - n)
                v.duplicated += max(0, n - want)
            if sha not in accepted and not (sha in pending and not settled):
                st = {p: x for (h, p), x in status.items() if h == sha}
                v.problems.append(f"{name}: rows of {s.rel}, registered {st}")
                v.duplicated += n
        if frame.height:
            per_slice = frame.group_by(*SLICE).agg(pl.col("id_submisi").n_unique().alias("n"))
            for row in per_slice.filter(pl.col("n") > 1).iter_rows(named=True):
                v.problems.append(f"{name}: {row['n']} submissions in one slice {row}")
        for sha in accepted:
            s = sent.get(sha)
            want = s.rows.get(name, 0) if s else 0
            if want and sha not in counts:
                if not settled and s.key in pending_keys:
                    continue  # a newer submission of its slice was written, not yet registered
                v.problems.append(f"{name}: accepted {s.rel} has no rows")
                v.lost += want
    if settled and pending:
        v.problems.append(f"{len(pending)} valid files never registered")
    return v


def check_history(curated_dir: Path, model: Model) -> Verdict:
    """Every version of every section table holds whole submissions, one per slice."""
    v = Verdict()
    sent = model.by_sha()
    for t in section_tables(curated_dir):
        latest = delta.version(t)
        for version in range(latest + 1 if latest is not None else 0):
            frame = delta.read(t, as_of=version)
            if frame is None or frame.height == 0:
                continue
            for sha, n in frame.group_by("id_submisi").len().iter_rows():
                want = sent[sha].rows[t.name] if sha in sent else 0
                if n != want:
                    v.problems.append(
                        f"{t.name} v{version}: {n} rows of {sha[:8]}, file has {want}"
                    )
                    v.lost += max(0, want - n)
                    v.duplicated += max(0, n - want)
            if (
                frame.group_by(*SLICE)
                .agg(pl.col("id_submisi").n_unique())
                .filter(pl.col("id_submisi") > 1)
                .height
            ):
                v.problems.append(f"{t.name} v{version}: a slice holds two submissions")
    return v


def table_multisets(curated_dir: Path) -> dict[str, list[tuple]]:
    """Every section table's rows (sorted, as tuples) and the registry's outcome columns."""
    out = {}
    for name, frame in read_tables(curated_dir).items():
        if frame.height:
            lists = [c for c, d in frame.schema.items() if isinstance(d, pl.List)]
            frame = frame.with_columns(pl.col(lists).list.join(";")).select(sorted(frame.columns))
        out[name] = sorted(frame.rows(), key=repr)
    registry = read_registry(curated_dir).select(
        "id_submisi", "path", "kode_polres", "status", "digantikan_oleh", "jumlah_galat"
    )
    out["submisi"] = sorted(registry.rows(), key=repr)
    return out


def differences(a: dict[str, list[tuple]], b: dict[str, list[tuple]]) -> dict[str, tuple]:
    """Per table: (rows only in a, rows only in b), for tables that differ."""
    out = {}
    for name in sorted(set(a) | set(b)):
        ca, cb = Counter(a.get(name, [])), Counter(b.get(name, []))
        if ca != cb:
            out[name] = (sum((ca - cb).values()), sum((cb - ca).values()))
    return out


def deliver_day(settings: Settings, model: Model, n: int) -> int:
    """Day `n` of the season for every Polres, a revision of day n-1 for two, and rejects."""
    raw, day = settings.catalog.raw_dir, START + dt.timedelta(days=n)
    codes = kalsel()
    count = 0
    last = None
    for i, kode in enumerate(codes):
        sections, at = daily(kode, day)
        name = f"{day}.xlsx" if (i + n) % 4 == 0 else f"{day}.json"
        path = deliver(raw, kode, name, sections, at)
        model.add(raw, path, sections)
        last = (kode, path, at)
        count += 1
    if n:
        for kode in (codes[n % 13], codes[(n + 5) % 13]):
            sections, at = daily(kode, day - dt.timedelta(days=1))
            late = at + dt.timedelta(days=1, minutes=20)
            path = deliver(raw, kode, f"{day}-revisi-kemarin.xlsx", revised(sections), late)
            model.add(raw, path, revised(sections))
            count += 1
    victim, claimed = codes[n % 13], codes[(n + 1) % 13]
    sections, at = daily(claimed, day)
    sections["laporan"]["pelapor"] += " (salinan)"  # not the bytes of the Polres's own file
    model.add(raw, deliver(raw, victim, f"{day}-milik-{claimed}.xlsx", sections, at), None)
    noise = random.Random(n).randbytes(3000)
    model.add(raw, put(raw, codes[(n + 2) % 13], f"{day}-acak.xlsx", noise, at), None)
    kode, path, at = last
    copy = put(raw, kode, f"{day}-kirim-ulang.xlsx", path.read_bytes(), at + dt.timedelta(hours=1))
    model.add(raw, copy, daily(kode, day)[0])
    return count + 3


def nrp_leaks(data_dir: Path, nrps: set[str], texts: tuple[str, ...] = ()) -> tuple[list[str], int]:
    """Where a planted NRP appears whole, and how many outputs were searched.

    Searched: every file under reports/ (error reports, situation reports; their
    names too), the registry's errors and error-report paths, and `texts`
    (captured logs, Prefect run names and messages). The curated `netralitas`
    table and the registry's `path` keep what the Polres sent, as stored data.
    """
    hits: list[str] = []
    searched = 0

    def search(where: str, text: str) -> None:
        nonlocal searched
        searched += 1
        hits.extend(f"{where}: {nrp}" for nrp in nrps if nrp in text)

    reports = data_dir / "reports"
    for path in sorted(reports.rglob("*")) if reports.is_dir() else []:
        if path.is_file():
            rel = path.relative_to(data_dir).as_posix()
            # A PDF's text is compressed: search what a reader sees (pypdf), not its bytes.
            text = (
                pdf_text(path)
                if path.suffix == ".pdf"
                else path.read_bytes().decode("utf-8", "replace")
            )
            search(rel, rel + "\n" + text)
    registry = read_registry(data_dir / "curated")
    for path, galat, report in registry.select("path", "galat", "laporan_galat").iter_rows():
        search(f"registry galat of {path}", f"{galat}\n{report}")
    for i, text in enumerate(texts):
        search(f"text {i}", text)
    return hits, searched
