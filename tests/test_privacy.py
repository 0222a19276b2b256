"""The one mask (SPEC §7 v3 "Names and free text"): 8 digits near the day received are a date."""

import datetime as dt

import pytest

from lapsit.galat import make
from lapsit.privacy import hide_nrp, mask_nrp

RECEIVED = dt.date(2026, 12, 8)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("rekap-73915849.xlsx", "rekap-*****849.xlsx"),  # no date: an NRP
        ("laporan-balangan-08122026.xlsx", "laporan-balangan-08122026.xlsx"),  # DDMMYYYY
        ("laporan-20261208.json", "laporan-20261208.json"),  # YYYYMMDD
        ("laporan-31122025.xlsx", "laporan-31122025.xlsx"),  # last year's: still a date
        ("laporan-01012027.xlsx", "laporan-01012027.xlsx"),  # next year's too
        ("laporan-27112024.xlsx", "laporan-*****024.xlsx"),  # two years back: an NRP
        ("31022026", "*****026"),  # no such day
        ("NRP 870501234 dan 12345678901234", "NRP *****234 dan *****234"),  # longer runs
        ("1234567 dan 2024-11-27", "1234567 dan 2024-11-27"),  # shorter runs, no run
        ("a08122026b87050123", "a08122026b*****123"),  # each run on its own
    ],
)
def test_the_date_rule(text, shown):
    assert mask_nrp(text, RECEIVED) == shown


def test_a_date_is_judged_by_the_day_received_and_today_by_default():
    assert mask_nrp("27112024", dt.date(2024, 11, 28)) == "27112024"
    assert mask_nrp("27112024", dt.date(2027, 1, 1)) == "*****024"
    today = dt.date.today().strftime("%d%m%Y")
    assert mask_nrp(today) == today


def test_a_value_of_the_nrp_column_is_hidden_even_when_it_reads_as_a_date():
    today = dt.date.today().strftime("%d%m%Y")
    assert hide_nrp(today) == "*****" + today[-3:]
    galat = make("format_nrp", sheet="netralitas", row=2, column="nrp", value=today)
    assert today not in galat.value and today not in galat.message
    assert galat.value == "*****" + today[-3:]
