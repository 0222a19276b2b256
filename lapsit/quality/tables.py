"""The curated tables as the gate checks them: read (all, or only what is new), then prepared.

Personal data never reaches GX: `nrp` is replaced by whether it is 8 digits,
because Data Docs show unexpected values.
"""

import datetime as dt

import polars as pl

from lapsit.catalog import REGISTRY, Where, table
from lapsit.errors import UnreadableTableError
from lapsit.quality.suites import ACCEPTED
from lapsit.reference import Reference
from lapsit.storage import delta
from lapsit.storage.registry import read_registry
from schemas.choices import DITERIMA
from schemas.contract import CURATED_SECTIONS, NRP_PATTERN

# Columns that place a row in a submission slice.
SLICE = ("kode_polres", "kode_pemilihan", "tanggal")
# Section tables with a kecamatan, which must lie in the Polres's jurisdiction.
WITH_KECAMATAN = ("pengamanan", "kejadian")


def prepare(name: str, frame: pl.DataFrame, registry: pl.DataFrame, ref: Reference) -> pl.DataFrame:
    """A curated table as GX checks it: lookups joined in, lists as text, no NRP."""
    if name in (REGISTRY, ACCEPTED):
        return frame.drop("galat")
    status = registry.select("id_submisi", pl.col("status").alias("status_submisi")).unique(
        "id_submisi", keep="first"
    )
    frame = frame.join(status, on="id_submisi", how="left")
    if name in WITH_KECAMATAN:
        wilayah = ref.kecamatan.select(
            "kode_kecamatan", pl.col("kode_polres").alias("polres_wilayah")
        )
        frame = frame.join(wilayah, on="kode_kecamatan", how="left")
    lists = [c for c, d in frame.schema.items() if isinstance(d, pl.List)]
    frame = frame.with_columns(pl.col(c).list.join(";") for c in lists)
    if "nrp" in frame.columns:
        frame = frame.with_columns(
            pl.col("nrp").str.contains(NRP_PATTERN).fill_null(False).alias("nrp_8_angka")
        ).drop("nrp")
    return frame


def read_tables(
    curated_dir: Where, ref: Reference, since: dt.datetime | None = None
) -> tuple[dict[str, pl.DataFrame], dict]:
    """The curated tables prepared for GX (only what `since` covers, when given), and versions.

    With `since`, the registry rows processed after it decide the scope: those
    rows, every registry row with the same file content or the same Polres,
    election and date (uniqueness is checked against them), and the section rows
    of those slices. A table that cannot be read raises: the gate must not pass
    on data it did not see. Tables never written, or with nothing in scope, are
    left out.
    """
    registry = _read(REGISTRY, curated_dir, lambda: read_registry(curated_dir))
    keys = None
    if since is not None:
        new = registry.filter(pl.col("diproses_pada") > since)
        keys = new.select(SLICE).drop_nulls().unique()
        registry = pl.concat(
            [
                registry.join(keys, on=list(SLICE), how="semi"),
                registry.filter(pl.col("id_submisi").is_in(new["id_submisi"].implode())),
            ]
        ).unique(maintain_order=True)
    frames: dict[str, pl.DataFrame] = {}
    versions: dict[str, int | None] = {}
    for name in (*CURATED_SECTIONS, REGISTRY):
        t = table(curated_dir, name)
        versions[name] = _read(name, curated_dir, lambda t=t: delta.version(t))
        if versions[name] is None:
            continue
        if name == REGISTRY:
            frame = registry
        else:
            frame = _read(name, curated_dir, lambda t=t: _section(t, keys))
            if frame is None:
                raise UnreadableTableError(
                    f"Tabel kurasi {name} di {curated_dir} tidak dapat dibaca."
                )
        if keys is not None and frame.height == 0:
            continue
        frames[name] = prepare(name, frame, registry, ref)
    if REGISTRY in frames:
        accepted = registry.filter(pl.col("status") == DITERIMA)
        if accepted.height or keys is None:
            frames[ACCEPTED] = prepare(ACCEPTED, accepted, registry, ref)
    return frames, versions


def _section(t, keys: pl.DataFrame | None) -> pl.DataFrame | None:
    """A section table, or only its rows in the slices of `keys`."""
    if keys is None:
        return delta.read(t)
    if not delta.exists(t):
        return None
    scan = pl.scan_delta(t.uri, storage_options=t.storage_options).filter(
        pl.col("kode_polres").is_in(keys["kode_polres"].unique().implode())
        & pl.col("tanggal").is_in(keys["tanggal"].unique().implode())
    )
    return scan.join(keys.lazy(), on=list(SLICE), how="semi").collect()


def _read(name: str, curated_dir: Where, read):
    try:
        return read()
    except Exception as exc:  # deltalake and Polars raise many kinds; all mean unreadable
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UnreadableTableError(
            f"Tabel kurasi {name} di {curated_dir} tidak dapat dibaca: {first}"
        ) from exc
