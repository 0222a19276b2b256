"""The pages over HTTP, as a browser without JavaScript uses them."""

import datetime as dt
import io
import re

import openpyxl
from bs4 import BeautifulSoup

from lapsit.ingest.run import run_ingest
from tests.builders import valid_sections, write
from tests.portal.conftest import sign_in


def test_todays_template_downloads_for_the_operator_and_for_staff(live):
    client, _ = sign_in(live, "op-balangan")
    answer = client.get("/templat")
    assert answer.status_code == 200
    name = re.search(r'filename="([^"]+)"', answer.headers["content-disposition"]).group(1)
    assert name.startswith("templat-balangan-") and name.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert book["laporan"]["A2"].value == "balangan"
    staff, _ = sign_in(live, "staf-kalsel")
    book = openpyxl.load_workbook(io.BytesIO(staff.get("/templat?polres=tapin").content))
    assert book["laporan"]["A2"].value == "tapin"
    staged = live.settings.catalog.upload_staging
    assert not list(staged.iterdir())  # the generated file is removed once sent


def test_a_json_verdict_speaks_of_keys_and_the_error_report_follows_the_ingest(live, tmp_path, ref):
    client, token = sign_in(live, "op-balangan")
    sections = valid_sections()
    sections["pengamanan"][0]["personel_polri"] = "1.234"
    data = write(tmp_path / "laporan.json", sections).read_bytes()
    page = client.post("/unggah", files={"berkas": ("laporan.json", data)}, data={"csrf": token})
    soup = BeautifulSoup(page.text, "html.parser")
    assert [th.text for th in soup.select("thead th")][:3] == ["Kunci", "Objek ke-", "Kunci isian"]
    cells = [td.text for td in soup.select("tbody tr")[0].select("td")]
    assert cells[:4] == ["pengamanan", "1", "personel_polri", "1.234"]
    assert "tulis tanpa titik pemisah ribuan" in cells[4]
    link = soup.find("a", string="Laporan galat untuk dicetak")["href"]
    before = client.get(link).text
    assert "TIDAK SAH MENURUT PEMERIKSAAN" in before and "WITA" in before
    run_ingest(live.settings, ref)
    after = BeautifulSoup(client.get(link).text, "html.parser")
    assert "DITOLAK" in after.text and "Waktu terima:" in after.text and "UTC" not in after.text
    assert after.select_one("thead th").text == "Kunci"
    listed = BeautifulSoup(client.get("/submisi").text, "html.parser")
    assert "✖ Ditolak" in listed.select("tbody tr")[0].text


def test_staff_read_their_polda_reports_and_nothing_else(live):
    folder = live.settings.catalog.report_dir("kalsel", dt.date(2024, 11, 27))
    folder.mkdir(parents=True)
    (folder / "lapsit-kalsel-2024-11-27.html").write_text("<h1>Laporan situasi</h1>")
    other = live.settings.catalog.report_dir("sumsel", dt.date(2024, 11, 27))
    other.mkdir(parents=True)
    (other / "lapsit-sumsel-2024-11-27.html").write_text("<h1>Sumsel</h1>")
    staff, _ = sign_in(live, "staf-kalsel")
    board = BeautifulSoup(staff.get("/beranda").text, "html.parser")
    links = [a["href"] for a in board.select("a[href^='/laporan/']")]
    assert links == ["/laporan/2024-11-27/lapsit-kalsel-2024-11-27.html"]
    assert staff.get(links[0]).text == "<h1>Laporan situasi</h1>"
    for path in ("/laporan/2024-11-27/lapsit-sumsel-2024-11-27.html",
                 "/laporan/2024-11-27/..%2F..%2Fsumsel%2F2024-11-27%2Flapsit-sumsel-2024-11-27.html",
                 "/laporan/..%2Fsumsel/lapsit-sumsel-2024-11-27.html"):  # fmt: skip
        assert staff.get(path).status_code == 404
    operator, _ = sign_in(live, "op-balangan")
    assert operator.get(links[0]).status_code == 403


def test_pages_are_light_and_load_nothing_from_elsewhere(live):
    client, _ = sign_in(live, "staf-kalsel")
    for path in ("/masuk", "/beranda", "/submisi"):
        page = client.get(path)
        assert len(page.content) < 40_000, (path, len(page.content))
        soup = BeautifulSoup(page.text, "html.parser")
        assert not soup.find_all("script")
        external = [
            tag.get("src") or tag.get("href")
            for tag in soup.find_all(["img", "link", "script", "iframe", "a"])
            if (tag.get("src") or tag.get("href") or "").startswith(("http:", "https:", "//"))
        ]
        assert external == [], (path, external)
