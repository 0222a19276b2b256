"""Identity and personal data: a Polres writes only its own rows; no output shows a full NRP.

One batch holds, for every ordered pair (A, B) of the 13 Kalsel Polres with
A != B, a report of Polres B dropped in A's inbox (156 files), beside each
Polres's own valid report. Every own report carries an NRP in its neutrality
case and in free text, and markup in free text; the situation reports
written from the result (when `lapsit.report` is there) and every error
report must show neither a full NRP nor live markup.
"""

import datetime as dt
import json
from itertools import permutations

import polars as pl
import pytest

from lapsit.catalog import section_tables, table
from lapsit.ingest.run import run_ingest
from lapsit.settings import Settings
from lapsit.storage import delta
from lapsit.storage.registry import read_registry
from tests.reliability.checks import nrp_leaks
from tests.reliability.inputs import daily, deliver, kalsel

DAY = dt.date(2024, 11, 21)
MARKUP = "<script>alert('lapsit')</script>"


def nrp(i: int) -> str:
    """A distinct, well-formed 8-digit NRP."""
    return f"8{i:07d}"


@pytest.fixture(scope="module")
def batch(tmp_path_factory, ref):
    """The cross-Polres batch, ingested once: (settings, outcomes by path, planted NRPs)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("identitas") / "data")
    raw = settings.catalog.raw_dir
    planted = set()
    for i, kode in enumerate(kalsel()):
        sections, at = daily(kode, DAY)
        sections["netralitas"] = [
            {
                "tanggal_temuan": DAY,
                "nrp": nrp(i),
                "pangkat": "Bripka",
                "satuan": f"Polres {kode} {nrp(100 + i)}",
                "dugaan": f"Anggota NRP {nrp(200 + i)} hadir di kampanye {MARKUP}",
                "status": "klarifikasi",
                "sanksi": None,
            }
        ]
        sections["pengamanan"][0]["keterangan"] = f"Dipimpin NRP {nrp(300 + i)} {MARKUP}"
        sections["kejadian"] = [
            {
                "waktu": dt.datetime.combine(DAY, dt.time(10, 0)),
                "kode_kecamatan": sections["pengamanan"][0]["kode_kecamatan"],
                "jenis": "intimidasi",
                "uraian": f"Pelapor menyebut NRP {nrp(400 + i)}. {MARKUP}",
                "status": "dalam_proses",
            }
        ]
        planted |= {nrp(i), nrp(100 + i), nrp(200 + i), nrp(300 + i), nrp(400 + i)}
        deliver(raw, kode, f"{DAY}.json", sections, at)
    for n, (inbox, claimed) in enumerate(permutations(kalsel(), 2)):
        sections, at = daily(claimed, DAY)
        sections["laporan"]["pelapor"] += f" ({inbox})"  # not the bytes of B's own report
        sections["netralitas"] = [
            {
                "tanggal_temuan": DAY,
                "nrp": nrp(1000 + n),
                "pangkat": "Brigpol",
                "satuan": "Polsek",
                "dugaan": "Salah kotak",
                "status": "terbukti",
                "sanksi": None,  # a second error, with an NRP on its row
            }
        ]
        planted.add(nrp(1000 + n))
        deliver(raw, inbox, f"{DAY}-milik-{claimed}.json", sections, at)
    summary = run_ingest(settings, ref)
    return settings, {o.delivery.rel: o for o in summary.outcomes}, planted


def test_every_cross_polres_file_is_rejected_on_its_kode_polres(batch, ledger):
    _, outcomes, _ = batch
    pairs = list(permutations(kalsel(), 2))
    assert len(pairs) == 13 * 12
    ledger.inputs += len(pairs) + 13
    wrong = {}
    for inbox, claimed in pairs:
        out = outcomes[f"{inbox}/{DAY}-milik-{claimed}.json"]
        first = out.errors[0] if out.errors else None
        where = (first.sheet, first.column, first.rule, first.value) if first else None
        if out.status != "ditolak" or where != (
            "laporan",
            "kode_polres",
            "polres_sesuai_kotak",
            claimed,
        ):
            wrong[(inbox, claimed)] = (out.status, where)
    assert wrong == {}
    assert {outcomes[f"{kode}/{DAY}.json"].status for kode in kalsel()} == {"diterima"}


def test_every_curated_row_belongs_to_the_inbox_it_came_from(batch):
    settings, outcomes, _ = batch
    inbox = pl.DataFrame(
        {
            "id_submisi": [o.delivery.sha256 for o in outcomes.values()],
            "_inbox": [o.delivery.inbox for o in outcomes.values()],
            "_status": [o.status for o in outcomes.values()],
        }
    )
    for t in section_tables(settings.catalog.curated_dir):
        rows = delta.read(t)
        if rows is None:  # no accepted report had this section that day
            continue
        rows = rows.join(inbox, on="id_submisi", how="left")
        assert rows["_status"].to_list() == ["diterima"] * rows.height, t.name
        assert (rows["kode_polres"] == rows["_inbox"]).all(), t.name
    assert (
        delta.read(section_tables(settings.catalog.curated_dir)[0])["kode_polres"].n_unique() == 13
    )


def test_no_output_shows_a_full_nrp_and_html_shows_no_live_markup(batch, ref, ledger):
    settings, _, planted = batch
    ledger.planted |= planted
    written = _write_situation_reports(settings, ref)
    hits, searched = nrp_leaks(settings.data_dir, planted)
    ledger.scanned += searched
    assert hits == []
    for path in [
        *settings.catalog.reports_dir.rglob("*.html"),
        *settings.catalog.reports_dir.rglob("*.md"),
    ]:
        assert MARKUP not in path.read_text(encoding="utf-8"), path
    if written:  # the situation reports were written and searched too
        assert len(written) == 3 * 14  # the Polda's and each Polres's: HTML, Markdown, PDF
        html = "".join(p.read_text(encoding="utf-8") for p in written if p.suffix == ".html")
        assert "&lt;script&gt;alert(" in html  # the free text is there, as text
    # The curated neutrality table keeps what the Polres sent.
    kept = set(delta.read(table(settings.catalog.curated_dir, "netralitas"))["nrp"])
    assert {nrp(i) for i in range(13)} <= kept


def test_registry_errors_carry_masked_nrps_only(batch):
    settings, _, planted = batch
    registry = read_registry(settings.catalog.curated_dir)
    values = [g["value"] or "" for text in registry["galat"] for g in json.loads(text)]
    assert values and not any(n in v for v in values for n in planted)


def _write_situation_reports(settings: Settings, ref) -> list:
    """The Polda and Polres reports of DAY, when the report package is there."""
    try:
        from lapsit.report.build import build_polda_reports
        from lapsit.report.data import load
        from lapsit.report.render import write_report
    except ImportError:
        return []
    written = []
    for report in build_polda_reports(
        load(settings.catalog.curated_dir), ref, settings, "kalsel", DAY
    ):
        written += write_report(report, settings.catalog).paths
    return written


def test_a_copy_in_another_inbox_does_not_shadow_the_genuine_report(tmp_path, ref):
    settings = Settings(data_dir=tmp_path / "data")
    sections, at = daily("tapin", DAY)
    deliver(settings.catalog.raw_dir, "balangan", f"{DAY}-salinan.json", sections, at)
    deliver(
        settings.catalog.raw_dir, "tapin", f"{DAY}.json", sections, at + dt.timedelta(minutes=5)
    )
    outcomes = {o.delivery.rel: o.status for o in run_ingest(settings, ref).outcomes}
    assert outcomes[f"balangan/{DAY}-salinan.json"] == "ditolak"
    assert outcomes[f"tapin/{DAY}.json"] == "diterima"
