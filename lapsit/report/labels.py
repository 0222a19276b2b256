"""Display names in Bahasa Indonesia for the contract's choice values."""

import polars as pl

LABELS: dict[str, str] = {
    # tingkat_kerawanan
    "aman": "Aman",
    "kurang_rawan": "Kurang rawan",
    "rawan": "Rawan",
    "sangat_rawan": "Sangat rawan",
    # faktor_kerawanan
    "terpencil": "Terpencil",
    "sulit_dijangkau": "Sulit dijangkau",
    "rawan_bencana": "Rawan bencana",
    "konflik_sosial": "Konflik sosial",
    "politik_uang": "Politik uang",
    "hoaks": "Hoaks",
    "lainnya": "Lainnya",
    # satgas
    "preemtif": "Preemtif",
    "preventif": "Preventif",
    "kamseltibcarlantas": "Kamseltibcarlantas",
    "gakkum": "Gakkum",
    "humas": "Humas",
    "banops": "Bantuan Operasional",
    # jenis kejadian
    "kericuhan": "Kericuhan",
    "unjuk_rasa": "Unjuk rasa",
    "intimidasi": "Intimidasi",
    "perusakan_apk": "Perusakan APK",
    "bencana": "Bencana",
    "kecelakaan": "Kecelakaan",
    # status kejadian and netralitas
    "dalam_proses": "Dalam proses",
    "ditangani": "Ditangani",
    "selesai": "Selesai",
    "klarifikasi": "Klarifikasi",
    "terbukti": "Terbukti",
    "tidak_terbukti": "Tidak terbukti",
    # sarana
    "kendaraan_roda_2": "Kendaraan roda 2",
    "kendaraan_roda_4": "Kendaraan roda 4",
    "kendaraan_taktis": "Kendaraan taktis",
    "alat_komunikasi": "Alat komunikasi",
    "perlengkapan_perorangan": "Perlengkapan perorangan",
}


def label(column: str) -> pl.Expr:
    """The display name of a choice column's value (unknown values shown as they are)."""
    return pl.col(column).replace_strict(LABELS, default=pl.col(column), return_dtype=pl.Utf8)


def label_list(column: str) -> pl.Expr:
    """A list column of choices as one comma-separated string of display names."""
    return (
        pl.col(column)
        .list.eval(pl.element().replace_strict(LABELS, default=pl.element(), return_dtype=pl.Utf8))
        .list.join(", ")
        .fill_null("")
    )


# Status of a Polres for the report date (per-Polres table).
STATUS_POLRES = {
    "tepat_waktu": "Tepat waktu",
    "terlambat": "Terlambat",
    "ditolak": "Ditolak",
    "tidak_lapor": "Tidak melapor",
}


def election_name(kode_pemilihan: str) -> str:
    """`pilkada-2024` -> `Pilkada 2024`."""
    return kode_pemilihan.replace("-", " ").capitalize()
