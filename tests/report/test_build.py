"""The situation report: figures checked against the test's own inputs, through real HTML."""

import datetime as dt
import html as html_lib
import multiprocessing
import re
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import polars as pl
import pytest
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from lapsit.catalog import Catalog
from lapsit.demo.files import stamp
from lapsit.ingest.run import run_ingest
from lapsit.reference import Reference
from lapsit.report import charts, drawing
from lapsit.report.build import Report, build_polda_reports
from lapsit.report.data import VersionError, load, registry_versions
from lapsit.report.render import change, number, render_html, render_markdown, write_report
from lapsit.settings import Settings
from tests.builders import valid_sections, write
from tests.report.pdf import pdf_text

ZONE = "Asia/Makassar"
D1 = dt.date(2024, 11, 19)
D2 = dt.date(2024, 11, 20)  # campaign day 57 of 60
EMPTY_DAY = dt.date(2024, 11, 21)
NOW = dt.datetime(2024, 11, 20, 13, 0, tzinfo=dt.UTC)  # 21.00 WITA
HOSTILE = '<script>alert("x")</script> & <b>tebal</b>'
NRP = "87050123"
NRP_IN_TEXT = "87050999"
N_POLRES_KALSEL = 13


def sections(
    ref: Reference,
    kode: str,
    tanggal: dt.date,
    polri: tuple[int, int],
    stage: str = "kampanye",
    made: dt.time = dt.time(18, 30),
) -> dict:
    """A valid report of `kode` on two of its own kecamatan with the given Polri personnel."""
    s = valid_sections(kode, tanggal)
    s["laporan"]["kode_tahapan"] = stage
    s["laporan"]["dibuat_pada"] = dt.datetime.combine(tanggal, made)
    kec = ref.kecamatan.filter(pl.col("kode_polres") == kode).head(2).to_dicts()
    for row, k, p in zip(s["pengamanan"], kec, polri, strict=True):
        row |= {"kode_kecamatan": k["kode_kecamatan"], "nama_kecamatan": k["nama_kecamatan"]}
        row["personel_polri"] = p
    s["kejadian"][0] |= {"kode_kecamatan": kec[1]["kode_kecamatan"], "nama_kecamatan": None}
    s["satgas"] = [{"satgas": "preventif", "personel": sum(polri)}]
    return s


def deliver(settings: Settings, kode: str, name: str, secs: dict, at: dt.datetime) -> dict:
    """Write a submission into the Polres's inbox, delivered at a local (WITA) time."""
    path = write(settings.catalog.raw_dir / kode / name, secs)
    stamp(path, at, ZONE)
    return secs


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def total(subs: list[dict], section: str, column: str) -> int:
    return sum(row[column] for s in subs for row in s[section])


