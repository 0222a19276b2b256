"""Follow the cells of a workbook part the way the Excel reader will place them.

Used by the workbook guard (`lapsit.reading.workbook_guard`, which says why):
regular expressions over the raw XML, read in pieces of about a megabyte that
never cut a tag, so that a part of any size is followed in bounded memory. The
cheapest reading that can answer is taken first; `place_cells` follows the
reader's own cursor where a cell names no reference.
"""

import re
from collections.abc import Callable, Iterator
from typing import IO

# Longest tag the scan follows across the pieces it reads a part in.
MAX_TAG_BYTES = 1 << 20


class Spent(Exception):
    """The bytes a workbook may unpack to are spent."""


class Metered:
    """A part read against an allowance of bytes; `Spent` once it is exceeded."""

    def __init__(self, member: IO[bytes], allowance: int) -> None:
        self.member, self.allowance, self.size = member, allowance, 0

    def __enter__(self) -> "Metered":
        return self

    def __exit__(self, *exc: object) -> None:
        self.member.close()

    def read(self, n: int) -> bytes:
        chunk = self.member.read(n)
        self.size += len(chunk)
        if self.size > self.allowance:
            raise Spent
        return chunk


# Markup as the survey reads it. A `<` inside a quoted value is not XML, and would let
# a tag hide inside another (or across the pieces a part is read in): such a part is
# refused. Every `<` then opens markup, and no quoted value holds one.
_LT_IN_VALUE = re.compile(
    rb"""<[\w.:-]++(?:[^<>"']++|"[^"<]*+"|'[^'<]*+')*+(?:"[^"<]*+<|'[^'<]*+<)"""
)


def _cell_patterns(prefix: bytes) -> tuple[re.Pattern[bytes], ...]:
    """Start tags of cells (`prefix`: their namespace prefix, if any, as a pattern).

    Every cell's tag; the tags that name their reference first (as every writer
    does), with its letters and digits; and the same read to their end, with a `/`
    when self-closing (the reader leaves those out). The end of a tag is its first
    `>` outside quotes.
    """
    named = rb'<%sc\s+r\s*=\s*"([A-Za-z]+)([0-9]+)"' % prefix
    return (
        re.compile(rb"<%sc[\s/>]" % prefix),
        re.compile(named),
        re.compile(named + rb"""(?:[^<>"'/]++|"[^"]*+"|'[^']*+')*+(/?)>"""),
    )


_CELLS = _cell_patterns(b"")
_PREFIXED_CELLS = _cell_patterns(rb"(?:[\w.-]+:)?")
# For `place_cells`, between the ends of rows: the start tags of cells that are not
# self-closing, and the ends of cells.
_ROW_END = re.compile(rb"</(?:[\w.-]+:)?row\s*>")
_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c\s*>")
_OPEN_CELL = re.compile(rb"""<(?:[\w.-]+:)?c(?:\s(?:[^<>"']++|"[^"]*+"|'[^']*+')*+)?(?<!/)>""")
# What `place_cells` follows, wherever a namespace prefix puts it: the start and end
# tags of rows, cells, values and inline strings (and whether self-closing).
_MARKUP = re.compile(
    rb"<(/?)((?:[\w.-]+:)?(row|c|v|is))"
    rb"((?:\s(?:[^<>\"'/]++|\"[^\"]*+\"|'[^']*+'|/(?!>))*+)?)(/?)>"
)
_REF = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CELL = re.compile(rb"([A-Za-z]+)([0-9]+)")
_UNIQUE = re.compile(rb"""<(?:[\w.-]+:)?sst\s[^>]*?\suniqueCount\s*=\s*["']\s*([0-9]+)""")
# The letters and digits of every `r` attribute, and more; the cells' tags (`_near`).
_ANY_REF = re.compile(rb"""r\s*=\s*["']([A-Za-z]*)([0-9]*)["']""")
_CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")


