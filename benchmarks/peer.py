"""The peer: what a user would write instead of lapsit, timed over the same files.

A per-file script: each workbook read with pandas (calamine engine, every
sheet), each JSON file with `json` into pandas frames, and every sheet
validated with a pandera model of pandas' backend: the contract's columns and
types, whole numbers >= 0, the choice lists, the code and NRP patterns and the
text length. No lenient casting, no supersession, no lineage, no registry, no
error reports, no Delta tables: only a verdict per file. It is the yardstick
of issue 16 ("≤ 0.3× the per-file peer").
"""

import json
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from schemas.choices import (
    FAKTOR_KERAWANAN,
    JENIS_KEJADIAN,
    SARANA,
    SATGAS,
    STATUS_KEJADIAN,
    STATUS_NETRALITAS,
    TINGKAT_KERAWANAN,
)

COUNT = pa.Column(int, pa.Check.ge(0), coerce=True)
OPTIONAL_COUNT = pa.Column(float, pa.Check.ge(0), nullable=True, coerce=True, required=False)
TEXT = pa.Column(str, coerce=True)
OPTIONAL_TEXT = pa.Column(str, nullable=True, required=False, coerce=True)
KECAMATAN = pa.Column(str, pa.Check.str_matches(r"^\d{2}\.\d{2}\.\d{2}$"), nullable=True)


def _choice(values: tuple[str, ...]) -> pa.Column:
    return pa.Column(str, pa.Check.isin(list(values)))


MODELS: dict[str, pa.DataFrameSchema] = {
    "laporan": pa.DataFrameSchema(
        {
            "kode_polres": TEXT,
            "tanggal": pa.Column("datetime64[ns]", coerce=True),
            "kode_pemilihan": TEXT,
            "kode_tahapan": TEXT,
            "nama_operasi": OPTIONAL_TEXT,
            "pelapor": TEXT,
            "dibuat_pada": pa.Column("datetime64[ns]", nullable=True, coerce=True, required=False),
        },
        checks=pa.Check(lambda df: len(df) == 1),
    ),
    "pengamanan": pa.DataFrameSchema(
        {
            "kode_kecamatan": KECAMATAN,
            "nama_kecamatan": OPTIONAL_TEXT,
            "personel_polri": COUNT,
            "personel_tni": COUNT,
            "personel_linmas": COUNT,
            "jumlah_tps": OPTIONAL_COUNT,
            "kegiatan_diamankan": COUNT,
            "tingkat_kerawanan": _choice(TINGKAT_KERAWANAN),
            "faktor_kerawanan": pa.Column(
                str,
                pa.Check(lambda x: set(x.split(";")) <= set(FAKTOR_KERAWANAN), element_wise=True),
                nullable=True,
                required=False,
                coerce=True,
            ),
            "keterangan": OPTIONAL_TEXT,
        },
        unique=["kode_kecamatan"],
    ),
    "satgas": pa.DataFrameSchema({"satgas": _choice(SATGAS), "personel": COUNT}, unique=["satgas"]),
    "kejadian": pa.DataFrameSchema(
        {
            "waktu": pa.Column("datetime64[ns]", coerce=True),
            "kode_kecamatan": KECAMATAN,
            "nama_kecamatan": OPTIONAL_TEXT,
            "jenis": _choice(JENIS_KEJADIAN),
            "uraian": pa.Column(str, pa.Check.str_length(1, 2000)),
            "korban_luka": OPTIONAL_COUNT,
            "korban_meninggal": OPTIONAL_COUNT,
            "status": _choice(STATUS_KEJADIAN),
        }
    ),
    "netralitas": pa.DataFrameSchema(
        {
            "tanggal_temuan": pa.Column("datetime64[ns]", coerce=True),
            "nrp": pa.Column(str, pa.Check.str_matches(r"^\d{8}$"), coerce=True),
            "pangkat": TEXT,
            "satuan": TEXT,
            "dugaan": TEXT,
            "status": _choice(STATUS_NETRALITAS),
            "sanksi": OPTIONAL_TEXT,
        }
    ),
    "kesiapan": pa.DataFrameSchema(
        {"sarana": _choice(SARANA), "jumlah_siap": COUNT, "jumlah_total": COUNT},
        unique=["sarana"],
    ),
}


def sheets(path: Path) -> dict[str, pd.DataFrame] | None:
    """Every section of a file as a pandas frame; None for a format the peer does not read."""
    if path.suffix == ".xlsx":
        return pd.read_excel(path, sheet_name=None, engine="calamine")
    if path.suffix == ".json":
        doc = json.loads(path.read_bytes())
        return {
            name: pd.DataFrame([rows] if isinstance(rows, dict) else rows)
            for name, rows in doc.items()
            if rows is not None
        }
    return None


def verdict(path: Path) -> bool:
    """Whether one file passes: every known sheet validated by its model, one call each."""
    try:
        found = sheets(path)
    except Exception:
        return False
    if found is None or "laporan" not in found or "pengamanan" not in found:
        return False
    ok = True
    for name, frame in found.items():
        model = MODELS.get(name.strip().lower())
        if model is None:
            continue
        try:
            model.validate(frame, lazy=True)
        except (pa.errors.SchemaErrors, pa.errors.SchemaError):
            ok = False
    return ok
