"""Reading a report's PDF back as text (pypdf), to compare it with the HTML."""

import re
from pathlib import Path

from pypdf import PdfReader


def pdf_pages(path: Path) -> list[str]:
    """The text of each page."""
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def pdf_text(path: Path) -> str:
    """The whole text, runs of white space made one space."""
    return re.sub(r"\s+", " ", " ".join(pdf_pages(path)))
