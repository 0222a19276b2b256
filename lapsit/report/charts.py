"""Trend charts of the report as inline SVG, drawn with matplotlib (deterministic output).

Figures are built with `matplotlib.figure.Figure`, not pyplot: no global figure
state and no GUI backend, so rendering works in worker threads and processes.
"""

import datetime as dt
import io
import re

import matplotlib
from babel.dates import format_date
from babel.numbers import format_decimal
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

COLORS = {"polri": "#1f3a68", "tni": "#4a7a3a", "linmas": "#c0761a", "kejadian": "#9b2c2c"}
STAGE_SHADE = "#e9eef6"
MAX_TICKS = 12
HASHED_ID = re.compile(r"\b[mp][0-9a-f]{10}\b")


def _rc(salt: str) -> dict:
    """Text stays text, ids are stable: the same data gives byte-identical SVG."""
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": f"lapsit-{salt}",
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#666666",
        "axes.titlesize": 10,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
    }


def _svg(fig: Figure, name: str, label: str) -> str:
    """The figure as an <svg> element to inline in HTML (no XML prolog, scalable, labelled).

    Matplotlib's hashed ids (markers, clip paths) become `<name>-<n>`: unique
    within the page whatever else it inlines, and free of long digit runs.
    """
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    ids: dict[str, str] = {}
    text = HASHED_ID.sub(lambda m: ids.setdefault(m.group(), f"{name}-{len(ids) + 1}"), text)
    return text.replace("<svg ", f'<svg role="img" aria-label="{label}" class="grafik" ', 1)


def _day_labels(days: list[dt.date]) -> list[str]:
    """`21` under which the month is named where it first appears: `21\nNov`, `22`, ... ."""
    return [
        format_date(d, "d\nMMM" if i == 0 or d.month != days[i - 1].month else "d", locale="id")
        for i, d in enumerate(days)
    ]


def _style(ax, days: list[dt.date], stage_start: dt.date | None) -> None:
    """Day positions on the x axis, the current stage shaded, Indonesian number labels."""
    if stage_start is not None:
        first = next((i for i, d in enumerate(days) if d >= stage_start), None)
        if first is not None:
            ax.axvspan(first - 0.5, len(days) - 0.5, color=STAGE_SHADE, zorder=0, lw=0)
    step = max(1, -(-len(days) // MAX_TICKS))
    ticks = list(range(len(days) - 1, -1, -step))[::-1]
    ax.set_xticks(ticks, _day_labels([days[i] for i in ticks]))
    ax.set_xlim(-0.5, len(days) - 0.5)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_decimal(v, locale="id")))
    ax.grid(axis="y", color="#dddddd", lw=0.6)
    ax.set_axisbelow(True)


def _value(row: dict, key: str) -> float:
    """A day's figure, NaN (a gap in the line) where nobody reported."""
    value = row[key]
    return float("nan") if value is None or not row["polres_lapor"] else value


def _lines(ax, trend: list[dict], keys: tuple[tuple[str, str], ...], expected: int) -> None:
    """One line per personnel kind; days without any report are gaps, and days on which
    fewer Polres than `expected` reported are drawn as hollow points (incomplete totals)."""
    x = range(len(trend))
    partial = [i for i, r in enumerate(trend) if 0 < r["polres_lapor"] < expected]
    for key, text in keys:
        y = [_value(r, f"personel_{key}") for r in trend]
        ax.plot(x, y, marker="o", ms=3.5, lw=1.8, color=COLORS[key], label=text)
        if partial:
            ax.plot(partial, [y[i] for i in partial], ls="none", marker="o", ms=6,
                    mfc="white", mec=COLORS[key], mew=1.4)  # fmt: skip
    top = max([r[f"personel_{k}"] or 0 for r in trend if r["polres_lapor"] for k, _ in keys] + [1])
    ax.set_ylim(0, top * 1.3)
    ax.legend(loc="upper left", frameon=False, ncols=len(keys), fontsize=8)


def _partial_note(fig: Figure, trend: list[dict], expected: int, mark: str) -> None:
    """Say under the chart what marks an incomplete day, when there is one."""
    if any(0 < r["polres_lapor"] < expected for r in trend):
        fig.text(0.99, 0.01, f"{mark}: tidak semua Polres melapor (jumlah tidak lengkap)",
                 ha="right", va="bottom", fontsize=7.5, color="#555555")  # fmt: skip


def personnel_chart(trend: list[dict], stage_start: dt.date | None, expected: int = 1) -> str:
    """Polri and TNI personnel per day beside Linmas/Satpol PP (whose scale dwarfs theirs)."""
    days = [r["tanggal"] for r in trend]
    with matplotlib.rc_context(_rc("personel")):
        fig = Figure(figsize=(7.0, 2.6))
        left, right = fig.subplots(1, 2, width_ratios=(1.25, 1))
        fig.subplots_adjust(left=0.08, right=0.99, top=0.88, bottom=0.22, wspace=0.22)
        for ax in (left, right):
            _style(ax, days, stage_start)
        _lines(left, trend, (("polri", "Polri"), ("tni", "TNI")), expected)
        _lines(right, trend, (("linmas", "Linmas/Satpol PP"),), expected)
        left.set_title("Personel Polri dan TNI per hari")
        right.set_title("Linmas/Satpol PP per hari")
        _partial_note(fig, trend, expected, "○")
        return _svg(fig, "grafik-personel", "Grafik personel per hari")


def incident_chart(trend: list[dict], stage_start: dt.date | None, expected: int = 1) -> str:
    """Incidents per day as bars, the report date darker; days without any report left empty,
    days on which not every Polres reported hatched."""
    days = [r["tanggal"] for r in trend]
    with matplotlib.rc_context(_rc("kejadian")):
        fig = Figure(figsize=(7.0, 2.2))
        ax = fig.subplots()
        fig.subplots_adjust(left=0.08, right=0.99, top=0.86, bottom=0.24)
        _style(ax, days, stage_start)
        shown = [i for i, r in enumerate(trend) if r["polres_lapor"]]
        heights = [trend[i]["kejadian"] or 0 for i in shown]
        shades = [COLORS["kejadian"] + ("ff" if i == len(trend) - 1 else "99") for i in shown]
        bars = ax.bar(shown, heights, width=0.6, color=shades)
        for bar, i in zip(bars, shown, strict=True):
            if trend[i]["polres_lapor"] < expected:
                bar.set_hatch("////")
                bar.set_edgecolor("white")
        labels = [format_decimal(h, locale="id") for h in heights]
        ax.bar_label(bars, labels=labels, padding=2, fontsize=8)
        ax.set_ylim(0, max([*heights, 1]) * 1.25)
        ax.set_title("Kejadian per hari")
        _partial_note(fig, trend, expected, "arsir")
        return _svg(fig, "grafik-kejadian", "Grafik kejadian per hari")
