"""Uploads: a multipart body streamed to disk under a size limit, stored atomically in an inbox.

Starlette's form parser reads a whole file part before a handler sees it; here
python-multipart's streaming parser is fed the body as it arrives, the file part goes
straight to a staging file outside every inbox (`Catalog.upload_staging`) and the
request is refused (`TooLarge`, 413) at the first byte beyond LAPSIT_MAX_FILE_BYTES, the
staged bytes removed. A whole upload enters its inbox by a hard link under a name made
here (`stored_name`: the client's name is never a path), which is atomic and never
replaces another file: an ingest sees the whole file or none of it.
"""

import contextlib
import datetime as dt
import hashlib
import os
import re
import secrets
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from lapsit.privacy import mask_nrp

FILE_FIELD = "berkas"
# Room for the form's other fields and the multipart framing, beyond the file itself.
FORM_OVERHEAD = 64 * 1024
MAX_FIELDS = 8
MAX_FIELD_BYTES = 1024
# After a refusal, at most this much more of the body is read and dropped, so that the
# client (still sending) reads the 413 instead of a reset connection.
DRAIN_BYTES = 64 * 1024 * 1024
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_SUFFIX = re.compile(r"\.[a-z0-9]{1,10}")
STEM_CHARS = 80


class TooLarge(Exception):
    """The body (or its file) is over the limit: 413, nothing kept."""


class BadForm(Exception):
    """A body that is not the form expected: 400."""


@dataclass
class Received:
    """A form as received: its text fields and its file, staged whole."""

    fields: dict[str, str] = field(default_factory=dict)
    filename: str | None = None  # as the client gave it: never used as a path
    staged: Path | None = None
    size: int = 0
    sha256: str = ""

    def discard(self) -> None:
        if self.staged is not None:
            self.staged.unlink(missing_ok=True)
            self.staged = None


