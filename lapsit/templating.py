"""The Jinja2 environment for everything lapsit renders (autoescaped HTML, plain Markdown)."""

import functools

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from templates import FOLDER


def md_cell(value: object) -> str:
    """Text safe inside a Markdown table cell: no pipes, no line breaks, no raw HTML."""
    text = "" if value is None else str(value)
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")
    return text.replace("<", "&lt;").replace(">", "&gt;")


@functools.cache
def environment() -> Environment:
    """Templates from the `templates` package; `.html.j2` files are autoescaped."""
    env = Environment(
        loader=FileSystemLoader(FOLDER),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_cell
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
