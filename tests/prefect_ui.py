"""The Polda officer's day in the Prefect UI, in Debian's headless Chromium (docs/operations.md).

`night` starts a real `prefect server start`, runs `lapsit demo` against it
(last night: the nightly run and its rejected submissions) and serves the
deployments with `lapsit serve`. `Officer` drives Chromium through the UI as a
desktop browser in WITA, one method per step, each returning what the page shows:
the Dashboard, the Runs page filtered by a tag, a rejected submission's run and
its state message, an artifact, and a deployment's run form filled in and submitted.
`scripts/ui_tour.py` takes the screenshots; `tests/flows/test_prefect_ui.py`
asserts what the officer must see.
"""

import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from selenium import webdriver
from selenium.common.exceptions import (
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.prefect_server import background, environment, free_port, running_server

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
LAPSIT = Path(sys.executable).parent / "lapsit"
# The officer's browser: a desktop (mouse, hover) in Banjarmasin. Headless Chromium
# reports no hover and no fine pointer unless told, and the UI then draws its
# mobile widgets (native selects); it shows every time in the browser's zone.
DESKTOP = "primaryHoverType=2,availableHoverTypes=2,primaryPointerType=4,availablePointerTypes=4"
ZONE = "Asia/Makassar"
WIDTH, HEIGHT = 1440, 1000
# How long a page may take to show what is asked, on a loaded 2-core machine.
PAGE_SECONDS = 45
# A run submitted from a form: `lapsit serve` polls every 10 s, then the run itself.
RUN_SECONDS = 240
DEPLOYMENTS = 5
FINAL = ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")


def have_chromium() -> bool:
    return bool(shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER))


@dataclass(frozen=True)
class Night:
    """A server holding last night's demo season, its deployments served."""

    api: str
    data: Path
    demo_output: str

    @property
    def ui(self) -> str:
        return self.api.removesuffix("/api")

    def post(self, path: str, body: dict | None = None) -> Any:
        """One call of the server's REST API (POST: the filters), its JSON."""
        response = httpx.post(f"{self.api}{path}", json=body or {}, timeout=30)
        response.raise_for_status()
        return response.json()

    def flow_runs(self, **flow_runs: Any) -> list[dict]:
        return self.post("/flow_runs/filter", {"flow_runs": flow_runs, "limit": 200})

    def rejected_runs(self) -> list[dict]:
        return [r for r in self.flow_runs() if r["name"].startswith("ditolak · ")]

    def artifact(self, key: str) -> dict:
        """The latest version of an artifact."""
        (latest,) = self.post(
            "/artifacts/filter",
            {"artifacts": {"key": {"any_": [key]}}, "sort": "CREATED_DESC", "limit": 1},
        )
        return latest

    def deployment(self, flow_name: str) -> dict:
        (found,) = [
            d
            for d in self.post("/deployments/filter")
            if d["entrypoint"].endswith(f".{flow_name}_flow")
        ]
        return found

    def wait_for_run(self, run_id: str, seconds: float = RUN_SECONDS) -> dict:
        """A flow run once it has ended (or as it stands after `seconds`)."""
        deadline = time.monotonic() + seconds
        while True:
            (run,) = self.flow_runs(id={"any_": [run_id]})
            if run["state"]["type"] in FINAL or time.monotonic() > deadline:
                return run
            time.sleep(2)


