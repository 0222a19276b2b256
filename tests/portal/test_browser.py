"""The portal in a real browser: Debian's Chromium, headless, driven by Selenium.

Selenium is pointed at Debian's /usr/bin/chromedriver (package `chromium-driver`, which
`.ci/run` installs) and never downloads a driver. Screenshots are written to
LAPSIT_SCREENSHOTS when set (to look at during development), else to the test's folder.
"""

import datetime as dt
import os
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.builders import valid_sections, write
from tests.portal.conftest import PASSWORD

CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(
    not CHROMEDRIVER.exists() or not Path(CHROMIUM).exists(),
    reason="Chromium and its driver are not installed "
    "(`apt-get install chromium chromium-driver`, as .ci/run does)",
)


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1000", "--lang=id"):  # fmt: skip
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("LAPSIT_SCREENSHOTS") or tmp_path / "layar")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _not_reported() -> str:
    """A Polres without a report today: not *yet* before 20.00 WITA, not at all from it."""
    now = dt.datetime.now(ZoneInfo("Asia/Makassar"))
    return "Belum melapor" if now.time() < dt.time(20) else "Tidak melapor"


def _press(browser, element) -> None:
    """Click what submits a form or follows a link, and wait until the next page replaced
    this one (a click returns before a form's POST and its redirect have loaded)."""
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.wait import WebDriverWait

    element.click()
    WebDriverWait(browser, 30).until(staleness_of(element))


def _sign_in(browser, live, name):
    from selenium.webdriver.common.by import By

    browser.get(f"{live.url}/masuk")
    browser.find_element(By.ID, "nama").send_keys(name)
    browser.find_element(By.ID, "sandi").send_keys(PASSWORD)
    _press(browser, browser.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def _upload(browser, path: Path):
    from selenium.webdriver.common.by import By

    browser.find_element(By.ID, "berkas").send_keys(str(path))
    _press(
        browser, browser.find_element(By.XPATH, "//button[normalize-space()='Kirim dan periksa']")
    )


def _cells(browser, css: str) -> list[list[str]]:
    from selenium.webdriver.common.by import By

    return [
        [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        for tr in browser.find_elements(By.CSS_SELECTOR, css)
    ]


def test_an_operator_fixes_a_rejected_workbook_and_signs_out(live, browser, shots, tmp_path):
    from selenium.webdriver.common.by import By

    bad = valid_sections()
    bad["pengamanan"][0]["personel_tni"] = "sepuluh"
    bad_path = write(tmp_path / "laporan-salah.xlsx", bad)
    good_path = write(tmp_path / "laporan-perbaikan.xlsx", valid_sections())

    _sign_in(browser, live, "op-balangan")
    assert "Polres Balangan" in browser.find_element(By.TAG_NAME, "h1").text
    status = browser.find_element(By.CSS_SELECTOR, "section .status").text
    assert _not_reported() in status  # told in words, not by colour alone
    browser.save_screenshot(str(shots / "operator-beranda.png"))

    _upload(browser, bad_path)
    assert "TIDAK SAH" in browser.find_element(By.CSS_SELECTOR, ".pesan").text
    rows = _cells(browser, "table.tumpuk tbody tr")
    assert rows[0][:4] == ["pengamanan", "2", "personel_tni", "sepuluh"]
    assert "bukan bilangan bulat" in rows[0][4]
    browser.save_screenshot(str(shots / "operator-putusan-ditolak.png"))

    browser.get(f"{live.url}/beranda")
    _upload(browser, good_path)
    assert "SAH" in browser.find_element(By.CSS_SELECTOR, ".pesan.baik").text
    browser.save_screenshot(str(shots / "operator-putusan-sah.png"))

    browser.get(f"{live.url}/submisi")
    listed = _cells(browser, "table.tumpuk tbody tr")
    assert len(listed) == 2
    assert listed[0][0].endswith("laporan-perbaikan.xlsx") and "✔ Sah" in listed[0][2]
    assert listed[1][0].endswith("laporan-salah.xlsx") and "✖ Tidak sah" in listed[1][2]
    assert all("Menunggu ingest" in r[3] for r in listed)
    assert all(r[1].endswith("WITA") for r in listed)
    browser.save_screenshot(str(shots / "operator-kiriman.png"))

    # The error report opens, printable, with the same errors.
    _press(browser, browser.find_elements(By.LINK_TEXT, "buka")[1])
    assert "Hasil pemeriksaan berkas" in browser.find_element(By.TAG_NAME, "h1").text
    assert "WITA" in browser.page_source and "UTC" not in browser.page_source
    browser.save_screenshot(str(shots / "operator-laporan-galat.png"))

    browser.get(f"{live.url}/beranda")
    _press(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Keluar']"))
    assert browser.current_url.endswith("/masuk?keluar=1")
    browser.get(f"{live.url}/beranda")
    assert browser.current_url.endswith("/masuk")  # signed out: the session is gone


def test_staff_see_the_board_of_their_polda_and_a_phone_sized_window_works(
    live, browser, shots, tmp_path
):
    from selenium.webdriver.common.by import By

    # Tapin reported (valid), Balangan sent a rejected file; the rest have not reported.
    with live.client("op-tapin") as client:
        data = write(tmp_path / "t.xlsx", valid_sections("tapin")).read_bytes()
        client.post("/api/v1/submisi", files={"berkas": ("tapin.xlsx", data)})
    _sign_in(browser, live, "staf-kalsel")
    assert "Kalimantan Selatan" in browser.find_element(By.TAG_NAME, "h1").text
    rows = {r[0]: r for r in _cells(browser, "table.tumpuk tbody tr") if r}
    assert len([k for k in rows if k.startswith("Polres")]) >= 13
    assert "Terkirim, menunggu ingest" in rows["Polres Tapin"][1]
    assert _not_reported() in rows["Polres Balangan"][1]
    assert not [k for k in rows if "Ogan Ilir" in k]  # nothing of another Polda
    browser.save_screenshot(str(shots / "staf-papan.png"))

    browser.set_window_size(390, 844)  # a phone
    browser.get(f"{live.url}/beranda")
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 400, f"the board is {width}px wide on a 390px phone"
    browser.save_screenshot(str(shots / "staf-papan-ponsel.png"))
    _press(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Keluar']"))
    browser.find_element(By.ID, "nama").send_keys("op-balangan")
    browser.find_element(By.ID, "sandi").send_keys(PASSWORD)
    _press(browser, browser.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 400
    browser.save_screenshot(str(shots / "operator-ponsel.png"))
