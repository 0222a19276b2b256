"""The quality gate: a Great Expectations suite per curated table, run after ingestion.

The suites are plain data (`suites`): which expectation, on which columns,
why (in Bahasa Indonesia, shown in Data Docs). `run_gate` reads the current
curated tables, runs one checkpoint per table in an ephemeral GX context and
writes Data Docs as a static site under `reports/data-docs/`.

Two scopes (`lingkup`): `penuh` checks the whole tables; `baru` checks only what
was ingested since the last gate that passed (the registry rows processed since
then, and every row sharing their Polres, election and date, in the registry
and in the section tables), so that the nightly's gate costs what the night
brought, not the history. The mark is kept in `curated/.gerbang-kualitas.json`
and moves only when a gate passes: a failure is checked again every night until
it is mended. A weekly run checks the whole tables (`flows/serve.py`).

Great Expectations takes ~7 s to import, so it is imported inside
`run_checkpoints` only: nothing the CLI imports at start-up pulls it in.
Personal data never reaches GX: `nrp` is replaced by whether it is 8 digits,
because Data Docs show unexpected values.
"""

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from lapsit import curated
from lapsit.catalog import LINEAGE_COLUMNS, REGISTRY, Where, table
from lapsit.errors import mask_nrp
from lapsit.ingest import ingest_lock
from lapsit.reference import Reference
from lapsit.settings import Settings
from schemas.choices import DITERIMA, STATUS_SUBMISI
from schemas.contract import CURATED_SECTIONS, NRP_PATTERN, columns

DOCS_SITE = "lapsit"
# Scopes of the gate: everything, or what was ingested since the last gate that passed.
PENUH, BARU = "penuh", "baru"
MARK = ".gerbang-kualitas.json"
# Columns that place a row in a submission slice.
SLICE = ("kode_polres", "kode_pemilihan", "tanggal")
# The accepted submissions of the registry, checked as a table of their own.
ACCEPTED = "submisi_diterima"
# The key of each section table within one submission (kejadian and netralitas have none).
SECTION_KEYS = {
    "pengamanan": ("id_submisi", "kode_kecamatan"),
    "satgas": ("id_submisi", "satgas"),
    "kesiapan": ("id_submisi", "sarana"),
}
# Section tables with a kecamatan, which must lie in the Polres's jurisdiction.
WITH_KECAMATAN = ("pengamanan", "kejadian")
SAMPLE = 3


class TabelRusak(Exception):
    """A curated table that cannot be read: the gate stops instead of passing unseen data."""


@dataclass(frozen=True)
class Expectation:
    """One expectation: its GX class name, its arguments and why it holds (Indonesian)."""

    kind: str
    kwargs: dict
    notes: str

    @property
    def name(self) -> str:
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in self.kind).lstrip("_")
        return expectation_name(snake, self.kwargs)


def expectation_name(kind: str, kwargs: dict) -> str:
    """`expect_column_values_to_not_be_null(kode_polres)`: how a failure is named."""
    cols = kwargs.get("column") or kwargs.get("column_list")
    if cols is None and "column_A" in kwargs:
        cols = [kwargs["column_A"], kwargs["column_B"]]
    shown = ", ".join(cols) if isinstance(cols, list) else cols
    return f"{kind}({shown})" if shown else kind


@dataclass(frozen=True)
class Failure:
    """A failing expectation: which table, which expectation, how many rows, a few of them."""

    table: str
    expectation: str
    notes: str
    unexpected: int | None
    sample: list[str]

    def describe(self) -> str:
        count = f": {self.unexpected} baris" if self.unexpected else ""
        sample = f" (contoh: {', '.join(self.sample)})" if self.sample else ""
        return mask_nrp(f"{self.table}.{self.expectation}{count}{sample}")


