"""Every rule of the submission contract, declared once (SPEC §3).

A rule is checked in one place: a pandera model of `schemas/contract.py` (a
named check, or one of pandera's built-in column checks), the lenient cast (a
value of a kind that cannot be read), or the reader and the ingest (the
file-level rules: format, size, sheets and columns, inbox, duplicates). Its
declaration here says everything else about it, and every part of lapsit reads
it from here:

- `severity` and `message` (Bahasa Indonesia; placeholders `{value}`, `{column}`,
  `{hint}`): the error objects of `lapsit.galat`;
- `column` and `value` (model rules): which column a failing row is reported on
  (the one the operator should change) and which of its fields is shown;
- `hint`: the words added to the message for one failing case;
- `doc`: what must hold, for `docs/kontrak.md`, the Excel template's input
  messages and the JSON Schema's descriptions;
- `excel`: how the Excel template enforces it where cell validation can
  (a bound, a highlight, a drop-down of reference values);
- `required_when`: a cross-column rule the JSON Schema can state;
- `curated`: the Great Expectations expectation that must still hold once the
  rows are curated (`lapsit.quality.suites`).

`tests/test_rules.py` proves that every check of the models and every rule the
reader raises has exactly one declaration, and that every declaration is used.
"""

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

ERROR = "error"
# The TPS tier columns of `pengamanan` (contract 1.1), for the rule over jumlah_tps.
TIERS = ("tps_rawan", "tps_sangat_rawan", "tps_khusus")
WARNING = "warning"

# Where a rule is checked.
MODEL = "model"  # a named check of a pandera model (the rule id is the check's name)
BUILTIN = "builtin"  # one of pandera's own column checks (not_nullable, isin, ...)
CAST = "cast"  # the lenient cast of one kind of column
FILE = "file"  # the reader, the validator's file-level checks or the ingest


@dataclass(frozen=True)
class Case:
    """One failing case as a rule's hint sees it."""

    # The failing row with its context columns (`_inbox`, `_batas_tanggal`, ...).
    row: Mapping[str, Any]
    # The value shown.
    value: Any = None
    # The allowed values of the column, for a choice column.
    choices: Sequence[str] = ()
    # Lists from the reference data: `polres` (codes), `pemilihan` (codes, sorted),
    # `tahapan` (election -> its stage codes), `nama_polres` (code -> name).
    lists: Mapping[str, Any] = field(default_factory=dict)
    # The name of the pandera check that failed, as pandera gives it.
    check: str = ""


class Limits(Protocol):
    """What a curated expectation reads of a contract column (`schemas.columns.Column`)."""

    name: str
    label: str
    choices: tuple[str, ...]
    minimum: int | None
    min_length: int | None
    max_length: int | None


# A Great Expectations expectation as data: (class name, keyword arguments, why, in Indonesian).
Expectation = tuple[str, dict, str]


@dataclass(frozen=True)
class Excel:
    """How the Excel template enforces a rule in the column it is reported on.

    Formulas name cells by column: `{jumlah_total}` is that column's cell in the
    same row, `{laporan.tanggal}` the report date's cell on the `laporan` sheet.
    """

    # The upper bound of the cell's validation (a formula).
    maximum: str | None = None
    # A conditional format marking what validation cannot stop: a formula, or "duplicate".
    highlight: str | None = None
    # The reference list offered as a drop-down: `polres`, `pemilihan` or `tahapan`.
    listed: str | None = None


@dataclass(frozen=True)
class Rule:
    """The declaration of one rule (see the module docstring)."""

    id: str
    severity: str
    message: str
    where: str
    doc: str = ""
    column: str | None = None
    value: str | None = None
    hint: Callable[[Case], str] | None = None
    # BUILTIN: the pandera check's name, and the columns it applies to (empty: any).
    check: str | None = None
    on: tuple[str, ...] = ()
    # CAST: the column kind whose values it guards.
    kind: str | None = None
    excel: Excel | None = None
    required_when: tuple[str, str] | None = None
    curated: Expectation | Callable[[Limits], Expectation] | None = None

    @property
    def shown(self) -> str | None:
        """The field of a failing row shown as the value (model rules)."""
        return self.value or self.column


def did_you_mean(word: str, options: Sequence[str], shown: Mapping[str, str] | None = None) -> str:
    """` Mungkin maksud Anda 'x'?` for the closest option, or nothing when none is close.

    `shown`: how an option is written in the suggestion (default: quoted as it is).
    """
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    if not close:
        return ""
    return f" Mungkin maksud Anda {shown[close[0]] if shown else repr_quoted(close[0])}?"


