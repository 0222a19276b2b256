"""The CLI speaks Bahasa Indonesia: every help text and argument error; a missing data dir is exit 2."""

import argparse
import ast
import inspect
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.cli import build_parser, main
from flows.cli.bahasa import CATALOGUE, PLURALS

COMMANDS = (
    "validate",
    "template",
    "ingest",
    "report",
    "demo",
    "nightly",
    "serve",
    "portal",
    "akun",
)
# What argparse writes in English when its texts are not translated.
ENGLISH = (
    "usage:",
    "options:",
    "positional arguments",
    "show this help message and exit",
    "the following arguments are required",
    "invalid choice",
    "error:",
    "unrecognized arguments",
    "expected one argument",
    "invalid int value",
)
LAPSIT = Path(sys.executable).parent / "lapsit"


def _english(text: str) -> list[str]:
    return [e for e in ENGLISH if e in text]


def _argparse_message_ids() -> tuple[set[str], set[tuple[str, str]]]:
    """Every message id the running Python's argparse passes to gettext."""
    tree = ast.parse(inspect.getsource(argparse))
    single, plural = set(), set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        strings = [a.value for a in node.args if isinstance(a, ast.Constant)]
        strings = [s for s in strings if isinstance(s, str)]
        if node.func.id == "_" and strings:
            single.add(strings[0])
        elif node.func.id == "ngettext" and len(strings) == 2:
            plural.add((strings[0], strings[1]))
    return single, plural


def test_every_argparse_message_has_an_indonesian_text():
    single, plural = _argparse_message_ids()
    assert len(single) > 20  # the walk found argparse's messages
    assert single - CATALOGUE.keys() == set()
    assert plural - PLURALS.keys() == set()
    # Placeholders kept, so that argparse can fill them in.
    for msgid, text in CATALOGUE.items():
        for placeholder in ("%s", "%r", "%(prog)s", "%(message)s", "%(value)r", "%(choices)s"):
            assert msgid.count(placeholder) == text.count(placeholder), msgid


@pytest.mark.parametrize("command", (None, *COMMANDS))
def test_help_of_every_command_is_indonesian(command, capsys):
    argv = ["--help"] if command is None else [command, "--help"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("penggunaan: lapsit")
    assert "opsi:" in out and "tampilkan bantuan ini lalu keluar" in out
    assert _english(out) == []


def _actions(parser: argparse.ArgumentParser):
    for action in parser._actions:
        yield parser.prog, action
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _actions(sub)


def test_every_argument_and_command_has_a_description():
    parser = build_parser()
    missing = [
        (prog, action.dest)
        for prog, action in _actions(parser)
        if not action.help or action.help == argparse.SUPPRESS
    ]
    assert missing == []
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(commands.choices) == set(COMMANDS)
    assert all(sub.description for sub in commands.choices.values())


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], "argumen berikut wajib diisi: PERINTAH"),
        (["bukan-perintah"], "pilihan 'bukan-perintah' tidak sah"),
        (["report"], "argumen berikut wajib diisi: --date"),
        (["report", "--date", "20-11-2024"], "Tanggal '20-11-2024' tidak sah"),
        (["report", "--date", "2024-11-20", "--as-of-version", "x"], "'x' bukan bilangan bulat"),
        (["ingest", "--task-runner", "spark"], "pilihan 'spark' tidak sah"),
        (["ingest", "--data-dir"], "argumen --data-dir: perlu satu nilai"),
        (["ingest", "--tidak-ada"], "argumen tidak dikenal: --tidak-ada"),
        (["template"], "argumen berikut wajib diisi: --polres"),
        (["validate"], "argumen berikut wajib diisi: BERKAS"),
    ],
)
def test_argument_errors_are_indonesian_and_exit_2(argv, expected, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert err.startswith("penggunaan: lapsit") and "kesalahan:" in err
    assert _english(err) == []


def test_argparse_is_english_again_outside_the_cli(capsys):
    main(["--help"])
    capsys.readouterr()
    plain = argparse.ArgumentParser(prog="lain")
    assert plain.format_usage().startswith("usage: lain")


@pytest.mark.parametrize("command", ("ingest", "report", "nightly", "serve"))
@pytest.mark.parametrize("through", ("--data-dir", "LAPSIT_DATA_DIR"))
def test_a_data_dir_that_does_not_exist_is_exit_2(command, through, tmp_path, monkeypatch, capsys):
    missing = tmp_path / "salah-ketik"
    argv = [command] + (["--date", "2024-11-20"] if command == "report" else [])
    if through == "--data-dir":
        monkeypatch.delenv("LAPSIT_DATA_DIR", raising=False)
        argv += ["--data-dir", str(missing)]
    else:
        monkeypatch.setenv("LAPSIT_DATA_DIR", str(missing))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"Folder data {missing} tidak ada. Periksa {through}" in err
    assert not missing.exists()  # nothing created


def test_validate_and_template_need_no_data_dir(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LAPSIT_DATA_DIR", str(tmp_path / "tidak-ada"))
    out = tmp_path / "templat.xlsx"
    assert (
        main(["template", "--polres", "balangan", "--date", "2024-11-20", "--out", str(out)]) == 0
    )
    assert out.is_file()
    assert main(["validate", str(out), "--polres", "balangan"]) in (0, 1)
    assert not (tmp_path / "tidak-ada").exists()


def test_the_installed_command_answers_in_indonesian_without_prefect_noise(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "LAPSIT_"))}
    done = subprocess.run(
        [str(LAPSIT), "ingest", "--data-dir", str(tmp_path / "x")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        f"Folder data {tmp_path / 'x'} tidak ada. Periksa --data-dir (berisi raw/, curated/, "
        f"reports/), atau buat data contoh dengan lapsit demo --data-dir {tmp_path / 'x'}."
    ]
