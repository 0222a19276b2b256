"""Flow parameters as the Prefect UI's run form shows them: Indonesian labels and help text."""

from typing import Annotated, Literal

from pydantic import Field
from pydantic.fields import FieldInfo


def label(title: str, description: str) -> FieldInfo:
    """A form field with an Indonesian label and help text.

    Prefect titles every parameter with its Python name; `json_schema_extra`
    is applied last, so the label set there is the one the UI shows.
    """
    return Field(
        title=title,
        description=description,
        json_schema_extra={"title": title, "description": description},
    )


TanggalLaporan = Annotated[
    str | None,
    label(
        "Tanggal laporan",
        "Tanggal laporan situasi, YYYY-MM-DD. Kosongkan untuk hari ini menurut zona waktu "
        "masing-masing Polda.",
    ),
]
KodePolda = Annotated[
    str | None,
    label(
        "Kode Polda",
        "Kode Polda di polres.csv, misalnya kalsel. Kosongkan untuk semua Polda.",
    ),
]
FolderData = Annotated[
    str,
    label(
        "Folder data",
        "Folder data lapsit (berisi raw/, curated/, reports/). Jalur relatif dibaca dari "
        "folder kerja proses yang menjalankan flow.",
    ),
]
# For flows whose date is required (the report flow) and for reproducing a past version.
TanggalWajib = Annotated[
    str, label("Tanggal laporan", "Tanggal laporan situasi, YYYY-MM-DD, misalnya 2024-11-20.")
]
VersiRegistri = Annotated[
    int | None,
    label(
        "Versi registri",
        "Buat ulang laporan sesuai versi tabel submisi ini. Kosongkan untuk data terbaru.",
    ),
]
PeringatanKualitas = Annotated[
    list[str] | None,
    label(
        "Peringatan kualitas",
        "Peringatan gerbang kualitas yang ditampilkan di atas laporan (diisi oleh run malam).",
    ),
]
# How the ingest validates new files (SPEC §6, beyond one machine).
PelaksanaTugas = Annotated[
    Literal["default", "dask"],
    label(
        "Pelaksana validasi",
        "default: berkas baru divalidasi di proses flow ini. dask: divalidasi paralel di "
        "worker klaster Dask (alamat di bawah, atau klaster lokal sementara bila kosong).",
    ),
]
AlamatDask = Annotated[
    str | None,
    label(
        "Alamat klaster Dask",
        "Alamat scheduler Dask yang sudah berjalan, misalnya tcp://dask-scheduler:8786; "
        "hanya untuk pelaksana dask. Kosongkan untuk klaster lokal sementara.",
    ),
]
Nasional = Annotated[
    bool,
    label(
        "Laporan nasional",
        "Buat rekapitulasi nasional seluruh Polda (reports/nasional/<tanggal>/) sebagai ganti "
        "laporan per Polda.",
    ),
]
