"""Value lists of the submission contract v1, defined once for schemas, template and docs."""

TINGKAT_KERAWANAN = ("aman", "kurang_rawan", "rawan", "sangat_rawan")
FAKTOR_KERAWANAN = (
    "terpencil",
    "sulit_dijangkau",
    "rawan_bencana",
    "konflik_sosial",
    "politik_uang",
    "hoaks",
    "lainnya",
)
SATGAS = ("preemtif", "preventif", "kamseltibcarlantas", "gakkum", "humas", "banops")
JENIS_KEJADIAN = (
    "kericuhan",
    "unjuk_rasa",
    "politik_uang",
    "intimidasi",
    "perusakan_apk",
    "hoaks",
    "bencana",
    "kecelakaan",
    "lainnya",
)
STATUS_KEJADIAN = ("dalam_proses", "ditangani", "selesai")
STATUS_NETRALITAS = ("klarifikasi", "terbukti", "tidak_terbukti")
SARANA = (
    "kendaraan_roda_2",
    "kendaraan_roda_4",
    "kendaraan_taktis",
    "alat_komunikasi",
    "perlengkapan_perorangan",
    "lainnya",
)

# Outcomes of a submission in the registry `submisi`.
DITERIMA = "diterima"
DITOLAK = "ditolak"
DIGANTIKAN = "digantikan"
DUPLIKAT = "duplikat"
STATUS_SUBMISI = (DITERIMA, DITOLAK, DIGANTIKAN, DUPLIKAT)
