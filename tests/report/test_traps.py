"""The report's v2 rules through real files, ingest, HTML, Markdown and PDF: every input names
the trap it sets, and each test asserts the exact text or number a Polda leader reads.

Season (Polda Kalsel; Balangan, Tabalong, Tapin report, the other ten never do):
- 20-27 Nov every day, two kecamatan each, Polri/TNI/Linmas as BASE;
- trap "anomaly": 25 Nov Tabalong's TNI typed ×10; trap "voting-day jump": 27 Nov every
  Polres multiplies its Linmas by 8 (not an anomaly);
- trap "silent Polres": Tapin sends nothing on 25 Nov;
- traps "follow-up" on 26 Nov: Balangan accepted 19.18 then a correction rejected 19.33
  (perbaikan ditolak); Tabalong rejected 19.00 then accepted 19.30 (diganti); Tapin only
  rejected (belum ada laporan sah);
- trap "shortfall" on 27 Nov: Balangan's Paringin rates 10 rawan and 2 sangat rawan of 60
  TPS and deploys 20 officers (the 2019 pattern needs 50); Tabalong's Tanta has 40 TPS
  without tiers and 15 officers (a lower bound: at least 20); Tapin leaves jumlah_tps empty
  in one kecamatan (cannot be assessed);
- trap "first of the month": 1 Dec, Balangan alone.
"""

import datetime as dt
import re

import polars as pl
import pytest
from bs4 import BeautifulSoup

from lapsit.demo.files import stamp
from lapsit.ingest.run import run_ingest
from lapsit.report.build import build_polda_reports
from lapsit.report.data import load
from lapsit.report.national import build_national
from lapsit.report.render import (
    render_html,
    render_markdown,
    render_national_html,
    render_national_markdown,
    write_national,
    write_report,
)
from lapsit.settings import Settings
from tests.builders import valid_sections, write
from tests.report.pdf import pdf_text

ZONE = "Asia/Makassar"
NOW = dt.datetime(2024, 11, 27, 13, 30, tzinfo=dt.UTC)
D = dt.date.fromisoformat
DAYS = [D("2024-11-20") + dt.timedelta(days=i) for i in range(8)]
FIRST_OF_MONTH = D("2024-12-01")
STAGE_AFTER = "penghitungan suara dan rekapitulasi hasil"
BASE = {  # kode -> (polri, tni, linmas) of its two kecamatan
    "balangan": ((20, 30), (6, 10), (30, 40)),
    "tabalong": ((25, 35), (8, 12), (20, 30)),
    "tapin": ((15, 25), (5, 7), (25, 25)),
}
STAGES = {"kampanye": D("2024-11-20"), "masa_tenang": D("2024-11-24"),
          "pemungutan_suara": D("2024-11-27"), "penghitungan_rekapitulasi": D("2024-11-28")}  # fmt: skip


def stage_of(day: dt.date) -> str:
    return max((start, code) for code, start in STAGES.items() if start <= day)[1]


def report_of(ref, kode: str, day: dt.date, made: dt.time = dt.time(18, 0)) -> dict:
    """A valid report: BASE figures on the Polres's first two kecamatan, nothing else to say."""
    s = valid_sections(kode, day)
    s["laporan"] |= {"kode_tahapan": stage_of(day), "dibuat_pada": dt.datetime.combine(day, made)}
    kec = ref.kecamatan.filter(pl.col("kode_polres") == kode).head(2).to_dicts()
    polri, tni, linmas = BASE[kode]
    for i, row in enumerate(s["pengamanan"]):
        row |= {"kode_kecamatan": kec[i]["kode_kecamatan"], "nama_kecamatan": kec[i]["nama_kecamatan"],
                "personel_polri": polri[i], "personel_tni": tni[i], "personel_linmas": linmas[i],
                "jumlah_tps": 4, "tingkat_kerawanan": "kurang_rawan", "faktor_kerawanan": None}  # fmt: skip
    s["satgas"] = [{"satgas": "preventif", "personel": sum(polri)}]
    s["kejadian"][0] |= {"kode_kecamatan": kec[1]["kode_kecamatan"], "nama_kecamatan": None}
    del s["netralitas"], s["kesiapan"]
    return s


def deliver(settings: Settings, kode: str, name: str, secs: dict, hour: int, minute: int) -> None:
    day = secs["laporan"]["tanggal"]
    path = write(settings.catalog.raw_dir / kode / name, secs)
    stamp(path, dt.datetime.combine(day, dt.time(hour, minute)), ZONE)


