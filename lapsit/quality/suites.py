"""The Great Expectations suites of the curated tables, as plain data.

What must still hold once rows are curated comes from the contract: every
column's rules and every model rule that declares a `curated` expectation
(`schemas/rules/`), with the column's own limits; beside them, what only the
curated tables can say (lineage, registry status, known Polres and stages).
Each expectation says why it holds, in Bahasa Indonesia (shown in Data Docs).
"""

from dataclasses import dataclass

from lapsit.catalog import LINEAGE_COLUMNS, REGISTRY
from lapsit.quality.result import expectation_name
from lapsit.reference import Reference
from schemas.choices import DITERIMA, STATUS_SUBMISI
from schemas.columns import contract_columns, model_rules
from schemas.rules import RULES, expectation

# The accepted submissions of the registry, checked as a table of their own.
ACCEPTED = "submisi_diterima"
# Columns whose values never reach GX (personal data): checked only through the
# substitute their rule declares (`nrp_8_angka`).
PERSONAL_DATA = ("nrp",)


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
    out = _not_null(list(LINEAGE_COLUMNS))
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
    for col in contract_columns(name):
        rules = col.builtin_rules() + [RULES[r] for r in col.rules]
        for rule in rules:
            if col.name in PERSONAL_DATA and rule.id == "wajib_diisi":
                continue  # the column is not there: its substitute says it all
            if (declared := expectation(rule, col)) is not None:
                out.append(Expectation(declared[0], declared[1], declared[2]))
    for rule in model_rules(name):
        if RULES[rule].column is None and (declared := expectation(RULES[rule], None)):
            out.append(Expectation(*declared))
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
