"""Render a report to HTML and Markdown with the Jinja2 templates and write the files."""

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent
from jinja2 import Environment
from markupsafe import Markup

from lapsit.catalog import NATIONAL, Catalog
from lapsit.files import write_atomic
from lapsit.privacy import mask_nrp
from lapsit.report.build import Report
from lapsit.report.completeness import FOLLOW_UP
from lapsit.report.labels import STATUS_POLRES, election_name
from lapsit.report.national import ZONA_NASIONAL, National
from lapsit.report.pdf import PdfError, write_pdf
from lapsit.templating import environment

LOCALE = "id"
CLASSIFICATION = "TERBATAS"
HTML_TEMPLATE = "report/lapsit.html.j2"
MARKDOWN_TEMPLATE = "report/lapsit.md.j2"
NATIONAL_HTML = "report/nasional.html.j2"
NATIONAL_MARKDOWN = "report/nasional.md.j2"


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
    """`Selasa, 1 Oktober 2024` (babel's Indonesian full pattern pads the day: not used)."""
    return "" if value is None else format_date(value, "EEEE, d MMMM y", locale=LOCALE)


def short_date(value: dt.date) -> str:
    """`20 Nov`."""
    return format_date(value, "d MMM", locale=LOCALE)


def medium_date(value: dt.date | None) -> str:
    """`1 Okt 2024`."""
    return "" if value is None else format_date(value, "d MMM y", locale=LOCALE)


def local_time(value: dt.datetime | None, day: dt.date | None = None) -> str:
    """A naive local date-time: `19.33` on `day`, else `28 Nov 07.10`."""
    if value is None:
        return "–"
    if day is not None and value.date() == day:
        return value.strftime("%H.%M")
    return f"{short_date(value.date())} {value:%H.%M}"


def ratio(value: float | None) -> str:
    """`×3,2`: how many times the usual value."""
    return "–" if value is None else "×" + format_decimal(value, format="#,##0.0#", locale=LOCALE)


def lower_first(text: str | None) -> str:
    """A name inside a sentence: `Pemungutan suara` -> `pemungutan suara`, `Perusakan APK`
    -> `perusakan APK` (only the first letter, so acronyms stay)."""
    return "" if not text else text[0].lower() + text[1:]


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


FILTERS = {
    "angka": number,
    "selisih": change,
    "persen": percent,
    "tanggal_panjang": long_date,
    "tanggal_pendek": short_date,
    "tanggal_sedang": medium_date,
    "waktu": local_time,
    "rasio": ratio,
    "huruf_kecil_awal": lower_first,
    "jam": clock,
    "nama_pemilihan": election_name,
}


@functools.cache
def _environment() -> Environment:
    """The project's environment with the report filters and the NRP mask on every value."""
    env = environment().overlay(finalize=_mask, cache_size=50)
    env.filters = {**env.filters, **FILTERS}
    env.globals = {
        **env.globals,
        "STATUS_POLRES": STATUS_POLRES,
        "TINDAK_LANJUT": FOLLOW_UP,
        "klasifikasi": CLASSIFICATION,
    }
    return env


def _provenance(made: Report | National, zona_waktu: str) -> dict:
    """Date, data versions, code version and generation time (local) of a report."""
    zone = ZoneInfo(zona_waktu)
    return {
        "tanggal": made.tanggal,
        "versi_data": made.versi_data,
        "as_of_version": made.as_of_version,
        "versi_kode": made.versi_kode,
        "dibuat": format_datetime(
            made.dibuat, "EEEE, d MMMM yyyy HH.mm z", tzinfo=zone, locale=LOCALE
        ),
        "zona": format_datetime(made.dibuat, "z", tzinfo=zone, locale=LOCALE),
    }


def context(report: Report) -> dict:
    """The explicit render context: the report, its date, provenance and generation time."""
    return {"r": report, **_provenance(report, report.scope.zona_waktu)}


def national_context(national: National) -> dict:
    """The roll-up's render context; each Polda's times in its own zone (`zona_polda`)."""
    zones = {
        r.scope.kode_polda: format_datetime(
            national.dibuat, "z", tzinfo=ZoneInfo(r.scope.zona_waktu), locale=LOCALE
        )
        for r in national.polda
    }
    return {"n": national, "zona_polda": zones, **_provenance(national, ZONA_NASIONAL)}


def render_html(report: Report) -> str:
    return _environment().get_template(HTML_TEMPLATE).render(context(report))


def render_markdown(report: Report) -> str:
    return _environment().get_template(MARKDOWN_TEMPLATE).render(context(report))


@dataclass
class Written:
    """The files of one report, and why its PDF is missing when it is."""

    paths: list[Path] = field(default_factory=list)
    pdf_error: str | None = None


def write_files(folder: Path, stem: str, html: str, markdown: str, pdf: bool = True) -> Written:
    """Write `<stem>.html`, `.md` and (unless `pdf` is False) `.pdf`, each atomically.

    A PDF that cannot be printed is recorded in `pdf_error`: the HTML and Markdown stand.
    """
    written = Written(
        [write_atomic(folder / f"{stem}.html", html), write_atomic(folder / f"{stem}.md", markdown)]
    )
    if pdf:
        try:
            written.paths.append(write_pdf(html, folder / f"{stem}.pdf"))
        except PdfError as exc:
            written.pdf_error = str(exc)
    return written


def render_national_html(national: National) -> str:
    return _environment().get_template(NATIONAL_HTML).render(national_context(national))


def render_national_markdown(national: National) -> str:
    return _environment().get_template(NATIONAL_MARKDOWN).render(national_context(national))


def write_national(national: National, catalog: Catalog, pdf: bool = True) -> Written:
    """Write `reports/nasional/<date>/lapsit-nasional-<date>.html`, `.md` and `.pdf`."""
    stem = f"lapsit-{NATIONAL}-{national.tanggal.isoformat()}"
    html, md = render_national_html(national), render_national_markdown(national)
    return write_files(catalog.national_dir(national.tanggal), stem, html, md, pdf)


def write_report(report: Report, catalog: Catalog, pdf: bool = True) -> Written:
    """Write `lapsit-<kode>-<date>.html`, `.md` and `.pdf` of one report."""
    folder = catalog.report_dir(report.scope.kode_polda, report.tanggal)
    stem = f"lapsit-{report.scope.kode}-{report.tanggal.isoformat()}"
    return write_files(folder, stem, render_html(report), render_markdown(report), pdf)
