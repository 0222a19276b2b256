"""Anomali data: what the method must flag and what it must not (SPEC §5 v2), on plain frames."""

import datetime as dt

import polars as pl
import pytest

from lapsit.report.anomalies import detect

DAY = dt.date(2024, 11, 27)


def days(history: dict[str, list[int]], today: dict[str, int], column: str = "personel_tni"):
    """Reports of Polres (in dict order): `history` oldest first on the days before DAY."""
    rows = []
    for kode, values in history.items():
        for i, value in enumerate(reversed(values), start=1):
            rows.append({"tanggal": DAY - dt.timedelta(days=i), "kode_polres": kode, column: value})
    rows += [{"tanggal": DAY, "kode_polres": k, column: v} for k, v in today.items()]
    frame = pl.DataFrame(rows)
    for other in ("personel_polri", "personel_tni", "personel_linmas"):
        if other not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.Int64).alias(other))
    return frame


def flagged(frame: pl.DataFrame) -> list[tuple[str, str, int]]:
    return [(a["kode_polres"], a["kolom"], a["nilai"]) for a in detect(frame, DAY)]


CALM = {"b": [40, 42, 41, 39, 40], "c": [60, 61, 59, 60, 62]}


def test_three_times_its_own_median_is_flagged_when_the_others_stayed_put():
    frame = days({"a": [30, 31, 29, 30, 30], **CALM}, {"a": 90, "b": 41, "c": 60})
    (anomaly,) = detect(frame, DAY)
    assert (anomaly["kode_polres"], anomaly["nilai"], anomaly["biasanya"]) == ("a", 90, 30)
    assert anomaly["rasio"] == pytest.approx(3.0) and anomaly["riwayat"] == 5


def test_a_third_of_its_own_median_is_flagged():
    frame = days({"a": [30, 31, 29, 30, 30], **CALM}, {"a": 10, "b": 41, "c": 60})
    assert flagged(frame) == [("a", "personel_tni", 10)]


def test_just_under_three_times_is_not_flagged():
    frame = days({"a": [30, 31, 29, 30, 30], **CALM}, {"a": 89, "b": 41, "c": 60})
    assert flagged(frame) == []


def test_a_change_most_polres_made_that_day_is_not_flagged():
    """Voting day: every Polres multiplies its Linmas by about eight."""
    history = {"a": [30, 31, 29, 30, 30], "b": [40, 42, 41, 39, 40], "c": [60, 61, 59, 60, 62]}
    frame = days(history, {"a": 250, "b": 330, "c": 470})
    assert flagged(frame) == []


def test_on_a_polda_wide_day_the_polres_that_stayed_flat_is_flagged():
    history = {k: [30, 31, 29, 30, 30] for k in "abcd"}
    frame = days(history, {"a": 30, "b": 240, "c": 250, "d": 245})
    assert flagged(frame) == [("a", "personel_tni", 30)]


def test_one_earlier_outlier_does_not_blind_the_median():
    """A typo three days ago (300) neither hides today's ×3 nor makes an ordinary day odd."""
    outlier = [30, 30, 30, 300, 30, 30, 30]
    assert flagged(days({"a": outlier, **CALM}, {"a": 90, "b": 40, "c": 60})) == [
        ("a", "personel_tni", 90)
    ]
    assert flagged(days({"a": outlier, **CALM}, {"a": 31, "b": 40, "c": 60})) == []


def test_fewer_than_four_earlier_reports_are_not_judged():
    frame = days({"a": [30, 30, 30], **CALM}, {"a": 300, "b": 40, "c": 60})
    assert flagged(frame) == []


def test_only_the_last_seven_reports_count():
    """Eight reports ago it was 300 every day: the last seven (30) are what is usual now."""
    frame = days({"a": [300] * 5 + [30] * 7, **CALM}, {"a": 30, "b": 40, "c": 60})
    assert flagged(frame) == []


def test_a_polda_of_one_polres_is_judged_on_its_own_history():
    frame = days({"a": [30, 31, 29, 30, 30]}, {"a": 95})
    (anomaly,) = detect(frame, DAY)
    assert anomaly["rasio_polda"] is None and anomaly["nilai"] == 95


def test_in_a_polda_of_two_only_the_one_that_jumped_is_flagged():
    """The demo's Sumatera Selatan: Ogan Ilir's TNI typed ×10, Pagar Alam's unchanged."""
    frame = days({"ogan-ilir": [136] * 5, "pagar-alam": [42] * 5}, {"ogan-ilir": 1360,
                 "pagar-alam": 45})  # fmt: skip
    assert flagged(frame) == [("ogan-ilir", "personel_tni", 1360)]


def test_a_usual_value_of_zero_is_not_judged():
    frame = days({"a": [0, 0, 0, 0, 0], **CALM}, {"a": 12, "b": 40, "c": 60})
    assert flagged(frame) == []


def test_each_figure_is_judged_on_its_own():
    frame = days({"a": [30] * 5, **CALM}, {"a": 30, "b": 40, "c": 60}, "personel_polri")
    frame = frame.with_columns(
        pl.when((pl.col("kode_polres") == "a") & (pl.col("tanggal") == DAY))
        .then(pl.lit(400))
        .otherwise(pl.col("personel_polri"))
        .alias("personel_linmas")
    )
    assert flagged(frame) == [("a", "personel_linmas", 400)]
