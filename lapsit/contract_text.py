"""The contract in words (Bahasa Indonesia), for the Excel template and the published docs.

Columns, kinds, choices and limits are read from the pandera models
(`schemas/contract.py`), and which sheet rule is reported on which column from
the validator; this module adds only the words. Tests check that every rule of
the models has its words here, so a new rule cannot go undocumented.
"""

import datetime as dt
from dataclasses import dataclass

from lapsit.errors import RULES, WARNING
from lapsit.validate import RULE_COLUMN
from schemas.contract import KODE_KECAMATAN_PATTERN, NRP_PATTERN, SECTIONS, columns

# What each section holds and its grain.
SECTION_DOCS: dict[str, str] = {
    "laporan": "Identitas laporan. Tepat satu baris (baris 2).",
    "pengamanan": (
        "Pengamanan yang digelar: satu baris per kecamatan yang diamankan hari itu, "
        "minimal satu baris."
    ),
    "satgas": "Personel per Satgas (satuan tugas): satu baris per Satgas.",
    "kejadian": "Kejadian menonjol: satu baris per kejadian.",
    "netralitas": "Kasus dugaan pelanggaran netralitas Polri: satu baris per kasus.",
    "kesiapan": "Kesiapan sarana (apel kesiapan): satu baris per jenis sarana.",
}

# The kind of a column in one word or two.
KIND_NAMES: dict[str, str] = {
    "text": "teks",
    "int": "bilangan bulat",
    "date": "tanggal",
    "datetime": "tanggal dan jam",
    "choice": "pilihan",
    "choice_list": "daftar pilihan",
    "kecamatan": "kode kecamatan",
}

# What is accepted for each kind: the leniency rules of SPEC §3.
KIND_FORMATS: dict[str, str] = {
    "text": "Teks bebas. Spasi di awal dan akhir diabaikan.",
    "int": (
        'Angka bulat, misalnya 12. Angka yang diketik sebagai teks ("12") atau 12.0 '
        'dibaca sebagai 12; 12,5 atau "dua belas" ditolak.'
    ),
    "date": (
        "Sel tanggal Excel, teks 2024-11-20 (tahun-bulan-hari) atau 20/11/2024 (hari/bulan/tahun)."
    ),
    "datetime": (
        "Sel tanggal dan jam Excel, 2024-11-20 14:30, 2024-11-20T14:30 atau 20/11/2024 14:30. "
        "Tanpa zona waktu berarti waktu setempat Polres; zona boleh ditulis, misalnya "
        "2024-11-20T14:30+08:00."
    ),
    "choice": (
        "Salah satu nilai dari daftar. Huruf besar/kecil dan spasi tidak berpengaruh: "
        "'Sangat Rawan' dibaca 'sangat_rawan'."
    ),
    "choice_list": (
        "Satu atau beberapa nilai dari daftar, dipisah titik koma (;), misalnya "
        "politik_uang;hoaks. Spasi di sekitar ; diabaikan. Di JSON boleh juga berupa array."
    ),
    "kecamatan": (
        "Kode Kemendagri NN.NN.NN, misalnya 63.11.06, di wilayah hukum Polres pengirim. "
        "Boleh kosong bila nama_kecamatan menyebut satu kecamatan dengan jelas (huruf "
        "besar/kecil, spasi dan tanda baca diabaikan)."
    ),
}

# Every rule of the models (check names), as a short description of what must hold.
RULE_DOCS: dict[str, str] = {
    "laporan_satu_baris": "lembar ini berisi tepat satu baris",
    "polres_dikenal": "terdaftar di polres.csv",
    "polres_sesuai_kotak": "sama dengan kotak masuk pengirim (raw/<kode_polres>/)",
    "pemilihan_dikenal": "terdaftar di tahapan.csv",
    "tahapan_pemilihan": "tahapan dari pemilihan itu (tahapan.csv)",
    "tanggal_masa_depan": "tidak setelah hari berkas diterima, menurut waktu setempat Polres",
    "tanggal_di_luar_tahapan": "tanggal laporan berada dalam jadwal tahapan",
    "kecamatan_wilayah": "kecamatan di wilayah hukum Polres pengirim",
    "kecamatan_unik": "setiap kecamatan hanya satu baris",
    "satgas_unik": "setiap Satgas hanya satu baris",
    "total_satgas": (
        "jumlah personel seluruh Satgas sama dengan jumlah personel_polri di lembar pengamanan"
    ),
    "waktu_kejadian": "pada tanggal laporan atau sehari sebelumnya, waktu setempat",
    "temuan_setelah_laporan": "tidak setelah tanggal laporan",
    "sanksi_wajib": "wajib diisi bila status 'terbukti'",
    "sarana_unik": "setiap sarana hanya satu baris",
    "siap_melebihi_total": "tidak melebihi jumlah_total",
    "pilihan_daftar": "setiap nilai ada dalam daftar pilihan",
}

# Words for the patterns of the models.
PATTERN_DOCS: dict[str, str] = {
    NRP_PATTERN: "tepat 8 angka; data pribadi, tidak pernah ditampilkan utuh di laporan",
    KODE_KECAMATAN_PATTERN: "berformat NN.NN.NN",
}

# Column-level checks pandera names by itself: described through the column's limits.
_BUILTIN_CHECKS = ("greater_than_or_equal_to", "str_matches", "str_length", "isin")

