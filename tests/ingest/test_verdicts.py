"""How each submission's outcome is shown to Polda staff: messages, events, artifact rows."""

import datetime as dt
import json
import uuid
from collections import Counter

from lapsit.galat import make
from lapsit.ingest import verdicts

TANGGAL = "2024-11-20"


NRP = "870501234"  # nine digits: an NRP typed wrong, still never shown whole


def _verdict(status: str, errors: tuple = ()) -> verdicts.Verdict:
    return verdicts.Verdict(
        kode_polres="tabalong",
        berkas=f"{TANGGAL}.json",
        path=f"tabalong/{TANGGAL}.json",
        id_submisi="ab" * 32,
        status=status,
        errors=errors,
        error_report=f"reports/galat/tabalong/{TANGGAL}.json.abababab.md",
    )


REJECTED_ERRORS = (
    make("format_nrp", sheet="netralitas", row=2, column="nrp", value=NRP, fmt="json"),
    make(
        "tanggal_di_luar_tahapan",
        sheet="laporan",
        row=None,
        column="tanggal",
        value=TANGGAL,
        fmt="json",
    ),
    make(
        "kecamatan_wilayah",
        sheet="pengamanan",
        row=2,
        column="kode_kecamatan",
        value="63.11.06",
        fmt="json",
    ),
    make("tidak_negatif", sheet="pengamanan", row=3, column="personel_tni", value=-1, fmt="json"),
    make("sanksi_wajib", sheet="netralitas", row=3, column="sanksi", fmt="json"),
)


def test_rejection_message_names_the_first_errors_in_workbook_order_without_nrp(tmp_path):
    message = verdicts.rejection_message(_verdict("ditolak", REJECTED_ERRORS), tmp_path)
    lines = message.splitlines()
    assert lines[0] == f"Submisi tabalong/{TANGGAL}.json ditolak: 4 kesalahan."
    # Errors only (the warning is left out), sheet order then row: pengamanan before netralitas.
    assert lines[1].startswith("1. [kunci pengamanan, objek 2, kunci kode_kecamatan]")
    assert lines[2].startswith("2. [kunci pengamanan, objek 3, kunci personel_tni]")
    assert lines[3].startswith("3. [kunci netralitas, objek 2, kunci nrp]")
    assert "pada kunci 'personel_tni'" in lines[2]  # the message itself speaks of keys too
    assert lines[4] == "... dan 1 kesalahan lain."
    assert lines[5] == (
        f"Laporan galat lengkap: {tmp_path}/reports/galat/tabalong/{TANGGAL}.json.abababab.md"
    )
    assert NRP not in message and "*****234" in message


def test_state_name_says_what_happened_at_a_glance():
    assert verdicts.state_name(Counter({"diterima": 9, "ditolak": 3})) == "Selesai · 3 ditolak"
    assert verdicts.state_name(Counter({"diterima": 9, "duplikat": 1})) == (
        "Selesai · semua diterima"
    )
    assert verdicts.state_name(Counter({"dilewati": 40})) == "Selesai · tidak ada berkas baru"


def test_ingest_run_name_is_the_polda_and_the_local_time_never_a_path():
    now = dt.datetime(2024, 11, 27, 12, 1, tzinfo=dt.UTC)
    assert verdicts.ingest_name(["kalsel"], "Asia/Makassar", now) == (
        "ingest · kalsel · 27/11 20.01 WITA"
    )
    assert verdicts.ingest_name(["sumsel", "jambi"], "Asia/Jakarta", now) == (
        "ingest · sumsel, jambi · 27/11 19.01 WIB"
    )
    assert verdicts.ingest_name([], None, now) == "ingest · semua kotak masuk · 27/11 12.01 UTC"


def test_event_and_artifact_row_of_a_rejection(ref, tmp_path):
    v = _verdict("ditolak", REJECTED_ERRORS)
    r = verdicts.rejection(v, ref, tmp_path)
    assert r.run_name == f"ditolak · tabalong · {TANGGAL}.json"
    assert r.tags == ["polres:tabalong", "polda:kalsel"]
    assert r.message == verdicts.rejection_message(v, tmp_path)
    event = verdicts.rejection_event(r)
    assert event["event"] == "lapsit.submisi.ditolak"
    assert event["id"] == uuid.UUID(r.event_id)
    assert event["related"] == [
        {"prefect.resource.id": "lapsit.polda.kalsel", "prefect.resource.role": "polda"}
    ]
    assert event["resource"]["prefect.resource.id"] == "lapsit.polres.tabalong"
    assert event["resource"]["prefect.resource.name"] == "Polres Tabalong"
    assert event["resource"]["lapsit.polda"] == "kalsel"
    assert event["payload"]["jumlah_galat"] == 4
    assert event["payload"]["laporan_galat"] == str(tmp_path / v.error_report)
    assert NRP not in json.dumps(event, default=str)
    # No cell value in an event: an alert built from it cannot leak one.
    assert "63.11.06" not in json.dumps(event, default=str)


def test_artifact_row_reads_at_a_glance_who_why_how_many_then_which_file(ref, tmp_path):
    v = _verdict("ditolak", REJECTED_ERRORS)
    rows = verdicts.rejected_rows([v, _verdict("diterima")], ref, tmp_path)
    (row,) = rows
    # The short columns first, the two long ones (file, error report) last.
    assert list(row) == ["Polres", "Galat pertama", "Jumlah galat", "Berkas", "Laporan galat"]
    assert (row["Polres"], row["Jumlah galat"], row["Berkas"]) == (
        "Polres Tabalong",
        4,
        f"{TANGGAL}.json",
    )
    assert row["Laporan galat"] == str(tmp_path / v.error_report)
    # The first error only (in workbook order: the kecamatan of pengamanan's row 2), broken
    # into lines the UI shows in the cell; the second one (personel_tni) stays in its run.
    lines = row["Galat pertama"].split("\n")
    assert " ".join(lines) == verdicts.first_errors(v, 1)[0]
    assert "kode_kecamatan" in row["Galat pertama"] and "63.11.06" in row["Galat pertama"]
    assert len(lines) > 1 and all(len(line) <= verdicts.CELL_WIDTH for line in lines)
    assert "personel_tni" not in row["Galat pertama"]


def test_counts_message_names_every_outcome():
    totals = Counter({"diterima": 2, "ditolak": 1, "dilewati": 4})
    assert verdicts.counts_message(totals) == (
        "diterima 2, ditolak 1, digantikan 0, duplikat 0, dilewati 4"
    )
