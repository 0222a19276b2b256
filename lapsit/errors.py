"""Errors and warnings of a submission, with messages in Bahasa Indonesia for the Polres."""

import re
from dataclasses import asdict, dataclass
from typing import Any

from schemas.contract import SECTIONS

ERROR = "error"
WARNING = "warning"
NRP_LIKE = re.compile(r"\d{8,}")


@dataclass(frozen=True)
class Galat:
    """One problem found in a submission, located as the operator sees it (SPEC §3)."""

    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str
    severity: str = ERROR

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# rule -> (severity, message). Placeholders: {value}, {column}, {hint} and rule-specific ones.
RULES: dict[str, tuple[str, str]] = {
    # whole file
    "format_berkas": (
        ERROR,
        "Format berkas {value} tidak diterima. Kirim laporan sebagai berkas Excel (.xlsx) "
        "atau JSON (.json) menggunakan templat laporan harian.",
    ),
    "berkas_kosong": (ERROR, "Berkas kosong. Isi templat laporan harian lalu kirim ulang."),
    "berkas_rusak": (
        ERROR,
        "Berkas tidak dapat dibaca ({hint}). Simpan ulang sebagai .xlsx dari Excel "
        "atau periksa isi JSON, lalu kirim ulang.",
    ),
    "berkas_terlalu_besar": (
        ERROR,
        "Berkas terlalu besar ({value}); batasnya {hint}. Kirim hanya laporan satu hari.",
    ),
    "baris_terlalu_banyak": (
        ERROR,
        "Lembar ini berisi {value} baris; batasnya {hint}. Kirim hanya laporan satu hari.",
    ),
    "versi_templat": (
        ERROR,
        "Templat versi {value} sudah tidak berlaku. Unduh templat versi {hint} (minta kepada "
        "staf data Polda), salin isian Anda ke templat itu, lalu kirim ulang.",
    ),
    "kunci_ganda": (
        ERROR,
        "Nama '{value}' ditulis lebih dari sekali (kunci atau kolom ganda), sehingga tidak jelas "
        "nilai mana yang dimaksud. Hapus salah satunya, lalu kirim ulang.",
    ),
    "lembar_wajib": (
        ERROR,
        "Lembar '{hint}' tidak ada. Tambahkan lembar '{hint}' sesuai templat.",
    ),
    "lembar_tidak_dikenal": (
        ERROR,
        "Lembar '{value}' tidak dikenal. Gunakan hanya lembar: {hint}.",
    ),
    "kolom_wajib": (
        ERROR,
        "Kolom '{column}' tidak ada. Tambahkan kolom '{column}' pada baris judul (baris 1).",
    ),
    "kolom_tidak_dikenal": (
        ERROR,
        "Kolom '{value}' tidak dikenal di lembar ini.{hint} Hapus kolom itu atau "
        "perbaiki namanya sesuai templat.",
    ),
    "lembar_kosong": (
        ERROR,
        "Lembar '{hint}' tidak berisi data. Isi minimal satu baris.",
    ),
    # cell values
    "wajib_diisi": (ERROR, "Kolom '{column}' wajib diisi."),
    "bilangan_bulat": (
        ERROR,
        "Nilai '{value}' pada kolom '{column}' bukan bilangan bulat. Isi dengan angka bulat, "
        "misalnya 12.",
    ),
    "tidak_negatif": (
        ERROR,
        "Nilai {value} pada kolom '{column}' tidak boleh negatif. Isi dengan 0 atau lebih.",
    ),
    "format_tanggal": (
        ERROR,
        "Nilai '{value}' pada kolom '{column}' bukan tanggal. Tulis seperti 20/11/2024 "
        "atau 2024-11-20.",
    ),
    "format_waktu": (
        ERROR,
        "Nilai '{value}' pada kolom '{column}' bukan tanggal dan jam. Tulis seperti "
        "20/11/2024 14:30 atau 2024-11-20 14:30.",
    ),
    "pilihan": (
        ERROR,
        "Nilai '{value}' pada kolom '{column}' tidak ada dalam daftar pilihan.{hint}",
    ),
    "pilihan_daftar": (
        ERROR,
        "Daftar '{value}' pada kolom '{column}' memuat nilai di luar pilihan.{hint}",
    ),
    "format_kode_kecamatan": (
        ERROR,
        "Kode kecamatan '{value}' tidak berformat NN.NN.NN (misalnya 63.11.06).",
    ),
    "format_nrp": (ERROR, "NRP '{value}' harus terdiri dari 8 angka."),
    "panjang_teks": (
        ERROR,
        "Teks pada kolom '{column}' harus 1 sampai 2000 karakter.",
    ),
    "kecamatan_tidak_dikenal": (
        ERROR,
        "Kecamatan '{value}' tidak ditemukan di wilayah hukum Polres ini.{hint}",
    ),
    "kecamatan_ambigu": (
        ERROR,
        "Nama kecamatan '{value}' cocok dengan lebih dari satu kecamatan ({hint}). "
        "Isi kolom kode_kecamatan.",
    ),
    # rules of the contract (pandera check names)
    "laporan_satu_baris": (
        ERROR,
        "Lembar 'laporan' harus berisi tepat satu baris. Hapus baris tambahan.",
    ),
    "polres_dikenal": (
        ERROR,
        "Kode Polres '{value}' tidak dikenal.{hint}",
    ),
    "polres_sesuai_kotak": (
        ERROR,
        "Kode Polres '{value}' berbeda dengan kotak masuk pengirim ({hint}). Setiap Polres "
        "hanya boleh mengirim laporannya sendiri.",
    ),
    "pemilihan_dikenal": (
        ERROR,
        "Kode pemilihan '{value}' tidak dikenal.{hint}",
    ),
    "tahapan_pemilihan": (
        ERROR,
        "Tahapan '{value}' bukan tahapan dari pemilihan ini.{hint}",
    ),
    "tanggal_masa_depan": (
        ERROR,
        "Tanggal laporan {value} belum terjadi (setelah {hint}). Periksa kolom tanggal.",
    ),
    "tanggal_di_luar_tahapan": (
        WARNING,
        "Tanggal laporan {value} berada di luar jadwal tahapan ({hint}). Periksa kolom "
        "kode_tahapan.",
    ),
    "kecamatan_wilayah": (
        ERROR,
        "Kecamatan {value} berada di luar wilayah hukum Polres ini{hint}.",
    ),
    "kecamatan_unik": (
        ERROR,
        "Kecamatan {value} sudah dilaporkan pada baris sebelumnya. Gabungkan menjadi satu baris.",
    ),
    "satgas_unik": (
        ERROR,
        "Satgas '{value}' sudah dilaporkan pada baris sebelumnya. Gabungkan menjadi satu baris.",
    ),
    "sarana_unik": (
        ERROR,
        "Sarana '{value}' sudah dilaporkan pada baris sebelumnya. Gabungkan menjadi satu baris.",
    ),
    "total_satgas": (
        WARNING,
        "Jumlah personel seluruh Satgas ({value}) berbeda dengan jumlah personel_polri di "
        "lembar pengamanan ({hint}).",
    ),
    "waktu_kejadian": (
        WARNING,
        "Waktu kejadian {value} tidak pada tanggal laporan atau sehari sebelumnya.",
    ),
    "temuan_setelah_laporan": (
        ERROR,
        "Tanggal temuan {value} setelah tanggal laporan. Periksa kolom tanggal_temuan.",
    ),
    "sanksi_wajib": (
        ERROR,
        "Kasus berstatus 'terbukti' wajib mengisi kolom sanksi.",
    ),
    "siap_melebihi_total": (
        ERROR,
        "Jumlah siap ({value}) melebihi jumlah total ({hint}). Perbaiki jumlah_siap.",
    ),
    "kotak_tidak_dikenal": (
        ERROR,
        "Kotak masuk '{value}' tidak terdaftar di polres.csv. Hubungi staf data Polda.",
    ),
    "berkas_duplikat": (
        WARNING,
        "Berkas {value} sama persis dengan berkas {hint} yang sudah diterima sebelumnya; "
        "tidak diproses lagi.",
    ),
    "kontrak_tidak_dikenal": (
        ERROR,
        "Pemeriksaan '{hint}' gagal untuk nilai '{value}'.",
    ),
}


