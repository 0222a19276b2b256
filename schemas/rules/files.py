"""Rules of the whole file: what the reader and the ingest refuse (format, size, sheets, columns)."""

from schemas.rules.base import ERROR, FILE, WARNING, Rule

READER_RULES = [
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
        "Berkas tidak dapat dibaca: {hint}. Simpan ulang sebagai .xlsx dari Excel "
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
        "{Bagian} ini berisi {value} {baris}; batasnya {hint}. Kirim hanya laporan satu hari.",
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
        "Nama '{value}' ditulis lebih dari sekali ({kolom} ganda), sehingga tidak jelas "
        "nilai mana yang dimaksud. Hapus salah satunya, lalu kirim ulang.",
        FILE,
    ),
    Rule(
        "lembar_wajib",
        ERROR,
        "{Lembar} '{hint}' tidak ada. Tambahkan {lembar} '{hint}' sesuai templat.",
        FILE,
    ),
    Rule(
        "lembar_tidak_dikenal",
        ERROR,
        "{Lembar} '{value}' tidak dikenal. Gunakan hanya {lembar}: {hint}.",
        FILE,
    ),
    Rule(
        "kolom_wajib",
        ERROR,
        "{Kolom} '{column}' tidak ada. Tambahkan {kolom} '{column}' pada {judul}.",
        FILE,
    ),
    Rule(
        "kolom_tidak_dikenal",
        ERROR,
        "{Kolom} '{value}' tidak dikenal di {bagian} ini.{hint} Hapus {kolom} itu atau "
        "perbaiki namanya sesuai templat.",
        FILE,
    ),
    Rule(
        "lembar_kosong",
        ERROR,
        "{Lembar} '{hint}' tidak berisi data. Isi minimal satu {baris}.",
        FILE,
    ),
]

INGEST_RULES = [
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
]

# A check of a model that has no declaration of its own: a bug of ours, said plainly.
UNDECLARED = Rule(
    "kontrak_tidak_dikenal",
    ERROR,
    "Pemeriksaan '{hint}' gagal untuk nilai '{value}'.",
    FILE,
    hint=lambda c: c.check,
)
