"""The workbook guard: what the Excel reader must never be handed, refused before it opens a file.

What it protects against (each found by the reliability suite, `tests/reliability/`):

- **zip bombs**: the sizes a zip declares can lie, so every member is
  decompressed as a stream, counting its bytes against a limit (ten times
  LAPSIT_MAX_FILE_BYTES) and keeping nothing;
- **far cells**: the Excel reader (fastexcel on calamine; checked with
  fastexcel 0.21.0, the version in uv.lock) holds a sheet as one dense block of 32-byte cells, from
  its first filled cell to its last. A single far cell (`E187050123`,
  `XFD1048576`) asks for gigabytes, and a failed allocation in Rust aborts the
  whole process, past any `except`. Each part's cells are followed the way the
  reader places them (`lapsit.reading.cell_scan`), and a sheet whose block
  exceeds (max_rows + 2) x MAX_COLUMNS cells is refused before the reader sees
  it;
- **lying string tables**: the reader sizes its shared-string list by the
  count the file declares (`uniqueCount`); a count larger than the bytes could
  hold (every string takes at least `<si/>`) is refused.

Re-check these assumptions when fastexcel or calamine is upgraded:
`tests/reliability/test_hostile_input.py` holds the inputs.
"""

import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from lapsit.reading.cell_scan import Metered, Spent, survey_part
from lapsit.reading.frames import MAX_COLUMNS, short

# Every shared string takes at least `<si/>`, 5 bytes of the unpacked workbook.
MIN_STRING_BYTES = 5
CUSTOM_PART = "docProps/custom.xml"


@dataclass
class Survey:
    """What one pass over the parts of a workbook found (`survey`)."""

    expands_beyond: bool = False  # it unpacks to more than the limit: a zip bomb
    # Parts whose filled cells span a block of more than the budget: part -> (rows, columns).
    blocks: dict[str, tuple[int, int]] = field(default_factory=dict)
    strings: int = 0  # the unique shared strings it declares
    size: int = 0  # bytes unpacked
    custom: bytes | None = None  # docProps/custom.xml, where the template stamps its version


def cell_budget(max_rows: int) -> int:
    """The most cells a sheet's block may span: the header, max_rows + 1 rows, MAX_COLUMNS."""
    return (max_rows + 2) * MAX_COLUMNS


def survey(path: Path, limit: int, budget: int) -> Survey:
    """Unpack a workbook, as a stream keeping nothing, before the Excel reader opens it.

    A zip bomb: the sizes a zip declares can lie, so beyond checking them every
    member is decompressed, counting its bytes up to `limit`. A member that cannot
    be read to its end raises `zipfile.BadZipFile`: the file is refused as
    unreadable rather than handed to the reader unmeasured.

    Far cells: every part is followed as the reader would place its cells
    (`survey_part`), wherever the workbook's relationships put its sheets, and
    its declared count of shared strings is kept (see MIN_STRING_BYTES).
    """
    survey = Survey()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return survey  # not a zip at all: the reader reports it as unreadable
    with archive:
        members = archive.infolist()
        if sum(info.file_size for info in members) > limit:
            survey.expands_beyond = True
            return survey
        for info in members:
            info.file_size = 1 << 62  # read to the data's real end, not the declared one
            allowance = limit - survey.size

            def part(info: zipfile.ZipInfo = info, allowance: int = allowance) -> Metered:
                return Metered(archive.open(info), allowance)

            try:
                block, strings, size = survey_part(part, budget)
            except Spent:
                survey.expands_beyond = True
                return survey
            except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError) as exc:
                raise zipfile.BadZipFile(f"{info.filename}: {short(exc)}") from exc
            survey.size += size
            survey.strings = max(survey.strings, strings)
            if block is not None:
                survey.blocks[info.filename] = block
            if info.filename == CUSTOM_PART and archive.getinfo(CUSTOM_PART) is info:
                survey.custom = archive.read(info)  # measured above: within the limit
    return survey


def oversized_sheets(path: Path, survey: Survey) -> dict[str, tuple[int, int]]:
    """The sheets of the survey's blocks: name -> (rows, columns).

    Raises ValueError, with the reason, for a workbook the Excel reader must not
    open at all: more shared strings declared than its bytes could hold, or a block
    in a part that is no sheet of the workbook.
    """
    if survey.strings > survey.size // MIN_STRING_BYTES:
        raise ValueError(f"sharedStrings.xml menyatakan {survey.strings:,} teks, lebih dari isinya")
    if not survey.blocks:
        return {}
    with zipfile.ZipFile(path) as archive:
        sheets = _sheet_parts(archive)
    for part, (rows, cols) in survey.blocks.items():
        if part not in sheets:
            raise ValueError(f"'{part}' memuat sel yang terbentang {rows:,} baris x {cols:,} kolom")
    return {sheets[part]: block for part, block in survey.blocks.items()}


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part -> sheet name, by the workbook and its relationships (every reading of a target)."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, zipfile.BadZipFile, OSError, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target") or "" for r in rels}
    out: dict[str, str] = {}
    for sheet in workbook.iter():
        if sheet.tag.rpartition("}")[2] != "sheet":
            continue
        rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        target, name = targets.get(rid, ""), sheet.get("name") or ""
        for part in (
            target.lstrip("/"),
            target if target.startswith("xl/") else f"xl/{target}",
            posixpath.normpath(posixpath.join("xl", target)).lstrip("/"),
        ):
            out[part] = name
    return out
