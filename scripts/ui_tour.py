"""The Polda officer's day in the Prefect UI, in headless Chromium: `python scripts/ui_tour.py OUT`.

Starts a real `prefect server start` (own PREFECT_HOME, free port), runs `lapsit
demo` against it (last night: the nightly run with its rejected submissions),
serves the deployments with `lapsit serve`, then drives Debian's Chromium
(/usr/bin/chromium, /usr/bin/chromedriver; no driver download) through: the
dashboard, the Runs page, one rejected submission's run, the nightly summary
artifact, and a deployment's Indonesian run form, submitted. Screenshots (PNG)
go to OUT; they are looked at and described in docs/operations.md, not
committed. Everything it started is stopped on the way out.
"""

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from prefect.client.orchestration import PrefectClient
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.prefect_server import background, environment, running_server  # noqa: E402

LAPSIT = Path(sys.executable).parent / "lapsit"
SETTLE = 6


def browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1440,1000"):
        options.add_argument(arg)
    options.add_argument("--lang=id-ID")
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def shot(driver: webdriver.Chrome, url: str, path: Path, wait: float = SETTLE) -> None:
    driver.get(url)
    time.sleep(wait)
    driver.save_screenshot(str(path))
    print(f"{path.name}: {driver.title} <- {url}")


async def ids(api: str) -> dict:
    async with PrefectClient(api=api) as client:
        runs = await client.read_flow_runs()
        artifacts = await client.read_artifacts()
        deployments = await client.read_deployments()
    return {
        "rejected": [r for r in runs if r.name.startswith("ditolak · ")],
        "nightly": [r for r in runs if r.name.startswith("nightly · ")],
        "artifacts": {a.key: a for a in artifacts if a.key},
        "deployments": {d.name + "/" + str(d.flow_id): d for d in deployments},
        "deployment_list": deployments,
    }


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="ui13-tour-"))
    home, data = work / "prefect-home", work / "data"
    # The UI asks the API at PREFECT_UI_API_URL (127.0.0.1:4200 unless told): a fixed port.
    port = int(os.environ.get("LAPSIT_TOUR_PORT", "14210"))
    api = f"http://127.0.0.1:{port}/api"
    with running_server(home, port=port, PREFECT_UI_API_URL=api) as api:
        ui = api.removesuffix("/api")
        env = environment(home, PREFECT_API_URL=api)
        demo = subprocess.run(
            [str(LAPSIT), "demo", "--data-dir", str(data)],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        print(demo.stdout[-2500:], demo.stderr[-2500:])
        with background(
            [str(LAPSIT), "serve", "--data-dir", str(data)], work / "serve.log", env=env
        ):
            time.sleep(25)  # the deployments register
            found = asyncio.run(ids(api))
            driver = browser()
            try:
                shot(driver, f"{ui}/dashboard", out / "1-dashboard.png")
                shot(driver, f"{ui}/runs", out / "2-runs.png")
                rejected = found["rejected"][0]
                shot(driver, f"{ui}/runs/flow-run/{rejected.id}", out / "3-ditolak.png")
                night = found["nightly"][0]
                shot(driver, f"{ui}/runs/flow-run/{night.id}", out / "4-nightly-run.png")
                summary = found["artifacts"]["ringkasan-malam"]
                shot(driver, f"{ui}/artifacts/artifact/{summary.id}", out / "5-ringkasan.png")
                table = found["artifacts"]["submisi-ditolak"]
                shot(driver, f"{ui}/artifacts/artifact/{table.id}", out / "6-submisi-ditolak.png")
                (ingest,) = [
                    d for d in found["deployment_list"] if d.entrypoint.endswith("ingest_flow")
                ]
                shot(driver, f"{ui}/deployments/deployment/{ingest.id}/run", out / "7-form.png")
                buttons = [
                    b
                    for b in driver.find_elements(By.TAG_NAME, "button")
                    if b.text.strip() == "Submit"
                ]
                if buttons:
                    buttons[-1].click()
                    time.sleep(20)  # the served deployment picks the run up and finishes it
                    driver.save_screenshot(str(out / "8-submitted.png"))
                    print("8-submitted.png:", driver.current_url)
                shot(driver, f"{ui}/runs", out / "9-runs-after.png")
            finally:
                driver.quit()
    print(f"data dir kept for reading: {data}; serve log {work / 'serve.log'}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    raise SystemExit(main(Path(sys.argv[1])))