@dataclass
class QualityResult:
    """The outcome of the quality gate over the current curated tables."""

    success: bool
    # Rows checked per table; tables never written are absent.
    checked: dict[str, int]
    versions: dict[str, int | None]
    failures: list[Failure] = field(default_factory=list)
    docs_index: Path | None = None
    evaluated: int = 0
    lingkup: str = PENUH
    # With `baru`: the rows ingested from this moment on were checked.
    sejak: dt.datetime | None = None

    def scope_text(self) -> str:
        """What was checked, in words."""
        if self.lingkup == PENUH:
            return "seluruh tabel"
        return f"data baru sejak {self.sejak.isoformat(timespec='seconds')}"

    def summary(self) -> str:
        """One line: passed, or which expectations failed."""
        if self.success:
            if not self.checked:
                return (
                    f"Gerbang kualitas lolos: tidak ada data untuk diperiksa ({self.scope_text()})."
                )
            return (
                f"Gerbang kualitas lolos: {self.evaluated} ekspektasi pada "
                f"{len(self.checked)} tabel ({self.scope_text()})."
            )
        names = "; ".join(f.describe() for f in self.failures)
        return (
            f"Gerbang kualitas GAGAL ({len(self.failures)} ekspektasi, {self.scope_text()}): "
            f"{names}"
        )

    def warnings(self) -> list[str]:
        """What a report shows when the gate failed (empty when it passed)."""
        if self.success:
            return []
        docs = f" Rincian: {self.docs_index}" if self.docs_index else ""
        return [
            "Pemeriksaan kualitas data (Great Expectations) gagal; angka laporan ini "
            f"mungkin tidak benar.{docs}",
            *(f"Ekspektasi gagal: {f.describe()}" for f in self.failures),
        ]


def _e(kind: str, notes: str, **kwargs) -> Expectation:
    return Expectation(kind, kwargs, notes)


def _not_null(cols: list[str]) -> list[Expectation]:
    return [
        _e("ExpectColumnValuesToNotBeNull", "Kolom wajib tidak boleh kosong.", column=c)
        for c in cols
    ]


def _known_stage(ref: Reference) -> Expectation:
    pairs = sorted(ref.tahapan.select("kode_pemilihan", "kode_tahapan").iter_rows())
    return _e(
        "ExpectColumnPairValuesToBeInSet",
        "Setiap baris berada pada pemilihan dan tahapan yang ada di tahapan.csv.",
        column_A="kode_pemilihan",
        column_B="kode_tahapan",
        value_pairs_set=[list(p) for p in pairs],
    )


def section_suite(name: str, ref: Reference) -> list[Expectation]:
    """The expectations of one section table (SPEC §3 rules that must still hold when curated)."""
    contract = columns(name)
    required = [c for c, meta in contract.items() if not meta["nullable"] and c != "nrp"]
    out = _not_null([*LINEAGE_COLUMNS, *required])
    out.append(
        _e(
            "ExpectColumnPairValuesToBeInSet",
            "Setiap Polres dikenal di polres.csv dan termasuk Polda yang tercatat.",
            column_A="kode_polda",
            column_B="kode_polres",
            value_pairs_set=[
                list(p) for p in sorted(ref.polres.select("kode_polda", "kode_polres").iter_rows())
            ],
        )
    )
    out.append(_known_stage(ref))
    out.append(
        _e(
            "ExpectColumnValuesToBeInSet",
            "Setiap baris berasal dari submisi yang berstatus diterima di registri.",
            column="status_submisi",
            value_set=[DITERIMA],
        )
    )
    if name in SECTION_KEYS:
        out.append(
            _e(
                "ExpectCompoundColumnsToBeUnique",
                "Kunci unik dalam satu submisi.",
                column_list=list(SECTION_KEYS[name]),
            )
        )
    if name in WITH_KECAMATAN:
        out.append(
            _e(
                "ExpectColumnPairValuesToBeEqual",
                "Kecamatan berada di wilayah hukum Polres pelapor (polres.csv).",
                column_A="kode_polres",
                column_B="polres_wilayah",
            )
        )
    for c, meta in contract.items():
        if meta["kind"] == "int":
            out.append(
                _e(
                    "ExpectColumnValuesToBeBetween",
                    "Jumlah tidak boleh negatif.",
                    column=c,
                    min_value=0,
                )
            )
        elif meta["kind"] == "choice":
            out.append(
                _e(
                    "ExpectColumnValuesToBeInSet",
                    "Nilai dari daftar pilihan kontrak.",
                    column=c,
                    value_set=list(meta["choices"]),
                )
            )
        elif meta["kind"] == "choice_list":
            item = "(?:" + "|".join(meta["choices"]) + ")"
            out.append(
                _e(
                    "ExpectColumnValuesToMatchRegex",
                    "Setiap butir daftar dari pilihan kontrak (dipisah ';').",
                    column=c,
                    regex=f"^{item}(?:;{item})*$",
                )
            )
    if name == "kejadian":
        out.append(
            _e(
                "ExpectColumnValueLengthsToBeBetween",
                "Uraian 1 sampai 2000 karakter.",
                column="uraian",
                min_value=1,
                max_value=2000,
            )
        )
    if name == "netralitas":
        out.append(
            _e(
                "ExpectColumnValuesToBeInSet",
                "NRP terdiri dari 8 angka (nilainya sendiri tidak diperiksa di sini).",
                column="nrp_8_angka",
                value_set=[True],
            )
        )
    if name == "kesiapan":
        out.append(
            _e(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                "Jumlah siap tidak melebihi jumlah total.",
                column_A="jumlah_total",
                column_B="jumlah_siap",
                or_equal=True,
            )
        )
    return out


