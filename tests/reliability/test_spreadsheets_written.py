"""Workbooks lapsit writes carry text as text: nothing it puts in a cell becomes a formula.

The only workbook lapsit writes is the Polres template (lapsit writes no
CSV). Its text comes from the reference files, which Polda staff edit; here
their names start with `=`, `+`, `-` and `@`, as a formula-injection
payload would, and every such cell must come back as a string.
"""

import dataclasses

import polars as pl
import pytest

openpyxl = pytest.importorskip("openpyxl")

PAYLOADS = ['=HYPERLINK("http://127.0.0.1:9/","x")', "+1+1", "-2+3", "@SUM(1)"]


def test_the_template_writes_formula_like_names_as_text(tmp_path, ref):
    template = pytest.importorskip("lapsit.publishing.template")
    kode = "balangan"
    mine = pl.col("kode_polres") == kode
    # Each kecamatan name gets a payload in front (names stay distinct).
    payload = pl.Series([PAYLOADS[i % len(PAYLOADS)] for i in range(ref.kecamatan.height)])
    kecamatan = ref.kecamatan.with_columns(
        pl.when(mine)
        .then(pl.lit(payload) + pl.col("nama_kecamatan"))
        .otherwise(pl.col("nama_kecamatan"))
        .alias("nama_kecamatan")
    )
    polres = ref.polres.with_columns(
        pl.when(mine)
        .then(pl.lit(PAYLOADS[1]))
        .otherwise(pl.col("nama_polres"))
        .alias("nama_polres")
    )
    hostile = dataclasses.replace(ref, kecamatan=kecamatan, polres=polres)
    path = template.write_template(tmp_path / "templat.xlsx", hostile, kode)

    book = openpyxl.load_workbook(path)
    formulas, payload_cells = [], 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(f"{sheet.title}!{cell.coordinate}: {cell.value}")
                elif isinstance(cell.value, str) and cell.value.startswith(tuple("=+-@")):
                    payload_cells += 1
    assert formulas == []
    assert payload_cells >= 4  # the names are there, as text