@pytest.fixture(scope="module")
def season(ref, tmp_path_factory) -> dict:
    settings = Settings(data_dir=tmp_path_factory.mktemp("traps") / "data")
    for day in DAYS:
        for kode in BASE:
            if (kode, day) == ("tapin", D("2024-11-25")):
                continue  # trap: silent Polres
            s = report_of(ref, kode, day)
            rows = s["pengamanan"]
            if (kode, day) == ("tabalong", D("2024-11-25")):
                for r in rows:
                    r["personel_tni"] *= 10  # trap: an extra zero
            if day == D("2024-11-27"):
                for r in rows:
                    r["personel_linmas"] *= 8  # trap: voting day, every Polres
            if (kode, day) == ("balangan", D("2024-11-27")):
                rows[1] |= {"jumlah_tps": 60, "tps_rawan": 10, "tps_sangat_rawan": 2,
                            "tps_khusus": 0, "personel_polri": 20, "personel_linmas": 320}  # fmt: skip
                s["satgas"][0]["personel"] = 40
            if (kode, day) == ("tabalong", D("2024-11-27")):
                rows[1] |= {"jumlah_tps": 40, "personel_polri": 15}
                s["satgas"][0]["personel"] = 40
            if (kode, day) == ("tapin", D("2024-11-27")):
                rows[0]["jumlah_tps"] = None
            if day == D("2024-11-26"):
                bad = report_of(ref, kode, day, dt.time(19, 0))
                bad["pengamanan"][0]["personel_tni"] = -3
                if kode == "balangan":  # accepted first, the correction rejected
                    deliver(settings, kode, f"{day}.xlsx", s, 19, 18)
                    deliver(settings, kode, f"{day}-perbaikan.xlsx", bad, 19, 33)
                    continue
                deliver(settings, kode, f"{day}-salah.xlsx", bad, 19, 0)
                if kode == "tapin":
                    continue  # only the rejected file
                deliver(settings, kode, f"{day}.xlsx", s, 19, 30)
                continue
            deliver(settings, kode, f"{day}.xlsx", s, 19, 0)
    deliver(
        settings,
        "balangan",
        f"{FIRST_OF_MONTH}.xlsx",
        report_of(ref, "balangan", FIRST_OF_MONTH),
        19,
        0,
    )
    run_ingest(settings, ref)
    snap = load(settings.catalog.curated_dir)
    reports = {
        day: build_polda_reports(snap, ref, settings, "kalsel", day, NOW)
        for day in (D("2024-11-25"), D("2024-11-26"), D("2024-11-27"), FIRST_OF_MONTH)
    }
    return {"settings": settings, "reports": reports, "snap": snap}


def soup_of(season, day: str, index: int = 0) -> BeautifulSoup:
    return BeautifulSoup(render_html(season["reports"][D(day)][index]), "html.parser")


def text(soup: BeautifulSoup, selector: str) -> str:
    """The element's text as a reader sees it: runs of white space one space."""
    return " ".join(soup.select_one(selector).get_text(" ", strip=True).split())


def polres_row(soup: BeautifulSoup, kode: str) -> list[str]:
    tr = soup.select_one(f'#tabel-polres tr[data-polres="{kode}"]')
    return [td.get_text(" ", strip=True) for td in tr.select("td")]


def card(soup: BeautifulSoup, key: str, part: str = "nilai") -> str:
    found = soup.select_one(f'.kartu[data-kunci="{key}"] .{part}')
    return found.get_text(" ", strip=True) if found else ""


# --- follow-up of rejected files ----------------------------------------------------------


def test_rejected_correction_after_an_accepted_file_names_the_file_that_stands(season):
    soup = soup_of(season, "2024-11-26")
    row = soup.select_one('#tabel-ditolak tr[data-polres="balangan"]')
    assert row["data-tindak-lanjut"] == "perbaikan_ditolak"
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert cells[1:3] == ["2024-11-26-perbaikan.xlsx", "19.33"]
    assert cells[-1] == "Perbaikan ditolak yang berlaku: 2024-11-26.xlsx (masuk 19.18)"
    item = text(soup, "#perhatian li.perbaikan-ditolak")
    assert item.startswith(
        "Perbaikan ditolak: Polres Balangan — berkas 2024-11-26-perbaikan.xlsx (masuk 19.33) "
        "ditolak: lembar pengamanan, baris 2, kolom personel_tni"
    )
    assert item.endswith(
        "Yang dihitung masih berkas 2024-11-26.xlsx (masuk 19.18); isi perbaikan itu belum "
        "masuk laporan ini."
    )
    # Its error was on the pengamanan sheet: the neutrality card carries no note.
    assert card(soup, "netralitas", "catatan") == ""
    assert "**Perbaikan ditolak:** Polres Balangan" in render_markdown(
        season["reports"][D("2024-11-26")][0]
    )


