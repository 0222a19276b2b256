"""The Jinja2 environment for everything lapsit renders (autoescaped HTML, plain Markdown).

In Markdown templates, `| md` shows a value as plain text (`markdown_text`); only the
published contract's own cells use `| md_cell`, which keeps their markup.
"""

import functools
import re

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from templates import FOLDER

# What an autolinking renderer would make a link of: a scheme's URL, `www.` (GFM's
# extended autolinks), a protocol-relative `//host`, an e-mail address. Each is shown in a code span, where no renderer
# links; the span ends before a character that would end or break it.
_LINK_LIKE = re.compile(
    r"(?:[a-z][a-z0-9+.-]{1,31}:/{1,3}|www\d{0,3}\.|mailto:|xmpp:)[^\s<>`|]*"
    r"|(?<![\w:/])//[^\s<>`|/][^\s<>`|]*"  # protocol-relative (linkify-it links `//localhost`)
    r"|[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+",
    re.IGNORECASE,
)
# Every ASCII punctuation mark that starts or closes a construct (emphasis, code, links,
# images, raw HTML, entities, headings, lists, block quotes, tables, strikethrough,
# footnotes) or joins the labels of a domain a fuzzy linkifier would link (`.`, `@`, `:`).
# CommonMark lets any ASCII punctuation be escaped with a backslash; `, ; ? " ' % /`,
# which start nothing, stay as typed so the Markdown stays readable.
_MARKUP = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&:=@^$])")


def _code_span(text: str) -> str:
    return f"`{text}`"  # _LINK_LIKE takes no backtick, `|` or space into it


def markdown_text(value: object) -> str:
    """Free text that renders as the same plain text under CommonMark and GFM (SPEC §3).

    Line breaks and runs of spaces become one space (no block can start inside it, and it
    fits a table cell); a URL or e-mail address is put in a code span; every other
    punctuation mark that could make markup is backslash-escaped. No link, image,
    autolink, raw HTML, emphasis, heading, list or table can come of it.
    """
    text = " ".join(("" if value is None else str(value)).split())
    out, pos = [], 0
    for match in _LINK_LIKE.finditer(text):
        out += [_MARKUP.sub(r"\\\1", text[pos : match.start()]), _code_span(match.group())]
        pos = match.end()
    out.append(_MARKUP.sub(r"\\\1", text[pos:]))
    return "".join(out)


def md_cell(value: object) -> str:
    """Our own text (the published contract's) in a Markdown table cell: no pipes, no line
    breaks, no raw HTML, its code spans kept. Never for text from a file: `markdown_text`."""
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
    env.filters["md"] = markdown_text
    env.filters["md_cell"] = md_cell
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
