"""The contract in words (Bahasa Indonesia), for the Excel template and the published docs.

Columns, kinds, choices and limits are read from the models (`schemas.columns`),
and what each rule requires from its declaration (`schemas/rules/`); this
module adds the words for sections, kinds and formats, and the example.
"""

import datetime as dt

from schemas.columns import Column, pattern_rule
from schemas.contract import NRP_PATTERN
from schemas.rules import RULES, WARNING, builtin_rule

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
        'dibaca sebagai 12; 12,5 atau "dua belas" ditolak, begitu pula 1.234 dengan titik '
        "pemisah ribuan (tulis 1234)."
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
            "tps_rawan": 8,
            "tps_sangat_rawan": 2,
            "tps_khusus": 1,
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
        phrases.append(_limit_words("greater_than_or_equal_to", col))
    if (rule := pattern_rule(col)) is not None:
        phrases.append(rule.doc)
    if col.min_length is not None or col.max_length is not None:
        phrases.append(_limit_words("str_length", col))
    for rule in col.rules:
        if rule == "pilihan_daftar":
            continue  # said by the kind: every item from the list
        words = RULES[rule].doc
        phrases.append(f"{words} (peringatan)" if RULES[rule].severity == WARNING else words)
    return phrases


def _limit_words(check: str, col: Column) -> str:
    """A built-in check's words, with the column's limits (`≥ 0`, `1–2000 karakter`)."""
    rule = builtin_rule(check, col.name)
    return rule.doc.format(
        minimum=col.minimum, min_length=col.min_length or 0, max_length=col.max_length
    )


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