def test_rejected_file_followed_by_an_accepted_one_is_replaced(season):
    soup = soup_of(season, "2024-11-26")
    row = soup.select_one('#tabel-ditolak tr[data-polres="tabalong"]')
    assert row["data-tindak-lanjut"] == "diganti"
    assert row.select("td")[-1].get_text(strip=True) == "Diganti berkas sah"


def test_polres_whose_only_file_was_rejected_has_no_valid_report(season):
    soup = soup_of(season, "2024-11-26")
    row = soup.select_one('#tabel-ditolak tr[data-polres="tapin"]')
    assert row["data-tindak-lanjut"] == "belum_sah"
    assert row.select("td")[-1].get_text(strip=True) == "Belum ada laporan sah"
    assert "Laporan ditolak, belum ada laporan sah: Polres Tapin" in text(soup, "#perhatian")
    assert set(polres_row(soup, "tapin")[2:]) == {"–"}


# --- a Polres silent for a day -------------------------------------------------------------


def test_silent_polres_is_tidak_melapor_never_zero(season):
    soup = soup_of(season, "2024-11-25")
    assert polres_row(soup, "tapin")[1] == "Tidak melapor"
    assert set(polres_row(soup, "tapin")[2:]) == {"–"}
    assert card(soup, "polres_lapor") == "2 dari 13"
    # Totals over fewer Polres than the Polda has are marked incomplete.
    assert card(soup, "personel_polri", "catatan") == "2 dari 13 Polres"
    tapin = BeautifulSoup(render_html(season["reports"][D("2024-11-25")][5]), "html.parser")
    assert card(tapin, "personel_polri") == "–"
    # No report is not "no shortfall": the staffing card and section say it was not assessed.
    assert card(tapin, "kekurangan") == "–"
    assert text(tapin, "#kekuatan-personel").endswith(
        "tidak ada laporan pengamanan yang sah untuk tanggal ini."
    )
    assert "Polres Tapin tidak mengirim laporan yang sah" in text(tapin, "#tanpa-laporan")
    row = tapin.select("#tabel-tren tbody tr")[-1].select("td")
    assert [td.get_text(strip=True) for td in row] == [
        "25 Nov 2024",
        "tidak melapor",
        "–",
        "–",
        "–",
        "–",
    ]


def test_change_after_a_silent_day_sums_only_the_polres_of_both_days(season):
    """24 Nov -> 25 Nov: Tapin (silent on 25) is left out, so the Polri change of Balangan and
    Tabalong is `tetap` although the totals fell by Tapin's 40. On 26 Nov Tapin reported on
    neither day (silent, then rejected): nobody is left out."""
    soup = soup_of(season, "2024-11-25")
    note = text(soup, "#pembanding")
    assert note == (
        "Perubahan (▲ naik, ▼ turun) dibandingkan laporan Minggu, 24 November 2024. Perubahan "
        "dihitung atas 2 Polres yang melapor pada kedua hari ; 1 Polres tidak dibandingkan "
        "(melapor hanya pada salah satu hari): Polres Tapin. Jumlah Polres melapor dibandingkan "
        "apa adanya."
    )
    assert card(soup, "personel_polri") == "110"
    assert card(soup, "personel_polri", "ubah") == "tetap"
    assert card(soup, "polres_lapor", "ubah") == "▼ 1"
    soup = soup_of(season, "2024-11-26")
    assert text(soup, "#pembanding") == (
        "Perubahan (▲ naik, ▼ turun) dibandingkan laporan Senin, 25 November 2024."
    )
    report = season["reports"][D("2024-11-26")][0]
    assert report.banding.kedua_hari == ["balangan", "tabalong"]
    assert report.angka["personel_polri"]["selisih"] == 0
    assert card(soup, "personel_polri", "ubah") == "tetap"
    # The TNI change hides Tabalong's typo of the day before: 180 -> 20 is a real drop.
    assert report.angka["personel_tni"]["selisih"] == (6 + 10 + 8 + 12) - (6 + 10 + 80 + 120)


def test_stage_boundary_voting_day_compares_with_the_last_quiet_day(season):
    soup = soup_of(season, "2024-11-27")
    note = text(soup, "#pembanding")
    assert note.startswith(
        "Perubahan (▲ naik, ▼ turun) dibandingkan laporan Selasa, 26 November 2024 "
        "(tahapan masa tenang)."
    )
    assert "1 Polres tidak dibandingkan (melapor hanya pada salah satu hari): Polres Tapin" in note


