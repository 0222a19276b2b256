"""Anomali data: a Polres's personnel figure that is far from its own recent reports while
the rest of its Polda did not move the same way (SPEC §5 v2; method in docs/report.md).

For each Polres that reported on the date and each figure of FIGURES:
- its usual value is the median of its last HISTORY earlier reports (at least
  MIN_HISTORY, else it is not judged); the median is not moved by one earlier outlier;
- its change is today's value / its usual value;
- the Polda moved that day when more than half of the Polres judged that day changed
  beyond CALM in the same direction (voting day); the Polda's change is then the median
  change of the *other* Polres judged that day;
- on an ordinary day a change of at least HIGH× or at most LOW× is flagged; on a day the
  Polda moved, only a change HIGH× or LOW× of the Polda's change (a Polres that stayed
  flat while the rest surged, or surged far beyond them); a Polres with no other Polres
  judged that day (a Polda of one Polres) is judged on its own history alone.
A usual value of 0 gives no ratio: that figure is not judged. Counts that are mostly zero
(incidents, events) are never judged this way. An anomaly is a warning, never a changed
figure.
"""

import datetime as dt
from statistics import median

import polars as pl

FIGURES = {
    "personel_polri": "Personel Polri",
    "personel_tni": "Personel TNI",
    "personel_linmas": "Personel Linmas/Satpol PP",
}
HISTORY = 7
MIN_HISTORY = 4
HIGH = 3.0
LOW = 1 / 3
CALM = (2 / 3, 3 / 2)


def polda_moved(changes: list[float]) -> bool:
    """Whether most Polres changed beyond CALM in the same direction (a Polda-wide day)."""
    up = sum(c > CALM[1] for c in changes)
    down = sum(c < CALM[0] for c in changes)
    return 2 * max(up, down) > len(changes)


def _flagged(change: float, polda: float | None, moved: bool) -> bool:
    """Whether a change is an anomaly, given the others' median change (None: no others)
    and whether the Polda moved that day."""
    if polda is None or not moved:
        relative = change
    elif polda == 0:
        return False
    else:
        relative = change / polda
    return relative >= HIGH or relative <= LOW


def detect(days: pl.DataFrame, tanggal: dt.date) -> list[dict]:
    """The anomalies of `tanggal` among the reports in `days`.

    `days`: one row per (tanggal, kode_polres) with an accepted report and the FIGURES,
    for one Polda (every Polres of it, so that the Polda's change is known), any dates.
    Returns rows of kode_polres, kolom, label, nilai, biasanya, rasio, rasio_polda,
    riwayat (how many earlier reports the usual value is the median of), ordered by Polres
    as in `days`, then figure.
    """
    today = days.filter(pl.col("tanggal") == tanggal)
    earlier = days.filter(pl.col("tanggal") < tanggal).sort("tanggal", descending=True)
    found = []
    for column, text in FIGURES.items():
        judged: dict[str, tuple[float, float, int]] = {}  # kode -> (value, usual, n)
        for kode, value in today.select("kode_polres", column).iter_rows():
            past = earlier.filter(pl.col("kode_polres") == kode)[column].head(HISTORY).to_list()
            if len(past) < MIN_HISTORY or value is None:
                continue
            usual = median(past)
            if usual > 0:
                judged[kode] = (value, usual, len(past))
        moved = polda_moved([v / u for v, u, _ in judged.values()])
        for kode, (value, usual, n) in judged.items():
            others = [v / u for k, (v, u, _) in judged.items() if k != kode]
            polda = median(others) if others else None
            change = value / usual
            if _flagged(change, polda, moved):
                found.append(
                    {
                        "kode_polres": kode,
                        "kolom": column,
                        "label": text,
                        "nilai": value,
                        "biasanya": usual,
                        "rasio": change,
                        "rasio_polda": polda,
                        "riwayat": n,
                    }
                )
    order = {k: i for i, k in enumerate(days["kode_polres"].unique(maintain_order=True))}
    columns = list(FIGURES)
    return sorted(found, key=lambda r: (order[r["kode_polres"]], columns.index(r["kolom"])))
