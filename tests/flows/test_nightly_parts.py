"""The nightly's rules as plain functions: the roll-up's date, a report's outcome, the state."""

import datetime as dt
from collections import Counter
from pathlib import Path

from prefect.states import Completed, Failed

from flows.nightly import NightlyResult, national_date
from lapsit.ingest.records import IngestSummary
from lapsit.quality.result import QualityResult


def _night(success: bool = True) -> NightlyResult:
    quality = QualityResult(success=success, checked={"pengamanan": 3}, versions={})
    return NightlyResult(
        dates={"kalsel": dt.date(2024, 11, 27)},
        ingest=IngestSummary(outcomes=[], skipped=Counter({"balangan": 2})),
        quality=quality,
    )


def test_the_national_date_is_the_given_one_else_today_in_jakarta():
    assert national_date("2024-11-27", dt.datetime(2030, 1, 1, tzinfo=dt.UTC)) == dt.date(
        2024, 11, 27
    )
    # 17.30 UTC is 00.30 the next day in WIB.
    late = dt.datetime(2024, 11, 27, 17, 30, tzinfo=dt.UTC)
    assert national_date(None, late) == dt.date(2024, 11, 28)


def test_a_night_with_every_report_and_a_passing_gate_completes():
    night = _night()
    assert night.record("kalsel", Completed(data=[Path("a.html")])) is None
    state = night.final_state()
    assert state.is_completed() and state.name == "Selesai · tidak ada berkas baru"
    assert "Laporan: kalsel." in state.message


def test_a_failed_report_fails_the_night_and_names_it():
    night = _night()
    assert night.record("nasional", Failed(message="disk penuh")) == "disk penuh"
    state = night.final_state()
    assert state.is_failed() and state.name == "Gagal · laporan"
    assert "laporan gagal untuk nasional" in state.message


def test_a_failing_gate_fails_the_night_after_its_reports():
    night = _night(success=False)
    night.record("kalsel", Completed(data=[Path("a.html")]))
    state = night.final_state()
    assert state.is_failed() and state.name == "Gagal · kualitas"
    assert night.reports == {"kalsel": [Path("a.html")]}
