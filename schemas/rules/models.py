"""Rules of the sections' models (pandera check names): across columns, rows, sheets and the
reference data."""

from schemas.rules.base import (
    ERROR,
    MODEL,
    WARNING,
    Case,
    Excel,
    Expectation,
    Rule,
    did_you_mean,
    options,
)
from schemas.sections import TIERS


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

MODEL_RULES = [
    Rule(
        "laporan_satu_baris",
        ERROR,
        "{Lembar} 'laporan' harus berisi tepat satu {baris}. Hapus {baris} tambahan.",
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
        "Tanggal laporan {value} belum terjadi (setelah {hint}). Periksa {kolom} tanggal.",
        MODEL,
        doc="tidak setelah hari berkas diterima, menurut waktu setempat Polres",
        column="tanggal",
        hint=lambda c: str(c.row["_batas_tanggal"]),
        excel=Excel(maximum="=TODAY()"),
    ),
    Rule(
        "tanggal_di_luar_tahapan",
        WARNING,
        "Tanggal laporan {value} berada di luar jadwal tahapan ({hint}). Periksa {kolom} "
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
        "Kecamatan {value} sudah dilaporkan pada {baris} sebelumnya. Gabungkan menjadi satu {baris}.",
        MODEL,
        doc="setiap kecamatan hanya satu baris",
        column="kode_kecamatan",
        excel=Excel(highlight="duplicate"),
        curated=_unique_in_submission("kode_kecamatan"),
    ),
    Rule(
        "satgas_unik",
        ERROR,
        "Satgas '{value}' sudah dilaporkan pada {baris} sebelumnya. Gabungkan menjadi satu {baris}.",
        MODEL,
        doc="setiap Satgas hanya satu baris",
        column="satgas",
        excel=Excel(highlight="duplicate"),
        curated=_unique_in_submission("satgas"),
    ),
    Rule(
        "sarana_unik",
        ERROR,
        "Sarana '{value}' sudah dilaporkan pada {baris} sebelumnya. Gabungkan menjadi satu {baris}.",
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
        "{bagian} pengamanan ({hint}).",
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
        "Tanggal temuan {value} setelah tanggal laporan. Periksa {kolom} tanggal_temuan.",
        MODEL,
        doc="tidak setelah tanggal laporan",
        column="tanggal_temuan",
        excel=Excel(maximum="={laporan.tanggal}"),
    ),
    Rule(
        "sanksi_wajib",
        ERROR,
        "Kasus berstatus 'terbukti' wajib mengisi {kolom} sanksi.",
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
]