def repr_quoted(text: str) -> str:
    """`'text'`: a code quoted as the messages quote it."""
    return f"'{text}'"


def options(values: Sequence[str]) -> str:
    """` Pilihan: a, b, c.`"""
    return " Pilihan: " + ", ".join(values) + "."


def _stages(case: Case) -> list[str]:
    return list(case.lists.get("tahapan", {}).get(case.row.get("kode_pemilihan"), []))


def _owner(case: Case) -> str:
    owner = case.row.get("_kec_polres")
    if owner is None:
        return " (kode tidak terdaftar di Kemendagri)"
    return f" (termasuk wilayah {case.lists['nama_polres'][owner]})"


def _unique_in_submission(key: str) -> Expectation:
    return ("ExpectCompoundColumnsToBeUnique", {"column_list": ["id_submisi", key]}, _UNIQUE_KEY)


_UNIQUE_KEY = "Kunci unik dalam satu submisi."

_DECLARED: list[Rule] = [
    # --- the whole file (reader) ---------------------------------------------------------
    Rule(
        "format_berkas",
        ERROR,
        "Format berkas {value} tidak diterima. Kirim laporan sebagai berkas Excel (.xlsx) "
        "atau JSON (.json) menggunakan templat laporan harian.",
        FILE,
    ),
    Rule(
        "berkas_kosong", ERROR, "Berkas kosong. Isi templat laporan harian lalu kirim ulang.", FILE
    ),
    Rule(
        "berkas_rusak",
        ERROR,
        "Berkas tidak dapat dibaca ({hint}). Simpan ulang sebagai .xlsx dari Excel "
        "atau periksa isi JSON, lalu kirim ulang.",
        FILE,
    ),
    Rule(
        "berkas_terlalu_besar",
        ERROR,
        "Berkas terlalu besar ({value}); batasnya {hint}. Kirim hanya laporan satu hari.",
        FILE,
    ),
    Rule(
        "baris_terlalu_banyak",
        ERROR,
        "Lembar ini berisi {value} baris; batasnya {hint}. Kirim hanya laporan satu hari.",
        FILE,
    ),
    Rule(
        "versi_templat",
        ERROR,
        "Templat versi {value} sudah tidak berlaku. Unduh templat versi {hint} (minta kepada "
        "staf data Polda), salin isian Anda ke templat itu, lalu kirim ulang.",
        FILE,
    ),
    Rule(
        "kunci_ganda",
        ERROR,
        "Nama '{value}' ditulis lebih dari sekali (kunci atau kolom ganda), sehingga tidak jelas "
        "nilai mana yang dimaksud. Hapus salah satunya, lalu kirim ulang.",
        FILE,
    ),
    Rule(
        "lembar_wajib",
        ERROR,
        "Lembar '{hint}' tidak ada. Tambahkan lembar '{hint}' sesuai templat.",
        FILE,
    ),
    Rule(
        "lembar_tidak_dikenal",
        ERROR,
        "Lembar '{value}' tidak dikenal. Gunakan hanya lembar: {hint}.",
        FILE,
    ),
    Rule(
        "kolom_wajib",
        ERROR,
        "Kolom '{column}' tidak ada. Tambahkan kolom '{column}' pada baris judul (baris 1).",
        FILE,
    ),
    Rule(
        "kolom_tidak_dikenal",
        ERROR,
        "Kolom '{value}' tidak dikenal di lembar ini.{hint} Hapus kolom itu atau "
        "perbaiki namanya sesuai templat.",
        FILE,
    ),
    Rule(
        "lembar_kosong",
        ERROR,
        "Lembar '{hint}' tidak berisi data. Isi minimal satu baris.",
        FILE,
    ),
    # --- cell values ---------------------------------------------------------------------
    Rule(
        "wajib_diisi",
        ERROR,
        "Kolom '{column}' wajib diisi.",
        BUILTIN,
        check="not_nullable",
        curated=lambda c: (
            "ExpectColumnValuesToNotBeNull",
            {"column": c.name},
            "Kolom wajib tidak boleh kosong.",
        ),
    ),
    Rule(
        "bilangan_bulat",
        ERROR,
        "Nilai '{value}' pada kolom '{column}' bukan bilangan bulat. Isi dengan angka bulat, "
        "misalnya 12.",
        CAST,
        kind="int",
    ),
    Rule(
        "tidak_negatif",
        ERROR,
        "Nilai {value} pada kolom '{column}' tidak boleh negatif. Isi dengan 0 atau lebih.",
        BUILTIN,
        doc="≥ {minimum}",
        check="greater_than_or_equal_to",
        curated=lambda c: (
            "ExpectColumnValuesToBeBetween",
            {"column": c.name, "min_value": c.minimum},
            "Jumlah tidak boleh negatif.",
        ),
    ),
    Rule(
        "format_tanggal",
        ERROR,
        "Nilai '{value}' pada kolom '{column}' bukan tanggal. Tulis seperti 20/11/2024 "
        "atau 2024-11-20.",
        CAST,
        kind="date",
    ),
    Rule(
        "format_waktu",
        ERROR,
        "Nilai '{value}' pada kolom '{column}' bukan tanggal dan jam. Tulis seperti "
        "20/11/2024 14:30 atau 2024-11-20 14:30.",
        CAST,
        kind="datetime",
    ),
    Rule(
        "pilihan",
        ERROR,
        "Nilai '{value}' pada kolom '{column}' tidak ada dalam daftar pilihan.{hint}",
        BUILTIN,
        check="isin",
        hint=lambda c: did_you_mean(str(c.value), c.choices) + options(c.choices),
        curated=lambda c: (
            "ExpectColumnValuesToBeInSet",
            {"column": c.name, "value_set": list(c.choices)},
            "Nilai dari daftar pilihan kontrak.",
        ),
    ),
    Rule(
        "pilihan_daftar",
        ERROR,
        "Daftar '{value}' pada kolom '{column}' memuat nilai di luar pilihan.{hint}",
        MODEL,
        doc="setiap nilai ada dalam daftar pilihan",
        column="faktor_kerawanan",
        hint=lambda c: options(c.choices),
        curated=lambda c: (
            "ExpectColumnValuesToMatchRegex",
            {"column": c.name, "regex": _list_regex(c.choices)},
            "Setiap butir daftar dari pilihan kontrak (dipisah ';').",
        ),
    ),
    Rule(
        "format_kode_kecamatan",
        ERROR,
        "Kode kecamatan '{value}' tidak berformat NN.NN.NN (misalnya 63.11.06).",
        BUILTIN,
        doc="berformat NN.NN.NN",
        check="str_matches",
        on=("kode_kecamatan",),
    ),
    Rule(
        "format_nrp",
        ERROR,
        "NRP '{value}' harus terdiri dari 8 angka.",
        BUILTIN,
        doc="tepat 8 angka; data pribadi, tidak pernah ditampilkan utuh di laporan",
        check="str_matches",
        on=("nrp",),
        # The NRP itself never reaches GX: `nrp_8_angka` says whether it is 8 digits.
        curated=(
            "ExpectColumnValuesToBeInSet",
            {"column": "nrp_8_angka", "value_set": [True]},
            "NRP terdiri dari 8 angka (nilainya sendiri tidak diperiksa di sini).",
        ),
    ),
    Rule(
        "panjang_teks",
        ERROR,
        "Teks pada kolom '{column}' harus {min_length} sampai {max_length} karakter.",
        BUILTIN,
        doc="{min_length}–{max_length} karakter",
        check="str_length",
        curated=lambda c: (
            "ExpectColumnValueLengthsToBeBetween",
            {"column": c.name, "min_value": c.min_length, "max_value": c.max_length},
            f"{c.name.capitalize()} {c.min_length} sampai {c.max_length} karakter.",
        ),
    ),
    Rule(
        "kecamatan_tidak_dikenal",
        ERROR,
        "Kecamatan '{value}' tidak ditemukan di wilayah hukum Polres ini.{hint}",
        FILE,
    ),
    Rule(
        "kecamatan_ambigu",
        ERROR,
        "Nama kecamatan '{value}' cocok dengan lebih dari satu kecamatan ({hint}). "
        "Isi kolom kode_kecamatan.",
        FILE,
    ),
    # --- rules of the models (pandera check names) ---------------------------------------
    Rule(
        "laporan_satu_baris",
        ERROR,
        "Lembar 'laporan' harus berisi tepat satu baris. Hapus baris tambahan.",
        MODEL,
        doc="lembar ini berisi tepat satu baris",
    ),
    Rule(
        "polres_dikenal",
        ERROR,
        "Kode Polres '{value}' tidak dikenal.{hint}",
        MODEL,
        doc="terdaftar di polres.csv",
        column="kode_polres",
        hint=lambda c: did_you_mean(c.row["kode_polres"] or "", c.lists["polres"]),
    ),
    Rule(
        "polres_sesuai_kotak",
        ERROR,
        "Kode Polres '{value}' berbeda dengan kotak masuk pengirim ({hint}). Setiap Polres "
        "hanya boleh mengirim laporannya sendiri.",
        MODEL,
        doc="sama dengan kotak masuk pengirim (raw/<kode_polres>/)",
        column="kode_polres",
        hint=lambda c: c.row["_inbox"],
        excel=Excel(listed="polres"),
    ),
    Rule(
        "pemilihan_dikenal",
        ERROR,
        "Kode pemilihan '{value}' tidak dikenal.{hint}",
        MODEL,
        doc="terdaftar di tahapan.csv",
        column="kode_pemilihan",
        hint=lambda c: options(c.lists["pemilihan"]),
        excel=Excel(listed="pemilihan"),
    ),
    Rule(
        "tahapan_pemilihan",
        ERROR,
        "Tahapan '{value}' bukan tahapan dari pemilihan ini.{hint}",
        MODEL,
        doc="tahapan dari pemilihan itu (tahapan.csv)",
        column="kode_tahapan",
        hint=lambda c: did_you_mean(c.row["kode_tahapan"] or "", _stages(c)) + options(_stages(c)),
        excel=Excel(listed="tahapan"),
    ),
    Rule(
        "tanggal_masa_depan",
        ERROR,
        "Tanggal laporan {value} belum terjadi (setelah {hint}). Periksa kolom tanggal.",
        MODEL,
        doc="tidak setelah hari berkas diterima, menurut waktu setempat Polres",
        column="tanggal",
        hint=lambda c: str(c.row["_batas_tanggal"]),
        excel=Excel(maximum="=TODAY()"),
    ),
    Rule(
        "tanggal_di_luar_tahapan",
        WARNING,
        "Tanggal laporan {value} berada di luar jadwal tahapan ({hint}). Periksa kolom "
        "kode_tahapan.",
        MODEL,
        doc="tanggal laporan berada dalam jadwal tahapan",
        column="kode_tahapan",
        value="tanggal",
        hint=lambda c: f"{c.row['_tahapan_mulai']} s.d. {c.row['_tahapan_selesai']}",
    ),
    Rule(
        "kecamatan_wilayah",
        ERROR,
        "Kecamatan {value} berada di luar wilayah hukum Polres ini{hint}.",
        MODEL,
        doc="kecamatan di wilayah hukum Polres pengirim",
        column="kode_kecamatan",
        hint=_owner,
        # `polres_wilayah`: the Polres whose jurisdiction holds the kecamatan (polres.csv).
        curated=(
            "ExpectColumnPairValuesToBeEqual",
            {"column_A": "kode_polres", "column_B": "polres_wilayah"},
            "Kecamatan berada di wilayah hukum Polres pelapor (polres.csv).",
        ),
    ),
    Rule(
        "tps_bertingkat_melebihi",
        ERROR,
        "Jumlah TPS rawan, sangat rawan dan khusus ({hint}) melebihi jumlah_tps ({value}). "
        "Perbaiki tps_rawan, tps_sangat_rawan atau tps_khusus (sisanya dihitung kurang rawan).",
        MODEL,
        doc="bila jumlah_tps diisi: tps_rawan + tps_sangat_rawan + tps_khusus tidak melebihi "
        "jumlah_tps",
        column="tps_rawan",
        value="jumlah_tps",
        hint=lambda c: str(sum(c.row.get(k) or 0 for k in TIERS)),
        # No GX expectation states "a sum of columns at most another column"
        # (ExpectMulticolumnSumToEqual only tests equality): the model rule alone guards it.
        excel=Excel(
            highlight="=AND(ISNUMBER({jumlah_tps}),"
            "N({tps_rawan})+N({tps_sangat_rawan})+N({tps_khusus})>{jumlah_tps})"
        ),
    ),
    Rule(
        "kecamatan_unik",
        ERROR,
        "Kecamatan {value} sudah dilaporkan pada baris sebelumnya. Gabungkan menjadi satu baris.",
        MODEL,
        doc="setiap kecamatan hanya satu baris",
        column="kode_kecamatan",
        excel=Excel(highlight="duplicate"),
        curated=_unique_in_submission("kode_kecamatan"),
    ),
    Rule(
        "satgas_unik",
        ERROR,
        "Satgas '{value}' sudah dilaporkan pada baris sebelumnya. Gabungkan menjadi satu baris.",
        MODEL,
        doc="setiap Satgas hanya satu baris",
        column="satgas",
        excel=Excel(highlight="duplicate"),
        curated=_unique_in_submission("satgas"),
    ),
    Rule(
        "sarana_unik",
        ERROR,
        "Sarana '{value}' sudah dilaporkan pada baris sebelumnya. Gabungkan menjadi satu baris.",
        MODEL,
        doc="setiap sarana hanya satu baris",
        column="sarana",
        excel=Excel(highlight="duplicate"),
        curated=_unique_in_submission("sarana"),
    ),
    Rule(
        "total_satgas",
        WARNING,
        "Jumlah personel seluruh Satgas ({value}) berbeda dengan jumlah personel_polri di "
        "lembar pengamanan ({hint}).",
        MODEL,
        doc="jumlah personel seluruh Satgas sama dengan jumlah personel_polri di lembar pengamanan",
        column="personel",
        value="__total",
        hint=lambda c: str(c.row["_total_polri"]),
    ),
    Rule(
        "waktu_kejadian",
        WARNING,
        "Waktu kejadian {value} tidak pada tanggal laporan atau sehari sebelumnya.",
        MODEL,
        doc="pada tanggal laporan atau sehari sebelumnya, waktu setempat",
        column="waktu",
    ),
    Rule(
        "temuan_setelah_laporan",
        ERROR,
        "Tanggal temuan {value} setelah tanggal laporan. Periksa kolom tanggal_temuan.",
        MODEL,
        doc="tidak setelah tanggal laporan",
        column="tanggal_temuan",
        excel=Excel(maximum="={laporan.tanggal}"),
    ),
    Rule(
        "sanksi_wajib",
        ERROR,
        "Kasus berstatus 'terbukti' wajib mengisi kolom sanksi.",
        MODEL,
        doc="wajib diisi bila status 'terbukti'",
        column="sanksi",
        required_when=("status", "terbukti"),
        excel=Excel(highlight='=AND(LOWER(TRIM({status}))="terbukti",LEN(TRIM({sanksi}))=0)'),
    ),
    Rule(
        "siap_melebihi_total",
        ERROR,
        "Jumlah siap ({value}) melebihi jumlah total ({hint}). Perbaiki jumlah_siap.",
        MODEL,
        doc="tidak melebihi jumlah_total",
        column="jumlah_siap",
        hint=lambda c: str(c.row["jumlah_total"]),
        excel=Excel(maximum='=IF({jumlah_total}="",1000000000,{jumlah_total})'),
        curated=(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            {"column_A": "jumlah_total", "column_B": "jumlah_siap", "or_equal": True},
            "Jumlah siap tidak melebihi jumlah total.",
        ),
    ),
    # --- the ingest ----------------------------------------------------------------------
    Rule(
        "kotak_tidak_dikenal",
        ERROR,
        "Kotak masuk '{value}' tidak terdaftar di polres.csv. Hubungi staf data Polda.",
        FILE,
    ),
    Rule(
        "berkas_duplikat",
        WARNING,
        "Berkas {value} sama persis dengan berkas {hint} yang sudah diterima sebelumnya; "
        "tidak diproses lagi.",
        FILE,
    ),
    # A check of a model that has no declaration of its own: a bug of ours, said plainly.
    Rule(
        "kontrak_tidak_dikenal",
        ERROR,
        "Pemeriksaan '{hint}' gagal untuk nilai '{value}'.",
        FILE,
        hint=lambda c: c.check,
    ),
]


def _list_regex(choices: Sequence[str]) -> str:
    item = "(?:" + "|".join(choices) + ")"
    return f"^{item}(?:;{item})*$"


RULES: dict[str, Rule] = {rule.id: rule for rule in _DECLARED}


def builtin_rule(check: str, column: str) -> Rule | None:
    """The rule a built-in pandera check of a column names (None: not declared)."""
    base = check.split("(")[0]
    found = [
        r
        for r in RULES.values()
        if r.where == BUILTIN and base == r.check and (not r.on or column in r.on)
    ]
    return found[0] if len(found) == 1 else None


def cast_rule(kind: str) -> Rule | None:
    """The rule guarding the lenient cast of a kind of column (None: a cast that loses nothing)."""
    return next((r for r in RULES.values() if r.where == CAST and r.kind == kind), None)


def expectation(rule: Rule, column: Limits) -> Expectation | None:
    """The rule's curated expectation for a column (None when it has none)."""
    if rule.curated is None:
        return None
    return rule.curated(column) if callable(rule.curated) else rule.curated
