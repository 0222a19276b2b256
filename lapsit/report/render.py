"""Render a report to HTML and Markdown with the Jinja2 templates and write the files."""

import datetime as dt
import functools
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent
from jinja2 import Environment
from markupsafe import Markup

from lapsit.catalog import Catalog
from lapsit.files import write_atomic
from lapsit.galat import mask_nrp
from lapsit.report.build import Report
from lapsit.report.labels import STATUS_POLRES, election_name
from lapsit.templating import environment, md_cell

LOCALE = "id"
CLASSIFICATION = "TERBATAS"
HTML_TEMPLATE = "report/lapsit.html.j2"
MARKDOWN_TEMPLATE = "report/lapsit.md.j2"
MD_SPECIAL = re.compile(r"([*_`])")


def number(value: float | None) -> str:
    """`1234` -> `1.234`; nothing -> an en dash."""
    return "–" if value is None else format_decimal(value, locale=LOCALE)


def change(value: int | None) -> str:
    """A day-on-day difference: `▲ 12`, `▼ 3`, `tetap`; nothing when there is no comparison."""
    if value is None:
        return ""
    if value == 0:
        return "tetap"
    return f"{'▲' if value > 0 else '▼'} {number(abs(value))}"


def percent(value: float | None) -> str:
    return "–" if value is None else format_percent(value, locale=LOCALE)


def long_date(value: dt.date | None) -> str:
    """`Rabu, 20 November 2024`."""
    return "" if value is None else format_date(value, format="full", locale=LOCALE)


def short_date(value: dt.date) -> str:
    """`20 Nov`."""
    return format_date(value, "d MMM", locale=LOCALE)


def clock(value: dt.time) -> str:
    """`20.00`, the Indonesian way of writing a time."""
    return value.strftime("%H.%M")


def _mask(value: object) -> object:
    """Last line of defence for every printed value: nothing NRP-shaped leaves whole."""
    if value is None:
        return ""
    if isinstance(value, Markup):  # our own markup (macros, charts)
        return value
    if isinstance(value, str):
        return mask_nrp(value)
    return value


def markdown_text(value: object) -> str:
    """Free text safe in Markdown (and in its table cells): no markup, no emphasis, NRP masked."""
    text = md_cell(mask_nrp(None if value is None else str(value)))
    return MD_SPECIAL.sub(r"\\\1", text)


FILTERS = {
    "angka": number,
    "selisih": change,
    "persen": percent,
    "tanggal_panjang": long_date,
    "tanggal_pendek": short_date,
    "jam": clock,
    "nama_pemilihan": election_name,
    "md": markdown_text,
}


@functools.cache
def _environment() -> Environment:
    """The project's environment with the report filters and the NRP mask on every value."""
    env = environment().overlay(finalize=_mask, cache_size=50)
    env.filters = {**env.filters, **FILTERS}
    env.globals = {**env.globals, "STATUS_POLRES": STATUS_POLRES, "klasifikasi": CLASSIFICATION}
    return env


def context(report: Report) -> dict:
    """The explicit render context: the report, its date, provenance and generation time."""
    zone = ZoneInfo(report.scope.zona_waktu)
    return {
        "r": report,
        "tanggal": report.tanggal,
        "versi_data": report.versi_data,
        "as_of_version": report.as_of_version,
        "versi_kode": report.versi_kode,
        "dibuat": format_datetime(
            report.dibuat, "EEEE, d MMMM yyyy HH.mm z", tzinfo=zone, locale=LOCALE
        ),
        "zona": format_datetime(report.dibuat, "z", tzinfo=zone, locale=LOCALE),
    }


def render_html(report: Report) -> str:
    return _environment().get_template(HTML_TEMPLATE).render(context(report))


def render_markdown(report: Report) -> str:
    return _environment().get_template(MARKDOWN_TEMPLATE).render(context(report))


def write_report(report: Report, catalog: Catalog) -> list[Path]:
    """Write `lapsit-<kode>-<date>.html` and `.md` (each atomically); returns both paths."""
    folder = catalog.report_dir(report.scope.kode_polda, report.tanggal)
    stem = f"lapsit-{report.scope.kode}-{report.tanggal.isoformat()}"
    return [
        write_atomic(folder / f"{stem}.html", render_html(report)),
        write_atomic(folder / f"{stem}.md", render_markdown(report)),
    ]
