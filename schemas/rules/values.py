"""Rules of one cell's value: required, whole numbers, dates, choices, codes, lengths, names."""

from collections.abc import Sequence

from schemas.rules.base import (
    BUILTIN,
    CAST,
    ERROR,
    FILE,
    MODEL,
    Rule,
    did_you_mean,
    options,
    thousands_hint,
)


def _list_regex(choices: Sequence[str]) -> str:
    item = "(?:" + "|".join(choices) + ")"
    return f"^{item}(?:;{item})*$"


VALUE_RULES = [
    Rule(
        "wajib_diisi",
        ERROR,
        "{Kolom} '{column}' wajib diisi.",
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
        "Nilai '{value}' pada {kolom} '{column}' bukan bilangan bulat. Isi dengan angka bulat, "
        "misalnya 12.{hint}",
        CAST,
        hint=lambda c: thousands_hint(str(c.value)),
        kind="int",
    ),
    Rule(
        "tidak_negatif",
        ERROR,
        "Nilai {value} pada {kolom} '{column}' tidak boleh negatif. Isi dengan 0 atau lebih.",
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
        "Nilai '{value}' pada {kolom} '{column}' bukan tanggal. Tulis seperti 20/11/2024 "
        "atau 2024-11-20.",
        CAST,
        kind="date",
    ),
    Rule(
        "format_waktu",
        ERROR,
        "Nilai '{value}' pada {kolom} '{column}' bukan tanggal dan jam. Tulis seperti "
        "20/11/2024 14:30 atau 2024-11-20 14:30.",
        CAST,
        kind="datetime",
    ),
    Rule(
        "pilihan",
        ERROR,
        "Nilai '{value}' pada {kolom} '{column}' tidak ada dalam daftar pilihan.{hint}",
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
        "Daftar '{value}' pada {kolom} '{column}' memuat nilai di luar pilihan.{hint}",
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
        "Teks pada {kolom} '{column}' harus {min_length} sampai {max_length} karakter.",
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
        "Isi {kolom} kode_kecamatan.",
        FILE,
    ),
]