# --- kekuatan personel ----------------------------------------------------------------------


def test_planted_shortfall_is_listed_largest_deficit_first(season, ref):
    soup = soup_of(season, "2024-11-27")
    paringin = ref.kecamatan.filter(pl.col("kode_polres") == "balangan")["nama_kecamatan"][1]
    rows = soup.select("#tabel-kekuatan tbody tr")
    cells = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in rows]
    assert cells[0] == ["Polres Balangan", paringin, "60 48 / 10 / 2 / 0", "50", "20", "30",
                        "120", "320", "–"]  # fmt: skip
    assert cells[1][:6] == ["Polres Tabalong", cells[1][1], "40 tanpa rincian", "≥ 20", "15", "5"]
    assert len(cells) == 2
    intro = text(soup, "#kekuatan-personel .pengantar")
    assert intro.startswith(
        "5 kecamatan dinilai menurut pola pengamanan TPS: 2 kurang personel (kurang 35 Polri)."
    )
    assert "4 kecamatan dinilai sebagai batas bawah (≥)" in intro
    assert text(soup, "#tidak-dapat-dinilai").startswith(
        "Tidak dapat dinilai (1 kecamatan, tanpa jumlah TPS):"
    )
    assert card(soup, "kekurangan") == "2"
    per_polres = [[td.get_text(strip=True) for td in tr.select("td")]
                  for tr in soup.select("#tabel-kekuatan-polres tbody tr")]  # fmt: skip
    assert per_polres == [["Polres Balangan", "1", "30", "0"], ["Polres Tabalong", "1", "5", "0"]]
    assert (
        "2 kecamatan kurang personel menurut pola pengamanan TPS (kurang 35 Polri); terbesar: "
        f"{paringin} (Polres Balangan), kurang 30 Polri." in text(soup, "#perhatian")
    )
    balangan = soup_of(season, "2024-11-27", 1 + 8)  # Polres Balangan's own report
    assert card(balangan, "kekurangan") == "1"
    assert f"terbesar: {paringin}, kurang 30 Polri" in text(balangan, "#perhatian")


def test_no_staffing_assessment_outside_the_deployment_window(season):
    soup = soup_of(season, "2024-12-01")
    assert text(soup, "#kekuatan-personel") == (
        "3. Kekuatan personel di TPS Kekuatan personel dinilai pada laporan masa tenang dan hari "
        f"pemungutan suara; laporan ini pada tahapan {STAGE_AFTER}."
    )
    assert soup.select("#tabel-kekuatan") == []


# --- anomali data ----------------------------------------------------------------------------


def test_planted_anomaly_is_flagged_and_the_figure_unchanged(season):
    soup = soup_of(season, "2024-11-25")
    (row,) = soup.select("#tabel-anomali tbody tr")
    assert [td.get_text(" ", strip=True) for td in row.select("td")] == [
        "Polres Tabalong", "Personel TNI", "200", "20 5 laporan", "×10,0", "×1,0"
    ]  # fmt: skip
    assert card(soup, "personel_tni") == str(200 + 6 + 10)  # counted as reported
    assert (
        "1 angka tidak biasa (anomali data): Polres Tabalong: personel TNI 200 (biasanya 20)"
        in text(soup, "#perhatian")
    )
    assert text(soup, "#kelengkapan #peringatan-anomali").startswith("1 angka personel jauh")


def test_voting_day_jump_of_every_polres_is_not_an_anomaly(season):
    soup = soup_of(season, "2024-11-27")
    assert soup.select("#tabel-anomali") == []
    assert text(soup, "#anomali").startswith("8. Anomali data Tidak ada angka personel")


# --- dates, language, the single-Polres report ---------------------------------------------


def test_first_of_the_month_has_no_leading_zero(season):
    soup = soup_of(season, "2024-12-01")
    assert "Minggu, 1 Desember 2024" in text(soup, "header.kop")
    html = render_html(season["reports"][FIRST_OF_MONTH][0])
    assert not re.search(
        r"\b0\d (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember)",
        html,
    )
    md = render_markdown(season["reports"][FIRST_OF_MONTH][0])
    assert "Minggu, 1 Desember 2024" in md and "01 Desember" not in md
    # The previous day with data is 27 Nov, four days and a stage earlier.
    assert (
        "dibandingkan laporan Rabu, 27 November 2024 (tahapan pemungutan suara), hari laporan terakhir sebelumnya"
        in text(soup, "#pembanding")
    )


