"""Value lists of the submission contract, defined once for schemas, template, docs and reports.

Each list keeps its values in the contract's order, with the name a reader sees
(Bahasa Indonesia): reports and pages show `labels`, files carry the values.
"""

from collections.abc import Mapping
from dataclasses import dataclass


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
# A file in an inbox that no ingest has registered yet (the portal's lists, the API).
MENUNGGU = "menunggu"


@dataclass(frozen=True)
class Word:
    """How a status is shown: its word, and a sign beside it (never told by colour alone)."""

    word: str
    sign: str

    def __str__(self) -> str:
        return f"{self.sign} {self.word}"


# The words of a submission's status, on every page and error report.
SUBMISSION_WORDS: dict[str, Word] = {
    DITERIMA: Word("Diterima", "✔"),
    DITOLAK: Word("Ditolak", "✖"),
    DIGANTIKAN: Word("Digantikan kiriman lebih baru", "↺"),
    DUPLIKAT: Word("Duplikat", "="),
    MENUNGGU: Word("Menunggu ingest", "⇪"),
}

# A Polres's standing for one report date (kelengkapan), in the report and on the board.
TEPAT_WAKTU = "tepat_waktu"
TERLAMBAT = "terlambat"
BELUM_LAPOR = "belum_lapor"  # no report yet, before the Polda's deadline on that date
TIDAK_LAPOR = "tidak_lapor"  # no report, from the deadline on (and for every past date)
TERKIRIM = "terkirim"  # the board only: a file sent today that no ingest has registered yet
POLRES_WORDS: dict[str, Word] = {
    TEPAT_WAKTU: Word("Tepat waktu", "✔"),
    TERLAMBAT: Word("Terlambat", "!"),
    DITOLAK: Word("Ditolak", "✖"),
    BELUM_LAPOR: Word("Belum melapor", "…"),
    TIDAK_LAPOR: Word("Tidak melapor", "–"),
    TERKIRIM: Word("Terkirim, menunggu ingest", "⇪"),
}
