"""Kekuatan personel: the strength a kecamatan's TPS need under the pattern, on plain rows."""

import pytest

from lapsit.report.staffing import NATIONAL_PATTERN, Pattern, assess_rows, need, patterns, tiers_of


def row(kode="balangan", polri=20, linmas=100, tps=60, tiers=(None, None, None), name="K", i=0):
    rawan, sangat, khusus = tiers
    return {
        "kode_polres": kode, "nama_polres": f"Polres {kode}", "_urutan": i,
        "kode_kecamatan": f"63.11.0{i}", "nama_kecamatan": name, "tingkat_kerawanan": "rawan",
        "personel_polri": polri, "personel_linmas": linmas, "jumlah_tps": tps,
        "tps_rawan": rawan, "tps_sangat_rawan": sangat, "tps_khusus": khusus,
    }  # fmt: skip


def test_the_most_specific_pattern_wins_tier_by_tier(ref):
    hss = patterns(ref, "kalsel", "hulu-sungai-selatan")
    assert hss["kurang_rawan"] == Pattern(2, 12, 24, "Polres Hulu Sungai Selatan")
    assert hss["khusus"] == Pattern(2, 1, None, "Polres Hulu Sungai Selatan")
    balangan = patterns(ref, "kalsel", "balangan")
    assert balangan["rawan"] == Pattern(4, 2, 8, NATIONAL_PATTERN)
    assert "khusus" not in balangan  # the national default has no khusus tier


def test_need_sums_ceil_of_each_tier_over_its_pattern(ref):
    """60 TPS: 10 rawan, 2 sangat rawan, the other 48 kurang rawan, under the 2019 pattern."""
    tps, rated = tiers_of(row(tiers=(10, 2, 0)))
    assert rated and tps == {"kurang_rawan": 48, "rawan": 10, "sangat_rawan": 2, "khusus": 0}
    needed = need(tps, patterns(ref, "kalsel", "balangan"))
    assert needed["polri"] == 12 * 2 + 5 * 4 + 1 * 6 == 50
    assert needed["linmas"] == 12 * 6 + 5 * 8 + 1 * 8 == 120
    assert needed["tanpa_pola"] == [] and not needed["linmas_sebagian"]


def test_an_odd_tps_count_rounds_the_posts_up(ref):
    needed = need({"kurang_rawan": 13}, patterns(ref, "kalsel", "hulu-sungai-selatan"))
    assert needed["polri"] == 2 * 2 and needed["linmas"] == 2 * 24


def test_shortfalls_largest_deficit_first_lower_bounds_marked(ref):
    pattern = {k: patterns(ref, "kalsel", k) for k in ("balangan", "tabalong")}
    rows = [
        row(polri=20, tiers=(10, 2, 0), name="Paringin", i=1),  # needs 50: 30 short
        row("tabalong", polri=15, linmas=200, tps=40, name="Tanta", i=2),  # >= 20: 5 short
        row(polri=60, linmas=120, tiers=(10, 2, 0), name="Cukup", i=3),  # needs 50, 120: enough
        row(tps=None, name="Tanpa TPS", i=4),
    ]
    found = assess_rows(rows, pattern)
    assert [
        (r["nama_kecamatan"], r["kurang_polri"], r["batas_bawah"]) for r in found.kekurangan
    ] == [
        ("Paringin", 30, False),
        ("Tanta", 5, True),
    ]
    assert found.jumlah_dinilai == 3 and found.batas_bawah == 1
    assert [r["nama_kecamatan"] for r in found.tidak_dapat_dinilai] == ["Tanpa TPS"]
    assert found.kurang_polri == 35


def test_khusus_tps_without_a_pattern_make_a_lower_bound(ref):
    found = assess_rows(
        [row(polri=0, tiers=(0, 0, 3))], {"balangan": patterns(ref, "kalsel", "balangan")}
    )
    (short,) = found.kekurangan
    assert short["tanpa_pola"] == ["khusus"] and short["batas_bawah"]
    assert short["perlu_polri"] == 15 * 2 == 30  # the 57 kurang rawan TPS alone


@pytest.mark.parametrize(("linmas", "gap"), [(119, 1), (120, None)])
def test_a_linmas_shortfall_alone_is_listed(ref, linmas, gap):
    found = assess_rows(
        [row(polri=80, linmas=linmas, tiers=(10, 2, 0))],
        {"balangan": patterns(ref, "kalsel", "balangan")},
    )
    assert [r["kurang_linmas"] for r in found.kekurangan] == ([gap] if gap else [])