@pytest.fixture(scope="module")
def season(ref: Reference, tmp_path_factory) -> dict:
    """Two days of Polda Kalsel: what each Polres sent, ingested once."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("lapsit") / "data")
    sent: dict = {}
    sent["balangan_d1"] = deliver(
        settings, "balangan", f"{D1}.xlsx", sections(ref, "balangan", D1, (18, 30)), local(D1, 19)
    )
    hostile = sections(ref, "balangan", D2, (22, 37))
    hostile["kejadian"][0]["uraian"] = HOSTILE
    hostile["pengamanan"][0]["keterangan"] = f"Dipimpin anggota NRP {NRP_IN_TEXT}"
    hostile["netralitas"][0] |= {"nrp": NRP, "dugaan": f"Hadir di kampanye | NRP {NRP}"}
    sent["balangan"] = deliver(settings, "balangan", f"{D2}.xlsx", hostile, local(D2, 19))
    late = sections(ref, "tabalong", D2, (40, 15))
    late["satgas"] = [{"satgas": "preventif", "personel": 50}]  # a warning: 50 != 55
    late["pengamanan"][1]["tingkat_kerawanan"] = "sangat_rawan"
    late["pengamanan"][1]["faktor_kerawanan"] = "terpencil;politik_uang"
    sent["tabalong"] = deliver(settings, "tabalong", f"{D2}.json", late, local(D2, 21, 15))
    first = sections(ref, "banjar", D2, (60, 70))
    deliver(settings, "banjar", f"{D2}.xlsx", first, local(D2, 19, 10))
    newest = sections(ref, "banjar", D2, (25, 31), made=dt.time(19, 40))
    sent["banjar"] = deliver(settings, "banjar", f"{D2}-revisi.json", newest, local(D2, 19, 50))
    bad = sections(ref, "tapin", D2, (12, 14))
    bad["pengamanan"][0]["personel_tni"] = -3  # rejected: tidak_negatif
    deliver(settings, "tapin", f"{D2}.xlsx", bad, local(D2, 19, 30))
    run_ingest(settings, ref)
    snap = load(settings.catalog.curated_dir)
    reports = {
        day: build_polda_reports(snap, ref, settings, "kalsel", day, now=NOW)
        for day in (D2, EMPTY_DAY)
    }
    return {"settings": settings, "sent": sent, "reports": reports}


@pytest.fixture(scope="module")
def polda(season) -> Report:
    return season["reports"][D2][0]


@pytest.fixture(scope="module")
def html(polda) -> BeautifulSoup:
    return BeautifulSoup(render_html(polda), "html.parser")


def as_int(text: str) -> int:
    """`1.234` -> 1234 (Indonesian thousands separator)."""
    return int(text.strip().replace(".", ""))


def card(soup: BeautifulSoup, key: str) -> str:
    return soup.select_one(f'.kartu[data-kunci="{key}"] .nilai').get_text(strip=True)


def summary_table(soup: BeautifulSoup) -> dict[str, str]:
    """Indicator -> value on the report date, from the first comparison table."""
    rows = soup.select("#ringkasan table.banding")[0].select("tbody tr")
    return {r.select("td")[0].get_text(strip=True): r.select("td")[1].get_text() for r in rows}


def markdown_table(md: str, header: str) -> list[list[str]]:
    """The cells of the Markdown table whose header row starts with `header`."""
    lines = md.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {header} |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]])
    return rows


def test_summary_figures_equal_the_sums_of_the_inputs(season, html):
    counted = [season["sent"][k] for k in ("balangan", "tabalong", "banjar")]
    for key, column in [
        ("personel_polri", "personel_polri"),
        ("personel_tni", "personel_tni"),
        ("personel_linmas", "personel_linmas"),
    ]:
        assert as_int(card(html, key)) == total(counted, "pengamanan", column)
    assert card(html, "polres_lapor") == f"3 dari {N_POLRES_KALSEL}"
    assert as_int(card(html, "kejadian")) == sum(len(s["kejadian"]) for s in counted)
    assert as_int(card(html, "kecamatan")) == sum(len(s["pengamanan"]) for s in counted)
    table = summary_table(html)
    # Balangan (19.00) and Banjar's revision (19.50) are on time; Tabalong (21.15) is late.
    assert as_int(table["Laporan tepat waktu"]) == 2
    assert as_int(table["Kasus netralitas"]) == sum(len(s["netralitas"]) for s in counted)
    assert as_int(table["Kecamatan sangat rawan"]) == 1


def test_change_counts_only_the_polres_that_reported_on_both_days(season, html):
    """Trap: Tabalong and Banjar report on 20 Nov only; a change over every Polres would
    read their whole strength as growth. Only Balangan reported on 19 and 20 Nov."""
    now, before = season["sent"]["balangan"], season["sent"]["balangan_d1"]
    diff = total([now], "pengamanan", "personel_polri") - total(
        [before], "pengamanan", "personel_polri"
    )
    assert diff == 22 + 37 - (18 + 30)
    shown = html.select_one('.kartu[data-kunci="personel_polri"] .ubah').get_text(strip=True)
    assert shown == f"▲ {number(diff)}"
    # The count of Polres reporting compares the raw counts: 3 today, 1 the day before.
    shown = html.select_one('.kartu[data-kunci="polres_lapor"] .ubah').get_text(strip=True)
    assert shown == "▲ 2"
    note = html.select_one("#pembanding").get_text(" ", strip=True)
    assert "dibandingkan laporan Selasa, 19 November 2024" in note
    assert "Perubahan dihitung atas 1 Polres yang melapor pada kedua hari" in note
    assert "2 Polres tidak dibandingkan" in note
    assert "Polres Banjar" in note and "Polres Tabalong" in note


def test_per_polres_table_matches_each_polres_and_the_total(season, html):
    rows = {tr["data-polres"]: tr.select("td") for tr in html.select("#tabel-polres tbody tr")}
    assert len(rows) == N_POLRES_KALSEL
    for kode in ("balangan", "tabalong", "banjar"):
        polri = as_int(rows[kode][2].get_text())
        assert polri == total([season["sent"][kode]], "pengamanan", "personel_polri")
    assert "Terlambat" in rows["tabalong"][1].get_text()
    assert "pukul 21.15" in rows["tabalong"][1].get_text()
    assert "Tepat waktu" in rows["balangan"][1].get_text()
    assert rows["tapin"][1].get_text(strip=True) == "Ditolak"
    assert rows["kotabaru"][1].get_text(strip=True) == "Tidak melapor"
    # Trap: a Polres that did not report (or was rejected) is tidak melapor, never 0.
    for kode in ("kotabaru", "tapin"):
        assert {td.get_text(strip=True) for td in rows[kode][2:]} == {"–"}
    foot = html.select("#tabel-polres tfoot td")
    reported = [r for r in rows.values() if r[2].get_text(strip=True) != "–"]
    assert len(reported) == 3
    assert as_int(foot[2].get_text()) == sum(as_int(r[2].get_text()) for r in reported)


def test_superseded_submission_counts_only_the_newest(season, html):
    rows = {tr["data-polres"]: tr.select("td") for tr in html.select("#tabel-polres tbody tr")}
    assert as_int(rows["banjar"][2].get_text()) == 25 + 31
    assert "Polres Banjar: berkas 2024-11-20.xlsx digantikan" in html.select_one(
        "#kelengkapan"
    ).get_text(" ", strip=True)


def test_polres_whose_only_submission_was_rejected_is_listed_with_the_reason(html):
    row = html.select_one('#tabel-ditolak tr[data-polres="tapin"]')
    text = row.get_text(" ", strip=True)
    assert "Polres Tapin" in text
    assert "kolom personel_tni" in text
    assert "tidak boleh negatif" in text
    assert "Belum ada laporan sah" in text
    attention = html.select_one("#perhatian").get_text(" ", strip=True)
    assert "Polres Tapin" in attention and "tidak boleh negatif" in attention


def test_missing_polres_and_warnings_are_listed(html):
    missing = [li.get_text(strip=True) for li in html.select("#tidak-lapor li")]
    assert len(missing) == N_POLRES_KALSEL - 4  # balangan, tabalong, banjar sent; tapin rejected
    assert "Polres Kotabaru" in missing and "Polres Tapin" not in missing
    quality = html.select_one("#kelengkapan").get_text(" ", strip=True)
    assert "Jumlah personel seluruh Satgas (50)" in quality


def test_stage_and_day_number_in_the_header(html):
    header = html.select_one("header.kop").get_text(" ", strip=True)
    assert "Rabu, 20 November 2024" in header
    assert "Masa kampanye, hari ke-57 dari 60" in header
    assert "WITA" in header


def test_free_text_is_escaped_not_markup(html, polda):
    assert html.find("script") is None
    assert html.find("b", string="tebal") is None
    cells = [td.get_text() for td in html.select("#tabel-kejadian td.uraian")]
    assert HOSTILE in cells
    md = render_markdown(polda)
    assert "<script>" not in md and "<b>" not in md
    # Rendered, the Markdown shows the text as sent, not its markup.
    rendered = MarkdownIt("commonmark").render(md)
    assert HOSTILE in html_lib.unescape(rendered) and "<b>" not in rendered


def catalog_at(data_dir: Path) -> Catalog:
    """The catalog of a data dir (reports under `data_dir/reports/`)."""
    return Settings(data_dir=data_dir).catalog


def test_no_full_nrp_anywhere_in_the_output(season, tmp_path):
    for report in season["reports"][D2]:
        # The Polda's report is also printed: its PDF's text must not hold a whole NRP either.
        written = write_report(report, catalog_at(tmp_path), pdf=report is season["reports"][D2][0])
        for path in written.paths:
            text = pdf_text(path) if path.suffix == ".pdf" else path.read_text(encoding="utf-8")
            assert NRP not in text and NRP_IN_TEXT not in text, path.name
            assert not re.search(r"\d{8}", text), path.name  # nothing NRP-shaped at all
    folder = tmp_path / "reports" / "kalsel" / str(D2)
    assert "*****123" in (folder / f"lapsit-kalsel-{D2}.html").read_text()
    balangan = (folder / f"lapsit-balangan-{D2}.html").read_text()
    assert "*****123" in balangan and "NRP *****999" in balangan


def test_markdown_figures_equal_the_html_figures(polda, html):
    md = render_markdown(polda)
    md_summary = {row[0]: row[1] for row in markdown_table(md, "Indikator")}
    assert md_summary == {k: v.strip() for k, v in summary_table(html).items()}
    md_polres = markdown_table(md, "Polres | Status")
    html_polres = html.select("#tabel-polres tbody tr, #tabel-polres tfoot tr")
    assert len(md_polres) == len(html_polres) == N_POLRES_KALSEL + 1
    for md_row, tr in zip(md_polres, html_polres, strict=True):
        cells = [td.get_text(strip=True) for td in tr.select("td")]
        assert md_row[0].strip("*") == cells[0]
        assert md_row[3:] == cells[2:]  # numbers (the Markdown has the time in its own column)


def test_date_without_any_submission_says_so_and_lists_everyone(season):
    report = season["reports"][EMPTY_DAY][0]
    soup = BeautifulSoup(render_html(report), "html.parser")
    assert " ".join(soup.select_one("#tanpa-laporan").get_text().split()) == (
        "Tidak ada laporan sah yang diterima untuk Kamis, 21 November 2024. Tidak satu pun dari "
        "13 Polres mengirim laporan yang sah; lihat bagian 9."
    )
    assert len(soup.select("#tidak-lapor li")) == N_POLRES_KALSEL
    assert card(soup, "polres_lapor") == f"0 dari {N_POLRES_KALSEL}"
    assert "perubahan harian tidak dihitung" in soup.select_one("#pembanding").get_text()
    md = render_markdown(report)
    assert "Tidak ada laporan sah" in md and "- Polres Kotabaru" in md


def test_polres_report_is_written_for_every_polres(season, tmp_path):
    paths = [
        p for r in season["reports"][D2] for p in write_report(r, catalog_at(tmp_path), False).paths
    ]
    assert len(paths) == 2 * (1 + N_POLRES_KALSEL)
    balangan = tmp_path / "reports" / "kalsel" / str(D2) / f"lapsit-balangan-{D2}.html"
    soup = BeautifulSoup(balangan.read_text(), "html.parser")
    rows = soup.select("#tabel-kecamatan tbody tr")
    polri = [as_int(tr.select("td")[2].get_text()) for tr in rows]
    assert polri == [r["personel_polri"] for r in season["sent"]["balangan"]["pengamanan"]]
    assert soup.find("script") is None


def test_first_day_of_a_stage_compares_with_the_last_day_of_the_one_before(ref, settings):
    """Trap: a stage boundary. 24 Nov opens the quiet period; 23 Nov (campaign) has data."""
    last = dt.date(2024, 11, 23)
    first = dt.date(2024, 11, 24)  # masa_tenang starts
    deliver(
        settings,
        "balangan",
        f"{last}.xlsx",
        sections(ref, "balangan", last, (10, 10)),
        local(last, 19),
    )
    deliver(
        settings,
        "balangan",
        f"{first}.xlsx",
        sections(ref, "balangan", first, (30, 30), stage="masa_tenang"),
        local(first, 19),
    )
    run_ingest(settings, ref)
    report = build_polda_reports(
        load(settings.catalog.curated_dir), ref, settings, "kalsel", first, NOW
    )[0]
    assert report.pembanding == last
    soup = BeautifulSoup(render_html(report), "html.parser")
    note = soup.select_one("#pembanding").get_text(" ", strip=True)
    assert "dibandingkan laporan Sabtu, 23 November 2024 (tahapan masa kampanye)" in note
    shown = soup.select_one('.kartu[data-kunci="personel_polri"] .ubah').get_text(strip=True)
    assert shown == "▲ 40"  # 30 + 30 against 10 + 10
    assert "Masa tenang, hari ke-1 dari 3" in soup.select_one("header.kop").get_text(" ")


def _sections_text(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [s.get_text(" ", strip=True) for s in soup.select("section")]


def test_as_of_version_reproduces_an_earlier_report(ref, settings):
    deliver(
        settings, "balangan", f"{D2}.xlsx", sections(ref, "balangan", D2, (20, 30)), local(D2, 19)
    )
    run_ingest(settings, ref)
    then = build_polda_reports(
        load(settings.catalog.curated_dir), ref, settings, "kalsel", D2, NOW
    )[0]
    # A later run: a revision supersedes Balangan's file and Tabalong reports.
    revision = sections(ref, "balangan", D2, (90, 90), made=dt.time(19, 45))
    deliver(settings, "balangan", f"{D2}-revisi.xlsx", revision, local(D2, 19, 50))
    deliver(
        settings, "tabalong", f"{D2}.xlsx", sections(ref, "tabalong", D2, (5, 5)), local(D2, 19)
    )
    run_ingest(settings, ref)
    assert registry_versions(settings.catalog.curated_dir) == [0, 1]
    now = build_polda_reports(load(settings.catalog.curated_dir), ref, settings, "kalsel", D2, NOW)[
        0
    ]
    assert now.angka["personel_polri"]["nilai"] == 90 + 90 + 5 + 5
    old = load(settings.catalog.curated_dir, as_of_version=0)
    again = build_polda_reports(old, ref, settings, "kalsel", D2, NOW)[0]
    assert again.angka["personel_polri"]["nilai"] == 20 + 30
    assert _sections_text(render_html(again)) == _sections_text(render_html(then))
    header = BeautifulSoup(render_html(again), "html.parser").select_one("#versi-data")
    assert "registri submisi versi 0" in header.get_text(" ", strip=True)
    with pytest.raises(VersionError, match="Versi registri 7 tidak ada"):
        load(settings.catalog.curated_dir, as_of_version=7)


def test_report_files_are_named_by_polda_and_date(season, tmp_path):
    written = write_report(season["reports"][D2][0], catalog_at(tmp_path))
    assert written.pdf_error is None
    assert [p.relative_to(tmp_path / "reports").as_posix() for p in written.paths] == [
        f"kalsel/{D2}/lapsit-kalsel-{D2}.html",
        f"kalsel/{D2}/lapsit-kalsel-{D2}.md",
        f"kalsel/{D2}/lapsit-kalsel-{D2}.pdf",
    ]


def test_html_is_self_contained_and_printable(html):
    assert not html.select("link[href], script[src], img[src^=http]")
    style = html.style.get_text()
    assert "@page" in style and "size: A4" in style and "counter(page)" in style
    assert "thead { display: table-header-group; }" in style
    assert len(html.select(".klasifikasi")) == 2
    assert len(html.select("#tren svg")) == 2


def test_indonesian_number_and_change_formatting():
    assert number(1234567) == "1.234.567"
    assert change(12) == "▲ 12"
    assert change(-1500) == "▼ 1.500"
    assert change(0) == "tetap"
    assert change(None) == ""


def test_charts_are_deterministic_inline_svg():
    trend = [
        {"tanggal": D1, "polres_lapor": 3, "personel_polri": 100, "personel_tni": 30,
         "personel_linmas": 200, "kejadian": 2},
        {"tanggal": D2, "polres_lapor": 0, "personel_polri": 0, "personel_tni": 0,
         "personel_linmas": 0, "kejadian": 0},
    ]  # fmt: skip
    svg = charts.personnel_chart(trend, D1)
    assert svg == charts.personnel_chart(trend, D1)
    assert svg.startswith("<svg ") and "<?xml" not in svg
    assert "Polri" in svg  # text stays text (svg.fonttype none)
    assert charts.incident_chart(trend, None) == charts.incident_chart(trend, None)


def test_reports_dir_is_under_the_data_dir(season):
    settings: Settings = season["settings"]
    paths = write_report(season["reports"][D2][1], settings.catalog, pdf=False).paths
    assert all(Path(p).is_relative_to(settings.data_dir / "reports" / "kalsel") for p in paths)


def test_quality_gate_warnings_come_first_and_escaped(season, ref):
    snap = load(season["settings"].catalog.curated_dir)
    warning = "Ekspektasi gagal: <i>pengamanan</i> personel_polri >= 0"
    report = build_polda_reports(
        snap, ref, season["settings"], "kalsel", D2, NOW, quality_warnings=[warning]
    )[0]
    soup = BeautifulSoup(render_html(report), "html.parser")
    box = soup.select_one("#ringkasan #peringatan-kualitas")
    assert warning in box.get_text()
    assert soup.find("i") is None
    assert "Peringatan mutu data" in render_markdown(report)


def test_charts_drawn_in_worker_processes_are_the_ones_drawn_here(season, ref, monkeypatch):
    """A large Polda's charts are drawn in worker processes: the same SVG, report by report."""
    settings = season["settings"]
    here = season["reports"][D2]
    monkeypatch.setattr(drawing, "POOL_FROM", 2)  # Kalsel's 14 reports, as if it were large
    monkeypatch.setattr(drawing, "cores", lambda: 2)
    data = (here[0].tren, here[0].tahapan.mulai if here[0].tahapan else None, here[0].jumlah_polres)
    with drawing.Drawer(len(here)) as drawer:
        assert drawer.submit(*data)() == here[0].grafik
        assert multiprocessing.active_children()  # drawn by the pool's workers
    pooled = build_polda_reports(
        load(settings.catalog.curated_dir), ref, settings, "kalsel", D2, now=NOW
    )
    assert [r.scope.kode_polres for r in pooled] == [r.scope.kode_polres for r in here]
    assert sum(bool(r.grafik) for r in pooled) >= 3  # the Polda's and those who reported
    assert [r.grafik for r in pooled] == [r.grafik for r in here]
    assert [render_html(a) for a in pooled] == [render_html(b) for b in here]