def _column(letters: bytes) -> int:
    """The 0-based column of a reference's letters (`A` 0, `AA` 26)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number - 1


def _refs(attrs: bytes) -> list[bytes]:
    return [a or b for a, b in _REF.findall(attrs)]


def _windows(member: IO[bytes], *, strict: bool = True) -> Iterator[bytes]:
    """A part in pieces of about a chunk, none of them cutting a tag (`_cut`).

    `strict`: a `<` in a quoted value is refused (ValueError), for the patterns
    that read tags to their end.
    """
    carry = b""
    while chunk := member.read(1 << 20):
        data = carry + chunk
        if strict and _LT_IN_VALUE.search(data):
            raise ValueError("XML rusak: '<' di dalam nilai atribut")
        cut = _cut(data)
        carry = data[cut:]
        if len(carry) > MAX_TAG_BYTES:
            raise ValueError(f"tag XML lebih dari {MAX_TAG_BYTES:,} bita")
        yield data[:cut]
    yield carry


def _cut(data: bytes) -> int:
    """Where a piece of a part ends: after its last row (so that the next piece starts
    outside any cell) unless that row is far back, else before its last tag."""
    for end in (data.rfind(b"</row>"), data.rfind(b":row>")):
        start = data.rfind(b"<", 0, end + 1)
        end = data.find(b">", end) + 1
        if (
            0 <= start < end
            and len(data) - end < MAX_TAG_BYTES
            and _ROW_END.fullmatch(data, start, end)
        ):
            return end
    last = data.rfind(b"<")
    return len(data) if last < 0 else last


def _named(window: bytes) -> list[tuple[bytes, bytes]] | None:
    """(letters, digits) of every cell in `window`, filled or not; None if unsure.

    None when some cell's tag does not name its reference first: it is placed where
    the reader's cursor is, which only `place_cells` follows. Reading no further
    than the reference, this holds whatever the rest of the tags.
    """
    tags, named, _ = _PREFIXED_CELLS if b":c" in window else _CELLS
    cells = named.findall(window)
    return cells if len(cells) == len(tags.findall(window)) else None


def _filled(window: bytes) -> list[tuple[bytes, bytes]] | None:
    """As `_named`, but only the cells the reader would hold: not self-closing ones."""
    tags, _, whole = _PREFIXED_CELLS if b":c" in window else _CELLS
    cells = whole.findall(window)
    if len(cells) != len(tags.findall(window)):
        return None
    return [(letters, digits) for letters, digits, closed in cells if not closed]


# `_measure`'s answer when some cell does not name its reference.
_UNPLACED = (-1, -1)


def _measure(
    windows: Iterator[bytes],
    budget: int,
    cells_in: Callable[[bytes], list[tuple[bytes, bytes]] | None],
) -> tuple[int, int] | None:
    """The block of the cells `cells_in` finds once it exceeds `budget` (else None)."""
    corners: tuple[int, int, int, int] | None = None  # top, left, bottom, right
    for window in windows:
        cells = cells_in(window)
        if cells is None:
            return _UNPLACED
        if not cells:
            continue
        rows = [int(digits) - 1 for digits in {d for _, d in cells}]
        cols = [_column(letters) for letters in {a for a, _ in cells}]
        top, left, bottom, right = corners or (rows[0], cols[0], rows[0], cols[0])
        corners = top, left, bottom, right = (
            min(top, *rows),
            min(left, *cols),
            max(bottom, *rows),
            max(right, *cols),
        )
        if (bottom - top + 1) * (right - left + 1) > budget:
            return (bottom - top + 1, right - left + 1)
    return None


def survey_part(
    part: Callable[[], Metered], budget: int
) -> tuple[tuple[int, int] | None, int, int]:
    """Where the Excel reader would place the cells of one part of a workbook.

    Returns the (rows, columns) of the block its filled cells span once that exceeds
    `budget` cells (None while it does not), the count of unique shared strings it
    declares, and its size. Each step is taken only when the one before cannot tell:
    a part read in one chunk whose every reference is near enough (`_near`: a
    report) is passed at once; then the block of every cell by its reference
    (`_named`), then of the cells filled (`_filled`); when some cell names no
    reference, every cell is placed one by one (`place_cells`).
    """
    with part() as member:
        first = member.read(1 << 20)
        declared = (
            max(map(int, _UNIQUE.findall(first)), default=0) if b"uniqueCount" in first else 0
        )
        if len(first) < 1 << 20 and _near(first, budget):
            return None, declared, len(first)
        block = _measure(_windows(_Prefixed(first, member), strict=False), budget, _named)
        while member.read(1 << 20):  # measured to its end all the same
            pass
        size = member.size
    if block is not None and block != _UNPLACED:
        with part() as member:
            block = _measure(_windows(member), budget, _filled)
    if block == _UNPLACED:
        with part() as member:
            block = place_cells(member, budget)
    return block, declared, size


class _Prefixed:
    """`member` with `first` (already read from it) put back in front."""

    def __init__(self, first: bytes, member: IO[bytes]) -> None:
        self.first, self.member = first, member

    def read(self, n: int) -> bytes:
        if self.first:
            out, self.first = self.first, b""
            return out
        return self.member.read(n)


def _near(data: bytes, budget: int) -> bool:
    """True when no cell in `data` can lie outside a block of `budget` cells.

    A cell's row is at most the highest row named plus the rows closed since; its
    column at most the widest column named (27 ** letters is beyond ZZ...Z) plus the
    cells since. Every text that could name a row or a column, close a row or open
    a cell is counted, whatever the markup around it.
    """
    cells = len(_CELL_TAG.findall(data))
    if not cells:
        return True
    refs = _ANY_REF.findall(data)
    rows = max((int(d) for _, d in refs if d), default=0) + data.count(b"row") + 1
    widest = max((len(a) for a, _ in refs), default=0)
    return rows * (27**widest + cells + 1) <= budget


# Long: one pass of a byte scanner over a sheet's XML, its states in one loop: split up, it
# would cost a call per tag on the hot path of every workbook.
def place_cells(member: IO[bytes], budget: int) -> tuple[int, int] | None:
    """The block of `survey_part`, every cell placed as calamine does.

    Outside a cell, a `<row r>` sets the row, `</row>` moves to the next, and a cell
    without `r` takes the column after the last one. Inside a cell (up to its `</c>`)
    its `<v>` or `<is>` is skipped to its end, and makes it filled (more than the reader
    counts, never fewer); self-closing cells are passed over. A row or a cell inside
    a cell, or a tag inside a value, the reader would take its own way: ValueError.
    """
    row = col = 0
    top = left = 1 << 62  # the bounds of the filled cells so far
    bottom = right = -1
    cell: tuple[int, int] | None = None  # the cell open, if any
    skip = b""  # the name of the value being skipped, if any
    for window in _windows(member):
        rows = _ROW_END.split(window)
        named = list(map(_ANY_REF.search, rows))
        opened = list(map(len, map(_OPEN_CELL.findall, rows)))
        closed = list(map(len, map(_CELL_END.findall, rows)))
        for i, text in enumerate(rows):
            if i:  # the end of a row
                if cell is not None or skip:
                    raise ValueError("XML rusak: akhir baris di dalam sel")
                row, col = row + 1, 0
            if cell is None and not skip and not named[i] and opened[i] == closed[i]:
                # Whole cells without references: side by side from the cursor on.
                if opened[i]:
                    top, bottom = min(top, row), max(bottom, row)
                    left, right = min(left, col), max(right, col + opened[i] - 1)
                    if (bottom - top + 1) * (right - left + 1) > budget:
                        return (bottom - top + 1, right - left + 1)
                col += opened[i]
                continue
            for m in _MARKUP.finditer(text):
                close, qname, name, attrs, empty = m.groups()
                if skip:  # inside a value: nothing but its end
                    if not (close and qname == skip):
                        raise ValueError("XML rusak: tag di dalam nilai sel")
                    skip = b""
                elif cell is not None:  # inside a cell: its value, or its end
                    if close and name == b"c":
                        cell = None
                    elif name in (b"row", b"c"):
                        raise ValueError("XML rusak: baris atau sel di dalam sel")
                    elif not close and not empty:
                        skip = qname
                        top, bottom = min(top, cell[0]), max(bottom, cell[0])
                        left, right = min(left, cell[1]), max(right, cell[1])
                        if (bottom - top + 1) * (right - left + 1) > budget:
                            return (bottom - top + 1, right - left + 1)
                elif close or empty:
                    continue  # a row ends only between texts; self-closing tags are passed over
                elif name == b"row":
                    ref = _refs(attrs)
                    if ref and ref[-1].isdigit():
                        row = int(ref[-1]) - 1
                elif name == b"c":
                    cell = (row, col)
                    for ref in _refs(attrs):
                        if found := _CELL.fullmatch(ref):
                            cell = (int(found[2]) - 1, _column(found[1]))
                    col = cell[1] + 1
    return None
