"""Delta slices: the predicate is balanced and grouped; thousands of slices replace in one transaction."""

import datetime as dt

import polars as pl

from lapsit.catalog import Slice, table
from lapsit.storage import delta


def test_slice_predicate_is_balanced_and_groups_dates():
    keys = [
        Slice("kalsel", p, "pilkada-2024", d)
        for p in ("balangan", "tabalong", "tapin")
        for d in (dt.date(2024, 11, 19), dt.date(2024, 11, 20))
    ]
    predicate = delta.slice_predicate(keys)
    assert predicate.count("tanggal IN ('2024-11-19', '2024-11-20')") == 3
    assert predicate.count(" OR ") == 2
    # Thousands of slices stay shallow (a flat OR chain overflowed delta-rs's stack).
    many = [
        keys[0]._replace(kode_polres=f"polres-{i}", tanggal=dt.date(2024, 1, 1))
        for i in range(4096)
    ]
    deepest = max(_depths(delta.slice_predicate(many)))
    assert deepest <= 14


def _depths(text: str):
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        yield depth


def test_thousands_of_slices_replace_in_one_transaction(settings):
    t = table(settings.catalog.curated_dir, "satgas")
    days = [dt.date(2020, 1, 1) + dt.timedelta(days=i) for i in range(3000)]
    rows = pl.DataFrame(
        {
            "kode_polda": "kalsel",
            "kode_polres": "balangan",
            "kode_pemilihan": "pilkada-2024",
            "kode_tahapan": "kampanye",
            "tanggal": days,
            "id_submisi": "x",
            "satgas": "preventif",
            "personel": 1,
        }
    )
    keys = [Slice(*row) for row in rows.select(Slice._fields).iter_rows()]
    assert delta.replace_slices(t, rows, keys)
    assert delta.replace_slices(t, rows.with_columns(personel=pl.lit(2)), keys)
    assert delta.read(t)["personel"].to_list() == [2] * 3000