def test_a_worker_killed_mid_polda_costs_time_not_charts(season, monkeypatch):
    here = season["reports"][D2]
    monkeypatch.setattr(drawing, "POOL_FROM", 2)
    monkeypatch.setattr(drawing, "cores", lambda: 2)
    data = [(r.tren, r.tahapan.mulai if r.tahapan else None, r.jumlah_polres) for r in here]
    with drawing.Drawer(len(here)) as drawer:
        assert drawer.submit(*data[0])() == here[0].grafik
        for worker in multiprocessing.active_children():  # the pool's workers
            worker.kill()
        # Submitted before the pool knew: the worker's death surfaces in the result.
        drawn = [drawer.submit(*data[1])()]
        # Submitted after: the broken pool is let go, and the rest are drawn here.
        pending = [drawer.submit(*d) for d in data[2:]]
        assert not multiprocessing.active_children()  # no worker left to draw them
        drawn += [charts() for charts in pending]
    assert drawn == [r.grafik for r in here[1:]]


def test_charts_are_drawn_here_when_a_worker_dies(polda):
    trend, start = polda.tren, polda.tahapan.mulai
    died: Future = Future()
    died.set_exception(BrokenProcessPool("worker killed"))
    assert drawing.collect(died, trend, start, polda.jumlah_polres) == polda.grafik


def test_a_report_made_before_the_deadline_says_not_reported_yet(season, ref):
    """`belum_lapor` before the Polda's deadline on the date, `tidak_lapor` from it on."""
    settings, snap = season["settings"], load(season["settings"].catalog.curated_dir)
    shown = []
    for made in (dt.datetime(2024, 11, 20, 11, 59, tzinfo=dt.UTC),  # 19.59 WITA
                 dt.datetime(2024, 11, 20, 12, 0, tzinfo=dt.UTC)):  # 20.00 WITA  # fmt: skip
        report = build_polda_reports(snap, ref, settings, "kalsel", D2, made, polda_only=True)[0]
        soup = BeautifulSoup(render_html(report), "html.parser")
        row = soup.select_one('#tabel-polres tr[data-polres="kotabaru"]').select("td")
        status = {p["kode_polres"]: p["status"] for p in report.polres}["kotabaru"]
        listed = "Belum mengirim laporan" in soup.get_text() and "Belum" in render_markdown(report)
        shown.append((status, row[1].get_text(strip=True), listed))
    assert shown == [
        ("belum_lapor", "Belum melapor", True),
        ("tidak_lapor", "Tidak melapor", False),
    ]
