"""The Great Expectations suites: keys, regions, stages; never an NRP."""

from lapsit.quality import suites


def test_suites_state_keys_regions_and_stages(ref):
    by_table = suites.suites(["pengamanan", "kesiapan", "submisi_diterima"], ref)
    names = {name: {e.name for e in suite} for name, suite in by_table.items()}
    assert "expect_compound_columns_to_be_unique(id_submisi, kode_kecamatan)" in names["pengamanan"]
    assert (
        "expect_column_pair_values_to_be_equal(kode_polres, polres_wilayah)" in names["pengamanan"]
    )
    assert "expect_column_pair_values_to_be_in_set(kode_polda, kode_polres)" in names["pengamanan"]
    assert "expect_column_values_to_be_between(personel_polri)" in names["pengamanan"]
    assert (
        "expect_column_pair_values_to_be_in_set(kode_pemilihan, kode_tahapan)" in names["kesiapan"]
    )
    assert (
        "expect_compound_columns_to_be_unique(kode_polres, kode_pemilihan, tanggal)"
        in names["submisi_diterima"]
    )
    # Personal data never reaches GX: only whether the NRP has 8 digits.
    netralitas = {e.name for e in suites.section_suite("netralitas", ref)}
    assert not any("(nrp)" in n for n in netralitas)