def registry_suite() -> list[Expectation]:
    """Every file received: identity, path and status."""
    return [
        *_not_null(["id_submisi", "path", "kode_polres", "waktu_terima", "status"]),
        _e(
            "ExpectCompoundColumnsToBeUnique",
            "Satu baris per berkas (isi dan jalur).",
            column_list=["id_submisi", "path"],
        ),
        _e(
            "ExpectColumnValuesToBeInSet",
            "Status dari daftar status submisi.",
            column="status",
            value_set=list(STATUS_SUBMISI),
        ),
        _e(
            "ExpectColumnValuesToBeBetween",
            "Jumlah galat tidak negatif.",
            column="jumlah_galat",
            min_value=0,
        ),
    ]


def accepted_suite(ref: Reference) -> list[Expectation]:
    """The accepted submissions: known Polres and stage, one per Polres, election and date."""
    return [
        *_not_null(["kode_pemilihan", "kode_tahapan", "tanggal"]),
        _e(
            "ExpectColumnValuesToBeInSet",
            "Polres dikenal di polres.csv.",
            column="kode_polres",
            value_set=sorted(ref.polres["kode_polres"]),
        ),
        _known_stage(ref),
        _e(
            "ExpectCompoundColumnsToBeUnique",
            "Satu submisi diterima per Polres, pemilihan dan tanggal.",
            column_list=["kode_polres", "kode_pemilihan", "tanggal"],
        ),
        _e(
            "ExpectColumnValuesToBeUnique",
            "Satu isi berkas diterima satu kali.",
            column="id_submisi",
        ),
        _e(
            "ExpectColumnValuesToBeBetween",
            "Submisi diterima tidak punya galat.",
            column="jumlah_galat",
            min_value=0,
            max_value=0,
        ),
    ]


def suites(names: list[str], ref: Reference) -> dict[str, list[Expectation]]:
    """The suite of each table to check, by table name."""
    out = {}
    for name in names:
        if name == REGISTRY:
            out[name] = registry_suite()
        elif name == ACCEPTED:
            out[name] = accepted_suite(ref)
        else:
            out[name] = section_suite(name, ref)
    return out


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
    registry = _read(REGISTRY, curated_dir, lambda: curated.read_registry(curated_dir))
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
        versions[name] = _read(name, curated_dir, lambda t=t: curated.version(t))
        if versions[name] is None:
            continue
        if name == REGISTRY:
            frame = registry
        else:
            frame = _read(name, curated_dir, lambda t=t: _section(t, keys))
            if frame is None:
                raise TabelRusak(f"Tabel kurasi {name} di {curated_dir} tidak dapat dibaca.")
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
        return curated.read(t)
    if not curated.exists(t):
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
        raise TabelRusak(
            f"Tabel kurasi {name} di {curated_dir} tidak dapat dibaca: {first}"
        ) from exc


def run_checkpoints(
    frames: dict[str, pl.DataFrame],
    expectations: dict[str, list[Expectation]],
    docs_dir: Path,
) -> tuple[list[Failure], int, Path]:
    """Run one GX checkpoint per table and build Data Docs; (failures, evaluated, docs index)."""
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    docs_dir.mkdir(parents=True, exist_ok=True)
    config = DataContextConfig(
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites={
            DOCS_SITE: {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir.resolve()),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    # One run for every table, so that Data Docs list them together.
    run_id = RunIdentifier(run_name="gerbang-kualitas", run_time=dt.datetime.now(dt.UTC))
    source = context.data_sources.add_pandas("lapsit")
    failures: list[Failure] = []
    evaluated = 0
    for name, frame in frames.items():
        batch = source.add_dataframe_asset(name=name).add_batch_definition_whole_dataframe(name)
        suite = context.suites.add(gx.ExpectationSuite(name=name))
        for e in expectations[name]:
            suite.add_expectation(getattr(gx.expectations, e.kind)(**e.kwargs, notes=e.notes))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch, suite=suite)
        )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=f"lapsit-{name}",
                validation_definitions=[definition],
                result_format={"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE},
            )
        )
        result = checkpoint.run(batch_parameters={"dataframe": frame.to_pandas()}, run_id=run_id)
        for run in result.run_results.values():
            evaluated += len(run.results)
            failures += [_failure(name, r) for r in run.results if not r.success]
    sites = context.build_data_docs(site_names=[DOCS_SITE])
    index = Path(sites[DOCS_SITE].removeprefix("file://"))
    return failures, evaluated, index


