"""The Polda officer's day in the Prefect UI: Debian's headless Chromium against a real server.

One night of the demo season on a real `prefect server start`, the deployments
served by `lapsit serve`, then the steps of docs/operations.md done in the
browser (`tests/prefect_ui.py`): what failed and which, why one was rejected,
the nightly summary and the rejections table, a run started from a form. Each
test asserts what the officer must see on the page, against what the server's
REST API and the data dir hold.
"""

import re

import pytest

from tests.prefect_ui import FORM_VALUES, NARROW, WIDTH, Officer, have_chromium, night, officer_day

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not have_chromium(), reason="needs Debian's chromium and chromium-driver (.ci/run)"
    ),
]

# `lapsit demo` names each file it rejected on the console: `Ditolak: <polres>/<file> (...)`.
DEMO_REJECTED = re.compile(r"^Ditolak: ([^/\s]+)/(\S+) \(", re.MULTILINE)


@pytest.fixture(scope="module")
def seen(tmp_path_factory):
    """The officer's day, done once: (the server, what was seen)."""
    with night(tmp_path_factory.mktemp("ui")) as n:
        officer = Officer(n.ui)
        try:
            day = officer_day(n, officer)
        finally:
            officer.close()
        yield n, day


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_last_nights_rejections_are_counted_and_listed_by_name_and_tag(seen, ref):
    n, day = seen
    expected = sorted(f"ditolak · {p} · {f}" for p, f in DEMO_REJECTED.findall(n.demo_output))
    assert len(expected) >= 5  # the demo rejects files for several reasons
    assert sorted(r["name"] for r in day.rejected) == expected
    # The Dashboard counts them as failed runs, grouped under the flow `ditolak`.
    assert day.dashboard["failed"] == len(expected)
    assert _one_line(day.dashboard["groups"][0]).startswith("ditolak ")
    assert day.dashboard["groups"][0].endswith(f" {len(expected)}")
    assert day.dashboard["listed"] and set(day.dashboard["listed"]) <= set(expected)
    # The Runs page lists each by name, among the night's other runs.
    assert set(expected) <= set(day.runs)
    # The demo's night works on every Polda (the national roll-up needs them all).
    assert any(
        name.startswith("nightly · semua Polda · laporan 2024-11-27 · ") for name in day.runs
    )
    # Its Tags filter narrows the list to a Polda's rejections, or to one Polres's.
    polda = day.polda_tag.removeprefix("polda:")
    in_polda = set(ref.polres.filter(kode_polda=polda)["kode_polres"])
    assert sorted(day.by_polda) == [name for name in expected if name.split(" · ")[1] in in_polda]
    polres = day.polres_tag.removeprefix("polres:")
    assert day.by_polres == [name for name in expected if name.split(" · ")[1] == polres]


def test_a_rejected_runs_page_shows_its_errors_and_no_traceback(seen):
    _, day = seen
    page, message = day.rejected_page, day.opened["state"]["message"]
    assert page["badge"] == "Ditolak"
    assert sorted(page["tags"]) == [day.polda_tag, day.polres_tag]
    first_error = message.splitlines()[1].removeprefix("1. ")
    assert first_error.startswith("[lembar ") or first_error.startswith("[berkas]")
    report = message.splitlines()[-1]
    assert report.startswith("Laporan galat lengkap: /")
    # Details tab: the State Message, cut at 70 characters, in full after See More.
    assert page["truncated"].endswith("...") and len(page["truncated"]) < len(page["full"])
    assert first_error in page["full"] and report in page["full"]
    # Logs tab (the one that opens): never a traceback. A rejection's run that went through
    # Prefect's flow engine ends its log with `Finished in state Ditolak('<message>')`; one
    # recorded directly in its final state has no log lines at all.
    assert "Traceback" not in page["logs"] and "SubmisiDitolak" not in page["logs"]
    if "Finished in state" in page["logs"]:
        assert "Finished in state Ditolak(" in page["logs"] and first_error in page["logs"]


def test_the_nightly_summary_and_the_rejections_table_read_at_a_glance(seen):
    _, day = seen
    summary = day.summary["text"]
    assert "Ringkasan run malam lapsit" in summary
    assert f"ditolak {len(day.rejected)}," in summary and "Gerbang kualitas: LOLOS" in summary
    assert f"{len(day.rejected)} submisi ditolak: lihat artefak submisi-ditolak" in summary
    first_error = day.opened["state"]["message"].splitlines()[1].removeprefix("1. ")
    for width in (WIDTH, NARROW):
        table = day.table[width]
        columns = {c.name: c for c in table["columns"]}
        assert list(columns)[:3] == ["Polres", "Galat pertama", "Jumlah galat"]
        # Who, why and how many are in view without scrolling the table sideways.
        assert all(columns[name].visible for name in list(columns)[:3]), table["columns"]
        # The reason of each rejection is on the page, broken into lines, never cut short.
        assert first_error in _one_line(table["text"])


def test_every_form_is_in_indonesian_and_a_run_started_from_one_completes(seen):
    n, day = seen
    for flow, labels in day.forms.items():
        schema = n.deployment(flow)["parameter_openapi_schema"]["properties"]
        titles = [prop["title"] for prop in schema.values()]
        assert [label.removesuffix(" (Optional)") for label in labels] == titles, flow
        assert not [t for t in titles if "_" in t], flow  # no Python parameter name shown
    run = day.submitted
    assert run["deployment_id"] == n.deployment("report")["id"]
    assert run["state"]["type"] == "COMPLETED", run["state"]
    assert run["parameters"]["report_date"] == FORM_VALUES["Tanggal laporan"]
    assert run["parameters"]["kode_polda"] == FORM_VALUES["Kode Polda"]
    tanggal, polda = FORM_VALUES["Tanggal laporan"], FORM_VALUES["Kode Polda"]
    written = n.data / "reports" / polda / tanggal / f"lapsit-{polda}-{tanggal}.html"
    assert written.is_file()
    assert f"laporan · {polda} · {tanggal}" in day.submitted_page
    assert "Completed" in day.submitted_page
