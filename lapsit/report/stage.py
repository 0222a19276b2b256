"""Who a report covers (Polda or one Polres) and the election stage in force on its date."""

import datetime as dt
from dataclasses import dataclass

import polars as pl

from lapsit.reference import Reference, stage_on


@dataclass(frozen=True)
class Scope:
    """The Polres a report covers: every Polres of a Polda, or one of them."""

    kode_polda: str
    nama_polda: str
    zona_waktu: str
    # kode_polres, nama_polres of the covered Polres, in polres.csv order.
    polres: pl.DataFrame
    kode_polres: str | None = None

    @property
    def codes(self) -> list[str]:
        return self.polres["kode_polres"].to_list()

    @property
    def kode(self) -> str:
        """The code a report file is named by: the Polres's, else the Polda's."""
        return self.kode_polres or self.kode_polda

    @property
    def nama(self) -> str:
        if self.kode_polres is None:
            return self.nama_polda
        return self.polres["nama_polres"][0]

    def only(self, kode_polres: str) -> "Scope":
        """The scope of one Polres of this Polda."""
        polres = self.polres.filter(pl.col("kode_polres") == kode_polres)
        return Scope(self.kode_polda, self.nama_polda, self.zona_waktu, polres, kode_polres)


def polda_scope(ref: Reference, kode_polda: str) -> Scope:
    """Every Polres of a Polda; its time zone is the one most of its Polres use."""
    polres = ref.polres.filter(pl.col("kode_polda") == kode_polda)
    if polres.height == 0:
        raise KeyError(kode_polda)
    zone = polres["zona_waktu"].mode().sort()[0]
    return Scope(
        kode_polda, polres["nama_polda"][0], zone, polres.select("kode_polres", "nama_polres")
    )


@dataclass(frozen=True)
class Stage:
    """An election stage and the report date's day number within it."""

    kode_pemilihan: str
    kode_tahapan: str
    nama_tahapan: str
    mulai: dt.date
    selesai: dt.date
    hari_ke: int
    # Whether the submissions of the date declared it (else taken from tahapan.csv).
    dilaporkan: bool

    @property
    def lama(self) -> int:
        return (self.selesai - self.mulai).days + 1


def stage_in_force(ref: Reference, declared: pl.DataFrame, tanggal: dt.date) -> Stage | None:
    """The stage most submissions of the date declared, else the stage in force (`stage_on`).

    `declared` holds kode_pemilihan, kode_tahapan of the date's accepted
    submissions. Ties go to the stage that started last, then the one that ends
    first (voting day starts both voting and counting).
    """
    stages = ref.tahapan
    counts = declared.group_by("kode_pemilihan", "kode_tahapan").len()
    picked = (
        stages.join(counts, on=["kode_pemilihan", "kode_tahapan"], how="inner")
        .sort(["len", "mulai", "selesai"], descending=[True, True, False])
        .head(1)
    )
    dilaporkan = picked.height > 0
    if dilaporkan:
        row = picked.row(0, named=True)
    elif (row := stage_on(ref, tanggal)) is None:
        return None
    return Stage(
        row["kode_pemilihan"],
        row["kode_tahapan"],
        row["nama_tahapan"],
        row["mulai"],
        row["selesai"],
        (tanggal - row["mulai"]).days + 1,
        dilaporkan,
    )