def test_language_fixes(season):
    soup = soup_of(season, "2024-11-27")
    summary = [
        td.get_text(strip=True) for td in soup.select("#ringkasan table.banding td:first-child")
    ]
    assert "TPS di kecamatan yang diamankan" in summary
    assert "3 kejadian: 3 perusakan APK." in text(soup, "#perhatian")
    assert "tahapan pemungutan suara" in text(soup, "#tren")
    headers = [
        th.get_text(" ", strip=True)
        for th in soup_of(season, "2024-11-26").select("#tabel-ditolak th")
    ]
    assert "Waktu masuk (WITA)" in headers and "Diterima" not in headers
    tapin = soup_of(season, "2024-12-01", 5)
    assert text(tapin, "#tanpa-laporan") == (
        "Tidak ada laporan sah yang diterima untuk Minggu, 1 Desember 2024. Polres Tapin tidak "
        "mengirim laporan yang sah; lihat bagian 9."
    )


def test_single_polres_report_has_no_polda_only_figures(season):
    soup = soup_of(season, "2024-11-27", 9)
    labels = [
        td.get_text(strip=True) for td in soup.select("#ringkasan table.banding td:first-child")
    ]
    assert "Polres melapor" not in labels and "Laporan tepat waktu" not in labels
    assert card(soup, "polres_lapor") == ""
    md = render_markdown(season["reports"][D("2024-11-27")][9])
    assert "| Polres melapor |" not in md


# --- the same figures in HTML, Markdown and PDF ---------------------------------------------


def test_pdf_has_the_html_figures(season, tmp_path):
    report = season["reports"][D("2024-11-27")][0]
    written = write_report(report, Settings(data_dir=tmp_path).catalog)
    assert written.pdf_error is None
    pdf = pdf_text(written.paths[-1])
    soup = BeautifulSoup(render_html(report), "html.parser")
    for key in ("personel_polri", "personel_tni", "personel_linmas", "kecamatan", "kekurangan"):
        assert card(soup, key) in pdf, key
    for kode in BASE:
        assert " ".join(polres_row(soup, kode)[2:]) in pdf, kode
    kekuatan = [
        td.get_text(" ", strip=True)
        for td in soup.select("#tabel-kekuatan tbody tr")[0].select("td")
    ]
    assert " ".join(kekuatan) in pdf
    assert re.search(r"Halaman 1 dari \d+", pdf)
    assert "Rabu, 27 November 2024" in pdf


# --- the national roll-up ----------------------------------------------------------------------


def test_national_roll_up_one_row_per_polda_with_the_same_rules(season, ref, tmp_path):
    snap, settings = season["snap"], season["settings"]
    day = D("2024-11-25")
    polda = [
        build_polda_reports(snap, ref, settings, p, day, NOW, polda_only=True)[0]
        for p in ref.polda_codes()
    ]
    national = build_national(polda, NOW)
    soup = BeautifulSoup(render_national_html(national), "html.parser")
    rows = {tr["data-polda"]: [td.get_text(" ", strip=True) for td in tr.select("td")]
            for tr in soup.select("#tabel-nasional tbody tr")}  # fmt: skip
    assert list(rows) == ["kalsel", "sumsel", "jatim", "jambi"]
    kalsel = polda[0]
    assert rows["kalsel"][1] == "2 dari 13 2 tepat waktu"
    assert rows["kalsel"][2].split() == [str(kalsel.angka["personel_polri"]["nilai"]), "tetap"]
    assert kalsel.angka["personel_polri"]["nilai"] == 50 + 60
    assert rows["kalsel"][9] == "1"  # Tabalong's TNI
    assert rows["sumsel"][1:3] == ["0 dari 2 0 tepat waktu", "–"]
    foot = [td.get_text(" ", strip=True) for td in soup.select("#tabel-nasional tfoot td")]
    assert foot[1] == "2 dari 17 1 dari 4 Polda"
    assert "Polda tanpa laporan sah: Polda Sumatera Selatan, Polda Jawa Timur, Polda Jambi" in text(
        soup, "#perhatian"
    )
    assert (
        "Polda Kalimantan Selatan: 1 angka tidak biasa — Polres Tabalong: personel TNI 200 (biasanya 20)"
        in text(soup, "#perhatian")
    )
    md = render_national_markdown(national)
    assert "| Polda Sumatera Selatan | 0 dari 2 | – | – | – |" in md
    written = write_national(national, Settings(data_dir=tmp_path).catalog)
    assert [p.relative_to(tmp_path).as_posix() for p in written.paths] == [
        f"reports/nasional/{day}/lapsit-nasional-{day}.{ext}" for ext in ("html", "md", "pdf")
    ]
    assert "2 dari 17" in pdf_text(written.paths[-1])