@contextmanager
def night(work: Path, port: int | None = None) -> Iterator[Night]:
    """`prefect server start`, `lapsit demo` on it, then `lapsit serve` until the block ends."""
    home, data = work / "prefect-home", work / "data"
    port = port or free_port()
    api = f"http://127.0.0.1:{port}/api"
    # The UI asks the API where PREFECT_UI_API_URL says (127.0.0.1:4200 unless told).
    with running_server(home, port=port, PREFECT_UI_API_URL=api):
        # Prefect's own default level: the Logs tabs show what an officer's server holds.
        env = environment(home, PREFECT_API_URL=api, PREFECT_LOGGING_LEVEL="INFO")
        demo = subprocess.run(
            [str(LAPSIT), "demo", "--data-dir", str(data)],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if demo.returncode != 0:
            raise RuntimeError(f"lapsit demo: exit {demo.returncode}\n{demo.stderr[-3000:]}")
        with background(
            [str(LAPSIT), "serve", "--data-dir", str(data)], work / "serve.log", env=env
        ):
            served = Night(api, data, demo.stdout + demo.stderr)
            _until(lambda: len(served.post("/deployments/filter")) >= DEPLOYMENTS, RUN_SECONDS)
            yield served


def _until(ready: Callable[[], Any], seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while not (found := ready()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"not ready after {seconds} s")
        time.sleep(1)
    return found


def browser(width: int = WIDTH, height: int = HEIGHT) -> webdriver.Chrome:
    """Debian's Chromium, headless, as a desktop browser in the officer's time zone."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
        f"--blink-settings={DESKTOP}",
        "--lang=id-ID",
    ):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(CHROMEDRIVER, env={"TZ": ZONE}), options=options)


@dataclass(frozen=True)
class Column:
    """Where a table column lies, relative to the part of the table the page shows."""

    name: str
    left: float
    right: float
    visible_width: float

    @property
    def visible(self) -> bool:
        return self.right <= self.visible_width + 1


class Officer:
    """One browser session on the UI; screenshots to `out` when given."""

    def __init__(self, ui: str, out: Path | None = None) -> None:
        self.ui, self.out = ui, out
        self.driver = browser()
        self.shots: list[Path] = []

    def close(self) -> None:
        self.driver.quit()

    # --- the steps -------------------------------------------------------------------

    def dashboard(self) -> dict[str, Any]:
        """The Dashboard: the failed-run count, the failed runs by flow, that group opened."""
        self.open("/dashboard", "Flow Runs")
        self.wait_for(
            lambda: self.driver.find_elements(By.CSS_SELECTOR, ".flow-runs-bar-chart__bar-flow-run")
        )
        failed = self.wait_for(
            lambda: self.steady(
                lambda: self.text_of(
                    ".flow-run-state-type-count:has(.bg-state-failed-500) "
                    ".flow-run-state-type-count__value"
                )
            )
        )
        groups = self.wait_for(
            lambda: self.steady(lambda: self.texts(".flow-runs-accordion-header"))
        )
        groups = [" ".join(g.split()) for g in groups]
        self.shot("1-dashboard")
        self.click(".flow-runs-accordion-header")
        listed = self.wait_for(
            lambda: self.steady(
                lambda: self.texts(".flow-runs-accordion a[href*='/runs/flow-run/']")
            )
        )
        self.shot("1-dashboard-ditolak")
        return {"failed": int(failed), "groups": groups, "listed": listed}

    def runs(self, tag: str | None = None) -> list[str]:
        """The Runs page, filtered by a tag picked in its Tags filter: the runs listed."""
        self.open("/runs", "Date Range")
        self.wait_for(lambda: self.steady(self.listed))
        if tag is None:
            self.shot("2-runs")
            self.scroll_to(".flow-run-list-item")
            self.shot("2-runs-list")
            self.scroll_into_view(
                self.driver.find_elements(By.CSS_SELECTOR, ".flow-run-list-item")[-1]
            )
            self.shot("2-runs-list-end")
            return [name for name, _ in self.listed()]
        self.pick_tag(tag)
        self.wait_for(lambda: f"tag={tag}" in self.driver.current_url)
        # Until the list is the filtered one (each run listed shows its tags); after that,
        # what the page shows is returned as it is: the caller judges it.
        with suppress(TimeoutException):
            self.wait_for(lambda: all(tag in tags for _, tags in self.listed()))
        self.shot(f"3-runs-{tag.replace(':', '-')}")
        return [name for name, _ in self.listed()]

    def rejected_run(self, run_id: str) -> dict[str, Any]:
        """A rejected submission's run: its badge, tags, Logs, and its state message in full."""
        self.open(f"/runs/flow-run/{run_id}", "Parent Run")
        badge = self.wait_for(lambda: self.text_of(".state-badge"))
        hover = self.driver.find_element(By.CSS_SELECTOR, ".page-heading .state-badge")
        ActionChains(self.driver).move_to_element(hover).pause(1).perform()
        self.shot("4-ditolak-badge-hover")
        tags = self.texts(".page-heading .p-tag:not(.state-badge)")
        logs = self.wait_for(
            lambda: self.tab_text("logs", ("didn't generate logs", "Finished in state"))
        )
        self.shot("4-ditolak-logs")
        self.click("li.p-tab#details")
        self.wait_for(lambda: "State Message" in self.tab_text("details", ("State Message",)))
        truncated = self.state_message()
        self.shot("5-ditolak-details")
        self.click_text("See More")
        full = self.wait_for(lambda: (m := self.state_message()) != truncated and m)
        self.shot("6-ditolak-message")
        return {"badge": badge, "tags": tags, "logs": logs, "truncated": truncated, "full": full}

    def artifact(self, artifact_id: str, expect: str, name: str, width: int = WIDTH) -> dict:
        """An artifact's page at a window width: its text and where its table columns lie."""
        self.driver.set_window_size(width, HEIGHT)
        try:
            self.open(f"/artifacts/artifact/{artifact_id}", expect)
            text = self.main_text()
            self.shot(name)
            return {"text": text, "columns": self.columns()}
        finally:
            self.driver.set_window_size(WIDTH, HEIGHT)

    def submit_form(self, deployment_id: str, values: dict[str, str]) -> str:
        """A deployment's run form (Run -> Custom run), fields filled by label, submitted.

        Returns the id of the flow run it created (the toast's *View run*).
        """
        self.open(f"/deployments/deployment/{deployment_id}", "Deployment ID")
        self.wait_for(lambda: self.button("Run")).click()
        self.wait_for(lambda: "Custom run" in self.text_of(".run-menu__overflow-menu"))
        self.shot("10-run-menu")
        self.click_text("Custom run")
        self.wait_for(lambda: urlsplit(self.driver.current_url).path.endswith("/run"))
        for label, value in values.items():
            self.fill(label, value)
        self.shot("11-form-filled")
        submit = self.wait_for(lambda: self.button("Submit"))
        self.scroll_into_view(submit)
        self.shot("12-form-submit-button")
        submit.click()
        view = self.wait_for(lambda: self.button("View run"))
        self.shot("13-form-submitted")
        view.click()
        url = self.wait_for(
            lambda: re.search(r"/runs/flow-run/([0-9a-f-]{36})", self.driver.current_url)
        )
        return url.group(1)

    def run_page(self, run_id: str, expect: str, name: str) -> str:
        """A run's page once it shows `expect` (e.g. its final state): its header."""
        self.driver.get(f"{self.ui}/runs/flow-run/{run_id}")
        self.wait_for(lambda: expect in self.main_text(), RUN_SECONDS)
        self.shot(name)
        return self.text_of(".page-heading") or self.main_text()[:300]

    # --- page helpers ----------------------------------------------------------------

    def open(self, path: str, expect: str) -> None:
        self.driver.get(f"{self.ui}{path}")
        self.wait_for(lambda: expect in self.main_text())

    def wait_for(self, found: Callable[[], Any], seconds: float = PAGE_SECONDS) -> Any:
        """The first truthy value of `found`, asked again as the page renders."""

        def attempt(_driver: webdriver.Chrome) -> Any:
            try:
                return found()
            except (StaleElementReferenceException, WebDriverException):
                return None

        return WebDriverWait(self.driver, seconds, poll_frequency=0.5).until(attempt)

    def steady(self, read: Callable[[], Any]) -> Any:
        """What `read` returns once it is the same a second later (a page still rendering)."""
        before = read()
        time.sleep(1)
        return before if before and before == read() else None

    def listed(self) -> list[tuple[str, list[str]]]:
        """The runs a list shows: each one's name and tags."""
        return [
            (
                item.find_element(By.CSS_SELECTOR, ".flow-run-bread-crumbs__flow-run-link").text,
                [
                    t.text
                    for t in item.find_elements(By.CSS_SELECTOR, ".state-list-item__tags .p-tag")
                    if t.text.strip() and not t.text.strip().startswith("+")
                ],
            )
            for item in self.driver.find_elements(By.CSS_SELECTOR, ".flow-run-list-item")
        ]

    def main_text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def texts(self, css: str) -> list[str]:
        return [e.text for e in self.driver.find_elements(By.CSS_SELECTOR, css) if e.text]

    def text_of(self, css: str) -> str:
        found = self.driver.find_elements(By.CSS_SELECTOR, css)
        return found[0].text if found else ""

    def tab_text(self, tab: str, expect: tuple[str, ...]) -> str:
        text = self.text_of(f"#{tab}-content") or self.main_text()
        return text if any(e in text for e in expect) else ""

    def state_message(self) -> str:
        """The State Message of a run's Details tab, as it reads (truncated or in full)."""
        text = self.text_of("#details-content")
        after = text.split("State Message\n", 1)[-1]
        return after.split("\n", 1)[0].removesuffix(" See More").removesuffix(" See Less")

    def click(self, css: str) -> None:
        self.wait_for(lambda: self.driver.find_element(By.CSS_SELECTOR, css)).click()

    def click_text(self, text: str) -> None:
        """Click the innermost element that reads `text` (a link, a menu item)."""
        xpath = f"//*[normalize-space(.)='{text}' and not(*[normalize-space(.)='{text}'])]"
        self.wait_for(lambda: self.driver.find_element(By.XPATH, xpath)).click()

    def button(self, text: str) -> WebElement | None:
        found = [
            b for b in self.driver.find_elements(By.TAG_NAME, "button") if b.text.strip() == text
        ]
        return found[-1] if found else None

    def scroll_into_view(self, element: WebElement) -> None:
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        time.sleep(0.5)

    def scroll_to(self, css: str) -> None:
        self.scroll_into_view(self.driver.find_element(By.CSS_SELECTOR, css))

    def pick_tag(self, tag: str) -> None:
        """Open the Tags filter, type the tag in its search box, tick it, close the list."""
        opener = self.driver.find_element(By.CSS_SELECTOR, ".flow-run-tags-input button")
        opener.send_keys(Keys.ARROW_DOWN)  # opens the list without ticking anything
        search = self.wait_for(
            lambda: self.driver.find_element(By.CSS_SELECTOR, ".p-select-options input")
        )
        search.send_keys(tag)
        option = self.wait_for(
            lambda: next(
                o
                for o in self.driver.find_elements(By.CSS_SELECTOR, ".p-select-option")
                if o.text.strip() == tag
            )
        )
        self.shot(f"3-tags-{tag.replace(':', '-')}")
        option.click()
        search.send_keys(Keys.ESCAPE)

    def fill(self, label: str, value: str) -> None:
        """Type into the form field labelled `label` (choosing `str` first where it may be None)."""

        def field() -> WebElement | None:
            found = [
                p
                for p in self.driver.find_elements(By.CSS_SELECTOR, ".schema-form-property")
                if p.find_element(By.CSS_SELECTOR, ".schema-form-property__label").text.startswith(
                    label
                )
            ]
            return found[0] if len(found) == 1 else None

        prop = self.wait_for(field)
        inputs = prop.find_elements(By.CSS_SELECTOR, "textarea, input")
        if not inputs:  # an optional field shows `str | None`, set to None
            (as_text,) = [b for b in prop.find_elements(By.TAG_NAME, "button") if b.text == "str"]
            as_text.click()
            inputs = self.wait_for(
                lambda: (f := field()) and f.find_elements(By.CSS_SELECTOR, "textarea, input")
            )
        inputs[0].clear()
        inputs[0].send_keys(value)

    def columns(self) -> list[Column]:
        """The artifact table's columns, against the width of the box that scrolls it."""
        table = self.driver.find_element(By.CSS_SELECTOR, "table")
        visible = self.driver.execute_script("return arguments[0].parentElement.clientWidth", table)
        left = table.location["x"]
        return [
            Column(
                th.text,
                th.location["x"] - left,
                th.location["x"] - left + th.size["width"],
                visible,
            )
            for th in table.find_elements(By.CSS_SELECTOR, "th")
        ]

    def shot(self, name: str) -> None:
        if self.out is None:
            return
        path = self.out / f"{name}.png"
        self.driver.save_screenshot(str(path))
        self.shots.append(path)


# The run started from a form: a past night's report of one Polda, typed in.
FORM_FLOW = "report"
FORM_VALUES = {"Tanggal laporan": "2024-11-26", "Kode Polda": "kalsel"}
NARROW = 1280  # the narrowest window that still has the artifact page's side panel


@dataclass
class Day:
    """What the officer saw, step by step, and what the API holds behind it."""

    rejected: list[dict]  # the rejections' runs, from the API
    dashboard: dict[str, Any]
    runs: list[str]
    polda_tag: str
    by_polda: list[str]
    polres_tag: str
    by_polres: list[str]
    opened: dict  # the rejected run opened, from the API
    rejected_page: dict[str, Any]
    summary: dict[str, Any]
    table: dict[int, dict[str, Any]]  # window width -> the submisi-ditolak page
    forms: dict[str, list[str]]  # flow -> the labels of its deployment's run form
    submitted: dict  # the run created from the form, once ended, from the API
    submitted_page: str


def officer_day(n: Night, officer: Officer) -> Day:
    """The officer's day, in order: what failed, which, why, the summary, a run started."""
    rejected = sorted(n.rejected_runs(), key=lambda r: r["name"])
    dashboard = officer.dashboard()
    runs = officer.runs()
    opened = rejected[0]
    polda_tag, polres_tag = sorted(opened["tags"])  # polda:<kode>, polres:<kode>
    by_polda = officer.runs(polda_tag)
    by_polres = officer.runs(polres_tag)
    rejected_page = officer.rejected_run(opened["id"])
    summary = officer.artifact(n.artifact("ringkasan-malam")["id"], "Ringkasan", "7-ringkasan")
    table_id = n.artifact("submisi-ditolak")["id"]
    table = {
        width: officer.artifact(table_id, "Galat pertama", f"8-submisi-ditolak-{width}", width)
        for width in (WIDTH, NARROW)
    }
    officer.open("/deployments", "Deployments")
    officer.wait_for(lambda: len(officer.texts(".deployment-list tbody tr")) >= DEPLOYMENTS)
    officer.shot("9-deployments")
    forms = {}
    for flow in ("nightly", "ingest", "report", "quality", "maintenance"):
        officer.open(f"/deployments/deployment/{n.deployment(flow)['id']}/run", "Parameters")
        forms[flow] = officer.wait_for(
            lambda: officer.steady(lambda: officer.texts(".schema-form-property__label"))
        )
        officer.shot(f"9-form-{flow}")
    run_id = officer.submit_form(n.deployment(FORM_FLOW)["id"], FORM_VALUES)
    submitted = n.wait_for_run(run_id)
    page = officer.run_page(run_id, submitted["state"]["name"], "14-form-run")
    return Day(
        rejected=rejected,
        dashboard=dashboard,
        runs=runs,
        polda_tag=polda_tag,
        by_polda=by_polda,
        polres_tag=polres_tag,
        by_polres=by_polres,
        opened=opened,
        rejected_page=rejected_page,
        summary=summary,
        table=table,
        forms=forms,
        submitted=submitted,
        submitted_page=page,
    )