def mask_nrp(text: str | None) -> str | None:
    """Hide all but the last three digits of anything that looks like an NRP."""
    if text is None:
        return None
    return NRP_LIKE.sub(lambda m: "*" * (len(m.group()) - 3) + m.group()[-3:], text)


def _shown(text: str | None) -> str | None:
    """Text from a file, safe to show and to write: NRPs masked, lone surrogates escaped."""
    if text is None:
        return None
    return mask_nrp(text.encode("utf-8", "backslashreplace").decode("utf-8"))


def make(
    rule: str,
    *,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    value: Any = None,
    hint: str = "",
    **extra: Any,
) -> Galat:
    """Build a Galat for a rule, with its message and severity from RULES."""
    severity, template = RULES[rule]
    # Anything shaped like an NRP is masked, whatever column (or sheet name) it was typed in.
    shown = _shown(None if value is None else str(value))
    if column == "nrp" and shown:
        # A mistyped NRP (7 or 9 digits) still identifies an officer: show its last 3 only.
        shown = "*" * max(len(shown) - 3, 0) + shown[-3:]
    sheet, column, hint = _shown(sheet), _shown(column), _shown(hint) or ""
    message = template.format(value=shown, column=column, hint=hint, **extra)
    return Galat(sheet, row, column, shown, rule, message, severity)


def sort_key(galat: Galat) -> tuple:
    """Order errors as the operator reads the workbook: file, sheet order, row, column."""
    order = list(SECTIONS)
    sheet_pos = order.index(galat.sheet) if galat.sheet in order else -1
    return (galat.sheet is not None, sheet_pos, galat.row or 0, galat.column or "")