def _failure(name: str, r) -> Failure:
    """A failing GX expectation result as a Failure (a raised exception counts as failing)."""
    info = r.exception_info or {}
    raised = info.get("raised_exception") if isinstance(info, dict) else False
    result = r.result or {}
    if raised:
        sample = [str(info.get("exception_message", ""))[:200]]
    else:
        sample = [str(v) for v in (result.get("partial_unexpected_list") or [])[:SAMPLE]]
    config = r.expectation_config
    return Failure(
        table=name,
        expectation=expectation_name(config.type, dict(config.kwargs)),
        notes=config.notes or "",
        unexpected=result.get("unexpected_count"),
        sample=[mask_nrp(s) for s in sample],
    )


def run_gate(settings: Settings, ref: Reference, lingkup: str = PENUH) -> QualityResult:
    """Check the curated tables (all, or what is new since the last pass); Data Docs as well.

    `baru` without a mark yet (the first gate) checks everything. When the gate
    passes, the mark moves to the newest registry row it saw.
    """
    if lingkup not in (PENUH, BARU):
        raise ValueError(f"Lingkup '{lingkup}' tidak dikenal: pilih '{PENUH}' atau '{BARU}'.")
    since = read_mark(settings) if lingkup == BARU else None
    # Read under the ingest lock: no batch of a running ingest is committed half-seen, so
    # the mark (the newest row read) never passes over rows committed after the read.
    with ingest_lock(settings.curated_dir):
        frames, versions = read_tables(settings.curated_location, ref, since)
    scope = {"lingkup": BARU if since is not None else PENUH, "sejak": since}
    if not frames:
        return QualityResult(success=True, checked={}, versions=versions, **scope)
    failures, evaluated, index = run_checkpoints(
        frames, suites(list(frames), ref), docs_dir(settings)
    )
    result = QualityResult(
        success=not failures,
        checked={name: frame.height for name, frame in frames.items()},
        versions=versions,
        failures=failures,
        docs_index=index,
        evaluated=evaluated,
        **scope,
    )
    if result.success and REGISTRY in frames:
        write_mark(settings, frames[REGISTRY]["diproses_pada"].max())
    return result


def read_mark(settings: Settings) -> dt.datetime | None:
    """Where the last gate that passed left off (None: never, or the mark is unreadable)."""
    try:
        text = json.loads((settings.curated_dir / MARK).read_text(encoding="utf-8"))
        return dt.datetime.fromisoformat(text["diperiksa_sampai"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # check everything: never less than asked


def write_mark(settings: Settings, newest: dt.datetime | None) -> None:
    """Move the mark to `newest` (the latest `diproses_pada` checked); never backwards."""
    if newest is None:
        return
    current = read_mark(settings)
    if current is not None and current >= newest:
        return
    path = settings.curated_dir / MARK
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"diperiksa_sampai": newest.isoformat()}), encoding="utf-8")
    os.replace(tmp, path)


def docs_dir(settings: Settings) -> Path:
    """Where Data Docs are written: `reports/data-docs/` of the data dir."""
    return settings.reports_dir / "data-docs"


def markdown(result: QualityResult, now: dt.datetime | None = None) -> str:
    """The gate's outcome as Markdown for a Prefect artifact, linking Data Docs."""
    now = now or dt.datetime.now(dt.UTC)
    lines = [
        "# Gerbang kualitas data",
        "",
        f"**{'LOLOS' if result.success else 'GAGAL'}**: {result.summary()}",
        "",
        f"Lingkup: {result.scope_text()}.",
        "",
    ]
    if result.docs_index:
        lines += [
            f"Data Docs: [{result.docs_index}]({result.docs_index.resolve().as_uri()})",
            "",
        ]
    lines += ["| tabel | baris | versi |", "| --- | ---: | ---: |"]
    for name, rows in result.checked.items():
        version = result.versions.get(name if name != ACCEPTED else REGISTRY)
        lines.append(f"| {name} | {rows} | {version if version is not None else '-'} |")
    if result.failures:
        lines += ["", "## Ekspektasi gagal", "", "| tabel | ekspektasi | baris | contoh |"]
        lines.append("| --- | --- | ---: | --- |")
        for f in result.failures:
            sample = ", ".join(f.sample).replace("|", "\\|")
            lines.append(f"| {f.table} | {f.expectation} | {f.unexpected or '-'} | {sample} |")
    lines += ["", f"Diperiksa {now.isoformat(timespec='seconds')}."]
    return mask_nrp("\n".join(lines))