class _Form:
    """python-multipart callbacks: text fields in memory, the file part to `staging`."""

    def __init__(self, staging: Path, max_bytes: int) -> None:
        self.staging, self.max_bytes = staging, max_bytes
        self.out = Received()
        self._digest = hashlib.sha256()
        self._headers: dict[str, bytes] = {}
        self._field, self._value = b"", b""
        self._name: str | None = None
        self._text: bytearray | None = None
        self._file = None

    def on_part_begin(self) -> None:
        self._headers, self._name, self._text = {}, None, None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._field.decode("latin-1").lower()] = self._value
        self._field, self._value = b"", b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get("content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        self._name = name
        if b"filename" in options and name == FILE_FIELD:
            if self.out.staged is not None:
                raise BadForm("lebih dari satu berkas")
            filename = options[b"filename"].decode("utf-8", "replace")
            self.out.filename = filename
            suffix = os.path.splitext(filename.replace("\\", "/"))[1].lower()
            suffix = suffix if _SUFFIX.fullmatch(suffix) else ""
            self.staging.mkdir(parents=True, exist_ok=True)
            self.out.staged = self.staging / f"{secrets.token_hex(16)}{suffix}"
            self._file = self.out.staged.open("xb")
        elif b"filename" in options:
            raise BadForm(f"bagian berkas '{name}' tidak dikenal")
        else:
            if len(self.out.fields) >= MAX_FIELDS:
                raise BadForm("terlalu banyak isian")
            self._text = bytearray()

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._file is not None:
            self.out.size += len(chunk)
            if self.out.size > self.max_bytes:
                raise TooLarge
            self._file.write(chunk)
            self._digest.update(chunk)
        elif self._text is not None:
            self._text += chunk
            if len(self._text) > MAX_FIELD_BYTES:
                raise BadForm("isian terlalu panjang")

    def on_part_end(self) -> None:
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None
            self.out.sha256 = self._digest.hexdigest()
        elif self._text is not None and self._name is not None:
            self.out.fields[self._name] = self._text.decode("utf-8", "replace")
        self._text = None

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


async def receive_form(
    headers: dict[str, str], body: AsyncIterator[bytes], staging: Path, max_bytes: int
) -> Received:
    """Parse a multipart body as it streams: fields, and the `berkas` file staged whole.

    TooLarge as soon as the body or the file passes its limit (the staged bytes are
    removed, the rest of the body drained up to DRAIN_BYTES); BadForm for a body that is
    not multipart or holds more than the form can.
    """
    kind, options = parse_options_header(headers.get("content-type", ""))
    if kind != b"multipart/form-data" or b"boundary" not in options:
        raise BadForm("bukan multipart/form-data")
    limit = max_bytes + FORM_OVERHEAD
    declared = headers.get("content-length", "")
    form = _Form(staging, max_bytes)
    callbacks = {
        name: getattr(form, name)
        for name in (
            "on_part_begin",
            "on_part_data",
            "on_part_end",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
        )
    }
    parser = MultipartParser(options[b"boundary"], callbacks)
    seen = 0
    try:
        if declared.isdigit() and int(declared) > limit:
            raise TooLarge
        async for chunk in body:
            seen += len(chunk)
            if seen > limit:
                raise TooLarge
            parser.write(chunk)
        parser.finalize()
    except TooLarge:
        form.close()
        form.out.discard()
        await _drain(body)
        raise
    except Exception as exc:
        form.close()
        form.out.discard()
        if isinstance(exc, BadForm):
            raise
        if isinstance(exc, MultipartParseError) and "header" in str(exc).lower():
            # python-multipart's own limit on a part's header lines (4 KiB).
            raise BadForm("nama berkas atau kepala formulir terlalu panjang") from exc
        raise BadForm("badan permintaan rusak") from exc
    if form.out.staged is not None and not form.out.sha256:
        form.close()
        form.out.discard()
        raise BadForm("berkas terpotong")
    return form.out


async def _drain(body: AsyncIterator[bytes]) -> None:
    dropped = 0
    with contextlib.suppress(Exception):
        async for chunk in body:
            dropped += len(chunk)
            if dropped > DRAIN_BYTES:
                break


def stored_name(given: str | None, moment: dt.datetime) -> str:
    """The name an upload is stored under: `<local time>_<safe stem><suffix>`.

    Only the last part of the client's name counts (after any `/` or `\\`); what is not
    a letter, digit, `.`, `-` or `_` becomes `-` (NUL and other controls among them), the
    stem is cut to STEM_CHARS, an NRP in it is masked as everywhere (`mask_nrp`: a date
    near `moment`, the local time of receipt, stays as typed), and that time first makes
    it neither hidden nor a path. The name is then the one every page shows (an NRP's
    mask adds `*****`, the only character beyond the safe ones).
    """
    base = (given or "").replace("\\", "/").split("/")[-1]
    stem, suffix = os.path.splitext(base)
    suffix = suffix.lower() if _SUFFIX.fullmatch(suffix.lower()) else ""
    if not suffix and _SUFFIX.fullmatch("." + stem.lower().lstrip(".")):
        stem, suffix = "", "." + stem.lower().lstrip(".")  # `.xlsx` alone
    stem = _SAFE.sub("-", stem).strip("-._")[:STEM_CHARS].strip("-._") or "berkas"
    stem = mask_nrp(stem, moment.date())
    return f"{moment:%Y-%m-%d_%H%M%S}_{stem}{suffix}"


def store(staged: Path, inbox: Path, name: str) -> Path:
    """Put a staged upload into the inbox under `name` (or `name-2`, ...), never replacing.

    A hard link is atomic and fails rather than replace a file. Where the staging folder
    is on another file system than the inbox, the bytes are first copied to a hidden name
    in the inbox (an ingest passes hidden names over) and linked from there.
    """
    inbox.mkdir(parents=True, exist_ok=True)
    stem, suffix = os.path.splitext(name)
    hidden: Path | None = None
    try:
        source = staged
        if staged.stat().st_dev != inbox.stat().st_dev:
            hidden = inbox / f".{secrets.token_hex(8)}.unggah"
            shutil.copyfile(staged, hidden)
            with hidden.open("rb") as fh:
                os.fsync(fh.fileno())
            source = hidden
        for n in range(1, 1000):
            final = inbox / (name if n == 1 else f"{stem}-{n}{suffix}")
            try:
                os.link(source, final)
                return final
            except FileExistsError:
                continue
        raise FileExistsError(name)
    finally:
        staged.unlink(missing_ok=True)
        if hidden is not None:
            hidden.unlink(missing_ok=True)
