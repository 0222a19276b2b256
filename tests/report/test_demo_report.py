"""The demo season's reports say what the issue found missing: each test names the planted
case (lapsit/demo/season.py, lapsit/demo/sumsel.py) and the exact words a leader reads."""

import datetime as dt
import shutil

import pytest
from bs4 import BeautifulSoup

from lapsit.demo import sumsel
from lapsit.ingest.run import run_ingest
from lapsit.report.build import build_polda_reports
from lapsit.report.data import load
from lapsit.report.render import render_html
from lapsit.settings import Settings

D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def ingested(ref, demo_raw, tmp_path_factory) -> Settings:
    settings = Settings(data_dir=tmp_path_factory.mktemp("demo-report") / "data")
    shutil.copytree(demo_raw, settings.catalog.raw_dir)
    run_ingest(settings, ref)
    return settings


@pytest.fixture(scope="module")
def built(ref, ingested):
    settings = ingested
    snap = load(settings.catalog.curated_dir)

    def soup(polda: str, day: str) -> BeautifulSoup:
        report = build_polda_reports(snap, ref, settings, polda, D(day), polda_only=True)[0]
        return BeautifulSoup(render_html(report), "html.parser")

    return soup


def words(soup: BeautifulSoup, selector: str) -> str:
    return " ".join(soup.select_one(selector).get_text(" ", strip=True).split())


def test_hsu_proven_case_in_a_rejected_correction_is_not_lost(built):
    """27 Nov: HSU's accepted file at 19.18, its correction with a terbukti case without
    sanksi rejected at 19.33. The report used to say 'Sudah diganti berkas yang sah'."""
    soup = built("kalsel", "2024-11-27")
    row = soup.select_one('#tabel-ditolak tr[data-polres="hulu-sungai-utara"]')
    assert row["data-tindak-lanjut"] == "perbaikan_ditolak"
    assert row.select("td")[-1].get_text(" ", strip=True) == (
        "Perbaikan ditolak yang berlaku: 2024-11-27.xlsx (masuk 19.18)"
    )
    assert (
        "Perbaikan ditolak: Polres Hulu Sungai Utara — berkas 2024-11-27-netralitas-tanpa-sanksi.xlsx (masuk 19.33)"
        in words(soup, "#perhatian")
    )
    card = words(soup, '.kartu[data-kunci="netralitas"]')
    assert card == "0 Kasus netralitas tetap kasus dalam perbaikan yang ditolak belum dihitung"


def test_hst_rejected_only_file_is_tidak_melapor_not_an_improvement(built):
    """25 Nov: Hulu Sungai Tengah's only file was rejected; its figures are '–' and the
    change leaves it out instead of reading its absence as a drop."""
    soup = built("kalsel", "2024-11-25")
    row = soup.select_one('#tabel-polres tr[data-polres="hulu-sungai-tengah"]')
    assert {td.get_text(strip=True) for td in row.select("td")[2:]} == {"–"}
    assert (
        "1 Polres tidak dibandingkan (melapor hanya pada salah satu hari): Polres Hulu Sungai Tengah"
        in words(soup, "#pembanding")
    )


def test_voting_day_compares_with_the_last_quiet_day(built):
    note = words(built("kalsel", "2024-11-27"), "#pembanding")
    assert note.startswith(
        "Perubahan (▲ naik, ▼ turun) dibandingkan laporan Selasa, 26 November 2024 (tahapan masa tenang)."
    )


def test_sumsel_planted_anomaly_and_no_anomaly_on_voting_day(built):
    kode, day, column, times = sumsel.ANOMALY
    soup = built("sumsel", day.isoformat())
    (row,) = soup.select("#tabel-anomali tbody tr")
    assert (row["data-polres"], row["data-kolom"]) == (kode, column)
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert cells[:3] == ["Polres Ogan Ilir", "Personel TNI", "1.360"] and cells[4] == f"×{times},0"
    for polda in ("kalsel", "sumsel"):
        assert built(polda, "2024-11-27").select("#tabel-anomali") == []


def test_sumsel_planted_shortfall_comes_first(built):
    kode, day, kecamatan, sangat_rawan, officers = sumsel.SHORTFALL
    soup = built("sumsel", day.isoformat())
    first = soup.select("#tabel-kekuatan tbody tr")[0]
    assert first["data-kecamatan"] == kecamatan and kode == "pagar-alam"
    cells = [td.get_text(" ", strip=True) for td in first.select("td")]
    assert cells[:2] == ["Polres Pagar Alam", "Dempo Selatan"]
    assert cells[2] == f"97 87 / 5 / {sangat_rawan} / 1"
    assert cells[3:6] == ["≥ 36", str(officers), "27"]  # khusus has no pattern: a lower bound
    assert words(soup, "#tidak-dapat-dinilai").startswith(
        "Tidak dapat dinilai (1 kecamatan, tanpa jumlah TPS): Muara Kuang (Polres Ogan Ilir)."
    )


def test_sumsel_silent_day_and_first_of_the_month(built):
    soup = built("sumsel", "2024-11-25")
    row = soup.select_one('#tabel-polres tr[data-polres="pagar-alam"]')
    assert row.select("td")[1].get_text(strip=True) == "Tidak melapor"
    assert words(soup, '.kartu[data-kunci="personel_polri"] .catatan') == "1 dari 2 Polres"
    assert "Minggu, 1 Desember 2024" in words(built("sumsel", "2024-12-01"), "header.kop")


def test_a_polda_report_read_from_its_own_partitions_is_the_same_report(ref, ingested):
    """A Polda's report reads only its partitions of the section tables (SECTION_PARTITIONS
    starts with kode_polda); what it says is what the whole tables say."""
    settings, day, now = ingested, D("2024-11-27"), dt.datetime(2024, 11, 27, 15, tzinfo=dt.UTC)
    whole = load(settings.catalog.curated_dir)
    own = load(settings.catalog.curated_dir, kode_polda="sumsel")
    assert all(whole.sections[n]["kode_polda"].n_unique() == 2 for n in ("pengamanan", "satgas"))
    for name, frame in own.sections.items():
        assert set(frame["kode_polda"]) <= {"sumsel"}, name
        assert frame.height == whole.sections[name].filter(kode_polda="sumsel").height, name
    assert own.sections["pengamanan"].height > 0
    assert own.versions == whole.versions
    for polda_only in (True, False):
        a, b = (build_polda_reports(x, ref, settings, "sumsel", day, now, polda_only=polda_only)
                for x in (whole, own))  # fmt: skip
        assert [render_html(r) for r in a] == [render_html(r) for r in b]
    with pytest.raises(ValueError, match="sumsel"):
        build_polda_reports(own, ref, settings, "kalsel", day, now, polda_only=True)