# One complete, valid submission: the examples of the docs (checked by the tests).
EXAMPLE: dict = {
    "laporan": {
        "kode_polres": "balangan",
        "tanggal": dt.date(2024, 11, 20),
        "kode_pemilihan": "pilkada-2024",
        "kode_tahapan": "kampanye",
        "nama_operasi": "Operasi Mantap Praja Intan 2024",
        "pelapor": "AKP Rahmat Hidayat",
        "dibuat_pada": dt.datetime(2024, 11, 20, 18, 30),
    },
    "pengamanan": [
        {
            "kode_kecamatan": "63.11.06",
            "nama_kecamatan": "Paringin",
            "personel_polri": 35,
            "personel_tni": 10,
            "personel_linmas": 40,
            "jumlah_tps": 60,
            "kegiatan_diamankan": 3,
            "tingkat_kerawanan": "rawan",
            "faktor_kerawanan": "politik_uang;hoaks",
            "keterangan": "Kampanye terbatas pasangan calon",
        }
    ],
    "satgas": [{"satgas": "preventif", "personel": 35}],
    "kejadian": [
        {
            "waktu": dt.datetime(2024, 11, 20, 14, 30),
            "kode_kecamatan": "63.11.06",
            "nama_kecamatan": "Paringin",
            "jenis": "perusakan_apk",
            "uraian": "Baliho pasangan calon dirusak orang tak dikenal.",
            "korban_luka": 0,
            "korban_meninggal": 0,
            "status": "ditangani",
        }
    ],
    "netralitas": [
        {
            "tanggal_temuan": dt.date(2024, 11, 19),
            "nrp": "87050123",
            "pangkat": "Bripka",
            "satuan": "Polsek Paringin",
            "dugaan": "Menghadiri kampanye berseragam",
            "status": "terbukti",
            "sanksi": "Teguran tertulis",
        }
    ],
    "kesiapan": [{"sarana": "kendaraan_roda_4", "jumlah_siap": 8, "jumlah_total": 10}],
}


@dataclass(frozen=True)
class Column:
    """One column of the contract, as the template and the docs need it."""

    section: str
    name: str
    kind: str
    label: str
    optional: bool  # the column may be absent from the sheet
    nullable: bool  # a cell may be empty
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    rules: tuple[str, ...] = ()  # rules of the model reported on this column

    @property
    def required(self) -> bool:
        """A value must be given (a kecamatan code may give way to its name)."""
        return not self.nullable and self.kind != "kecamatan"


def model_rules(section: str) -> list[str]:
    """Names of the section's own rules: sheet-level checks and named column checks."""
    schema = SECTIONS[section].to_schema()
    names = [c.name for c in schema.checks]
    for col in schema.columns.values():
        names += [c.name for c in col.checks if c.name not in _BUILTIN_CHECKS]
    return list(dict.fromkeys(names))


def section_rules(section: str) -> list[str]:
    """Rules of a section not reported on any one column."""
    return [r for r in model_rules(section) if RULE_COLUMN.get(r, "") is None]


def contract_columns(section: str) -> list[Column]:
    """The section's columns in order, with their limits and rules, from the model."""
    schema = SECTIONS[section].to_schema()
    rules = model_rules(section)
    out = []
    for name, meta in columns(section).items():
        limits: dict = {}
        for check in schema.columns[name].checks:
            stats = check.statistics
            if check.name == "greater_than_or_equal_to":
                limits["minimum"] = stats["min_value"]
            elif check.name == "str_matches":
                limits["pattern"] = stats["pattern"]
            elif check.name == "str_length":
                limits["min_length"] = stats.get("min_value")
                limits["max_length"] = stats.get("max_value")
        own = [c.name for c in schema.columns[name].checks if c.name not in _BUILTIN_CHECKS]
        own += [r for r in rules if RULE_COLUMN.get(r) == name]
        out.append(
            Column(
                section=section,
                name=name,
                kind=meta["kind"],
                label=meta["label"],
                optional=meta["optional"],
                nullable=meta["nullable"],
                choices=tuple(meta["choices"]),
                rules=tuple(dict.fromkeys(own)),
                **limits,
            )
        )
    return out


def column(section: str, name: str) -> Column:
    """One column of the contract by name."""
    return next(c for c in contract_columns(section) if c.name == name)


def requirement_text(col: Column) -> str:
    """Whether the column and its value must be there."""
    if col.kind == "kecamatan":
        return "wajib, kecuali nama_kecamatan diisi"
    if col.optional:
        return "opsional"
    return "wajib"


def rule_phrases(col: Column) -> list[str]:
    """What must hold for a value of this column, one phrase per rule."""
    phrases = []
    if col.minimum is not None:
        phrases.append(f"≥ {col.minimum}")
    if col.pattern is not None:
        phrases.append(PATTERN_DOCS.get(col.pattern, f"cocok dengan pola {col.pattern}"))
    if col.min_length is not None or col.max_length is not None:
        phrases.append(f"{col.min_length or 0}–{col.max_length} karakter")
    for rule in col.rules:
        if rule == "pilihan_daftar":
            continue  # said by the kind: every item from the list
        words = RULE_DOCS[rule]
        phrases.append(f"{words} (peringatan)" if RULES[rule][0] == WARNING else words)
    return phrases


def choices_text(col: Column) -> str:
    """The allowed values of a choice column, in words; empty for other columns."""
    if not col.choices:
        return ""
    if col.kind == "choice_list":
        return "satu atau beberapa (dipisah ;) dari: " + ", ".join(col.choices)
    return "salah satu dari: " + ", ".join(col.choices)


def type_text(col: Column) -> str:
    """The column's kind in words, with its format where it has one."""
    if col.kind == "text" and col.pattern == NRP_PATTERN:
        return "teks 8 angka"
    if col.kind == "kecamatan":
        return "teks NN.NN.NN"
    return KIND_NAMES[col.kind]


def example_value(col: Column) -> object:
    """The example value of a column (from EXAMPLE)."""
    rows = EXAMPLE[col.section]
    row = rows if isinstance(rows, dict) else rows[0]
    return row.get(col.name)


def example_text(value: object) -> str:
    """An example value as an operator would type it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)
