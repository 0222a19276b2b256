"""The Jinja2 templates lapsit renders, shipped inside the wheel as package data.

`.html.j2` files are autoescaped HTML, `.md.j2` files Markdown whose free text
goes through the `md` filter (`lapsit.templating`). Folders: `report/` (the
situation report: base, one partial per section, macros), `docs/` (the
published contract), `artefak/` (Markdown artifacts shown in the Prefect UI);
the error reports sent back to a Polres sit at the top.
"""

from pathlib import Path

FOLDER = Path(__file__).resolve().parent
