"""Value lists of the submission contract, defined once for schemas, template, docs and reports.

Each list keeps its values in the contract's order, with the name a reader sees
(Bahasa Indonesia): reports and pages show `labels`, files carry the values.
"""

from collections.abc import Mapping


class Choices(tuple):
    """The allowed values of a choice column, in order, with their display names."""

    labels: Mapping[str, str]

    def __new__(cls, labels: Mapping[str, str]) -> "Choices":
        values = super().__new__(cls, labels)
        values.labels = dict(labels)
        return values

    def __getnewargs__(self) -> tuple:  # copies and pickles are made from the labels
        return (self.labels,)


TINGKAT_KERAWANAN = Choices(
    {
        "aman": "Aman",
        "kurang_rawan": "Kurang rawan",
        "rawan": "Rawan",
        "sangat_rawan": "Sangat rawan",
    }
)
# TPS tiers of Polri's security patterns (`pola_pengamanan.csv`; contract 1.1 columns).
TINGKAT_TPS = Choices(
    {
        "kurang_rawan": "Kurang rawan",
        "rawan": "Rawan",
        "sangat_rawan": "Sangat rawan",
        "khusus": "Khusus",
    }
)
FAKTOR_KERAWANAN = Choices(
    {
        "terpencil": "Terpencil",
        "sulit_dijangkau": "Sulit dijangkau",
        "rawan_bencana": "Rawan bencana",
        "konflik_sosial": "Konflik sosial",
        "politik_uang": "Politik uang",
        "hoaks": "Hoaks",
        "lainnya": "Lainnya",
    }
)
SATGAS = Choices(
    {
        "preemtif": "Preemtif",
        "preventif": "Preventif",
        "kamseltibcarlantas": "Kamseltibcarlantas",
        "gakkum": "Gakkum",
        "humas": "Humas",
        "banops": "Bantuan Operasional",
    }
)
JENIS_KEJADIAN = Choices(
    {
        "kericuhan": "Kericuhan",
        "unjuk_rasa": "Unjuk rasa",
        "politik_uang": "Politik uang",
        "intimidasi": "Intimidasi",
        "perusakan_apk": "Perusakan APK",
        "hoaks": "Hoaks",
        "bencana": "Bencana",
        "kecelakaan": "Kecelakaan",
        "lainnya": "Lainnya",
    }
)
STATUS_KEJADIAN = Choices(
    {"dalam_proses": "Dalam proses", "ditangani": "Ditangani", "selesai": "Selesai"}
)
STATUS_NETRALITAS = Choices(
    {"klarifikasi": "Klarifikasi", "terbukti": "Terbukti", "tidak_terbukti": "Tidak terbukti"}
)
SARANA = Choices(
    {
        "kendaraan_roda_2": "Kendaraan roda 2",
        "kendaraan_roda_4": "Kendaraan roda 4",
        "kendaraan_taktis": "Kendaraan taktis",
        "alat_komunikasi": "Alat komunikasi",
        "perlengkapan_perorangan": "Perlengkapan perorangan",
        "lainnya": "Lainnya",
    }
)
CHOICE_LISTS = (
    TINGKAT_KERAWANAN,
    FAKTOR_KERAWANAN,
    SATGAS,
    JENIS_KEJADIAN,
    STATUS_KEJADIAN,
    STATUS_NETRALITAS,
    SARANA,
)
# The display name of every choice value (a value shared by two lists has one name).
LABELS: dict[str, str] = {v: n for choices in CHOICE_LISTS for v, n in choices.labels.items()}

# Outcomes of a submission in the registry `submisi`.
DITERIMA = "diterima"
DITOLAK = "ditolak"
DIGANTIKAN = "digantikan"
DUPLIKAT = "duplikat"
STATUS_SUBMISI = (DITERIMA, DITOLAK, DIGANTIKAN, DUPLIKAT)
