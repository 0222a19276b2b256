"""The Polda officer's day in the Prefect UI, in headless Chromium: `python scripts/ui_tour.py OUT`.

Starts a real `prefect server start` (own PREFECT_HOME and free port in a
temporary folder), runs `lapsit demo` against it (last night: the nightly run
with its rejected submissions), serves the deployments with `lapsit serve`, then
drives Debian's Chromium (/usr/bin/chromium, /usr/bin/chromedriver; no driver
download) as a desktop browser in WITA through the steps of `tests/prefect_ui.py`:
the Dashboard, the Runs page and its Tags filter, one rejected submission's run
and its state message, the nightly summary, the `submisi-ditolak` table at two
widths, every deployment's run form, and a report run started from its form.
Screenshots (PNG) go to OUT, to be looked at (docs/operations.md says what they
showed); what each step saw is printed. Everything it started is stopped on the
way out; the data dir and the serve log are kept for reading.
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.prefect_ui import Day, Officer, have_chromium, night, officer_day  # noqa: E402


def show(day: Day) -> None:
    """What each step saw, as the officer would tell it."""
    print(f"API: {len(day.rejected)} rejected runs: " + ", ".join(r["name"] for r in day.rejected))
    print(f"Dashboard: {day.dashboard['failed']} failed; groups {day.dashboard['groups']}")
    print(f"Runs page lists {len(day.runs)} runs:\n  " + "\n  ".join(day.runs))
    print(f"Tags filter {day.polda_tag}: {len(day.by_polda)} runs")
    print(f"Tags filter {day.polres_tag}: {day.by_polres}")
    page = day.rejected_page
    print(f"Run {day.opened['name']}: badge {page['badge']}, tags {page['tags']}")
    print(f"  Logs tab: {page['logs'][:300]!r}")
    print(f"  Details, State Message as shown: {page['truncated']!r}")
    print(f"  after See More: {page['full']!r}")
    print(f"ringkasan-malam: {day.summary['text'][:600]!r}")
    for width, table in day.table.items():
        columns = ", ".join(
            f"{c.name} {c.left:.0f}-{c.right:.0f}{'' if c.visible else ' (cut off)'}"
            for c in table["columns"]
        )
        print(
            f"submisi-ditolak at {width} px (visible {table['columns'][0].visible_width} px): {columns}"
        )
    for flow, labels in day.forms.items():
        print(f"form {flow}: {labels}")
    run = day.submitted
    print(
        f"Run from the form: {run['name']} {run['state']['type']} ({run['state']['name']}), "
        f"parameters {json.dumps(run['parameters'], ensure_ascii=False)}"
    )
    print(f"  its page: {day.submitted_page!r}")


def main(out: Path, port: int | None) -> int:
    if not have_chromium():
        print("needs Debian's chromium and chromium-driver (apt-get install)", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="lapsit-ui-tour-"))
    with night(work, port) as n:
        officer = Officer(n.ui, out)
        try:
            day = officer_day(n, officer)
        finally:
            officer.close()
    show(day)
    print(
        f"{len(officer.shots)} screenshots in {out}; data dir {n.data}; serve log {work / 'serve.log'}"
    )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for the screenshots")
    parser.add_argument("--port", type=int, help="the server's port (default: a free one)")
    args = parser.parse_args()
    raise SystemExit(main(args.out, args.port))
