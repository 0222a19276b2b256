"""argparse in Bahasa Indonesia: an Indonesian catalogue of argparse's own gettext messages.

argparse takes every text it writes itself (`usage:`, `options`, `the following
arguments are required`, `invalid choice`, ...) from gettext, by the message ids
below. Python ships no Indonesian catalogue, and installing one would change
gettext's domain for the whole process; so `Parser` looks the ids up in
`CATALOGUE` while it builds, formats and parses, and gives argparse's own
functions back afterwards. `tests/flows/test_cli_bahasa.py` checks that every
message id of the running Python's argparse is translated.
"""

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

CATALOGUE: dict[str, str] = {
    "usage: ": "penggunaan: ",
    "argument %(argument_name)s: %(message)s": "argumen %(argument_name)s: %(message)s",
    "positional arguments": "argumen posisi",
    "options": "opsi",
    "show this help message and exit": "tampilkan bantuan ini lalu keluar",
    "show program's version number and exit": "tampilkan versi program lalu keluar",
    "subcommands": "perintah",
    "the following arguments are required: %s": "argumen berikut wajib diisi: %s",
    "one of the arguments %s is required": "salah satu argumen %s wajib diisi",
    "unrecognized arguments: %s": "argumen tidak dikenal: %s",
    "not allowed with argument %s": "tidak boleh bersama argumen %s",
    "ignored explicit argument %r": "nilai %r diabaikan",
    "expected one argument": "perlu satu nilai",
    "expected at most one argument": "perlu paling banyak satu nilai",
    "expected at least one argument": "perlu paling sedikit satu nilai",
    "ambiguous option: %(option)s could match %(matches)s": (
        "opsi %(option)s ambigu: bisa berarti %(matches)s"
    ),
    "unexpected option string: %s": "opsi tidak terduga: %s",
    "invalid %(type)s value: %(value)r": "nilai %(type)s tidak sah: %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "pilihan %(value)r tidak sah (pilih salah satu: %(choices)s)"
    ),
    "%(prog)s: error: %(message)s\n": "%(prog)s: kesalahan: %(message)s\n",
    "can't open '%(filename)s': %(error)s": "tidak dapat membuka '%(filename)s': %(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "perintah %(parser_name)r tidak dikenal (pilihan: %(choices)s)"
    ),
    'argument "-" with mode %r': 'argumen "-" dengan mode %r',
    # Mistakes in building a parser, not in using it; translated all the same.
    ".__call__() not defined": ".__call__() belum didefinisikan",
    "conflicting subparser: %s": "perintah bentrok: %s",
    "conflicting subparser alias: %s": "alias perintah bentrok: %s",
    "cannot merge actions - two groups are named %r": (
        "aksi tidak dapat digabung: dua kelompok bernama %r"
    ),
    "'required' is an invalid argument for positionals": (
        "'required' tidak berlaku untuk argumen posisi"
    ),
    "invalid option string %(option)r: must start with a character %(prefix_chars)r": (
        "opsi %(option)r tidak sah: harus diawali karakter %(prefix_chars)r"
    ),
    "dest= is required for options like %r": "dest= wajib untuk opsi seperti %r",
    "invalid conflict_resolution value: %r": "nilai conflict_resolution tidak sah: %r",
    "mutually exclusive arguments must be optional": "argumen yang saling meniadakan harus opsional",
    "cannot have multiple subparser arguments": "hanya boleh ada satu kelompok perintah",
    "%r is not callable": "%r tidak dapat dipanggil",
}
# (singular, plural) -> Indonesian, which does not inflect for number.
PLURALS: dict[tuple[str, str], str] = {
    ("expected %s argument", "expected %s arguments"): "perlu %s nilai",
    ("conflicting option string: %s", "conflicting option strings: %s"): "opsi bentrok: %s",
}


def gettext(message: str | None) -> str | None:
    """argparse's `_`: the Indonesian text of a message id (the id itself if unknown)."""
    return CATALOGUE.get(message, message) if message is not None else None


def ngettext(singular: str, plural: str, n: int) -> str:
    """argparse's `ngettext`, in Indonesian."""
    return PLURALS.get((singular, plural), singular if n == 1 else plural)


@contextmanager
def indonesian() -> Iterator[None]:
    """argparse speaks Indonesian inside this block, its own language again after it."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = gettext, ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class Formatter(argparse.HelpFormatter):
    """Help laid out as argparse does, in Indonesian."""

    def format_help(self) -> str:
        with indonesian():
            return super().format_help()


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose own texts (help, usage, errors) are in Bahasa Indonesia."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", Formatter)
        with indonesian():
            super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs: Any) -> argparse._SubParsersAction:
        with indonesian():
            return super().add_subparsers(**kwargs)

    def parse_args(self, *args: Any, **kwargs: Any) -> Any:
        with indonesian():
            return super().parse_args(*args, **kwargs)

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        with indonesian():
            return super().parse_known_args(*args, **kwargs)

    def format_usage(self) -> str:
        with indonesian():
            return super().format_usage()

    def format_help(self) -> str:
        with indonesian():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        with indonesian():
            super().error(message)
