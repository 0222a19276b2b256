"""The report as PDF (A4, numbered pages), printed from its HTML with WeasyPrint.

WeasyPrint is a maintained HTML/CSS-to-PDF engine in Python that lays out pages itself
(CSS Paged Media: `@page` margin boxes for the page numbers, `break-after: avoid` for
headings, repeated table headers, rows kept whole) on pango, which the Debian base
has; no browser has to run at night. The PDF is printed from the very HTML the report
writes, so that both show the same figures.
"""

import logging
from pathlib import Path

from lapsit.files import write_atomic

# WeasyPrint logs every CSS rule it skips (e.g. screen-only media queries) as a warning.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


class PdfError(Exception):
    """The PDF could not be written; the HTML and Markdown still stand."""


def pdf_bytes(html: str) -> bytes:
    """The PDF of a self-contained HTML page."""
    try:
        from weasyprint import HTML  # imported late: loading pango takes a moment
    except (ImportError, OSError) as exc:  # OSError: pango missing from the system
        raise PdfError(f"WeasyPrint tidak dapat dimuat: {exc}") from exc
    try:
        return HTML(string=html).write_pdf()
    except Exception as exc:  # a layout bug must cost the PDF only, never the report
        raise PdfError(f"{type(exc).__name__}: {exc}") from exc


def write_pdf(html: str, path: Path) -> Path:
    """Print `html` to `path` atomically; raises PdfError when it cannot be printed."""
    data = pdf_bytes(html)
    try:
        return write_atomic(path, data)
    except OSError as exc:
        raise PdfError(str(exc)) from exc
