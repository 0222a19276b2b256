"""lapsit installs anywhere: the wheel, in a fresh environment outside the checkout, works alone.

The wheel carries the templates and the shipped reference files; `template` and
`validate` need no data dir, `ingest` and `report` work on one of the user's
choosing. The environment is made from the lock (`uv export`), so that it holds
exactly the versions CI tests.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import TANGGAL, valid_sections, write

ROOT = Path(__file__).resolve().parents[1]
UV = os.environ.get("UV") or shutil.which("uv")


def _run(args: list, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The `lapsit` command of a fresh virtual environment holding only the wheel and its lock."""
    if UV is None:
        pytest.fail("uv is not on PATH (the Makefile installs it)")
    tmp = tmp_path_factory.mktemp("wheel")
    built = _run([UV, "build", "--wheel", "--out-dir", str(tmp / "dist")], cwd=ROOT)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp / "dist").glob("lapsit-*.whl")
    lock = _run(
        [UV, "export", "--frozen", "--no-dev", "--no-emit-project", "--no-hashes"], cwd=ROOT
    )
    assert lock.returncode == 0, lock.stderr
    (tmp / "requirements.txt").write_text(lock.stdout, encoding="utf-8")
    venv = tmp / "venv"
    made = _run([UV, "venv", "--python", sys.executable, str(venv)], cwd=tmp)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    args = [UV, "pip", "install", "--python", str(python), "-r", "requirements.txt", str(wheel)]
    done = _run(args, cwd=tmp)
    assert done.returncode == 0, done.stderr
    return venv / "bin" / "lapsit"


def _lapsit(command: Path, args: list, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "LAPSIT_"))}
    env |= {"PREFECT_HOME": str(cwd / ".prefect"), "PYTHONPATH": ""}
    return _run([str(command), *args], cwd=cwd, env=env)


@pytest.mark.slow
def test_the_installed_package_runs_outside_the_checkout(installed, tmp_path):
    elsewhere = tmp_path / "di-luar"
    elsewhere.mkdir()
    # Nothing of the checkout is importable from there but the installed package.
    where = _lapsit(
        installed.parent / "python", ["-c", "import lapsit; print(lapsit.__file__)"], elsewhere
    )
    assert "site-packages" in where.stdout and str(ROOT) not in where.stdout, where.stdout

    made = _lapsit(
        installed, ["template", "--polres", "balangan", "--date", "2024-11-20"], elsewhere
    )
    assert made.returncode == 0, made.stderr
    assert (elsewhere / "templat-balangan-2024-11-20.xlsx").is_file()

    sent = write(elsewhere / "balangan" / f"{TANGGAL}.xlsx", valid_sections())
    checked = _lapsit(installed, ["validate", str(sent)], elsewhere)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert ": SAH (" in checked.stdout

    data = elsewhere / "data-polda"
    write(data / "raw" / "balangan" / f"{TANGGAL}.xlsx", valid_sections())
    ingested = _lapsit(installed, ["ingest", "--data-dir", str(data)], elsewhere)
    assert ingested.returncode == 0, ingested.stderr[-3000:]
    assert (data / "curated" / "pengamanan" / "_delta_log").is_dir()

    reported = _lapsit(
        installed,
        ["report", "--date", str(TANGGAL), "--polda", "kalsel", "--data-dir", str(data)],
        elsewhere,
    )
    assert reported.returncode == 0, reported.stderr[-3000:]
    html = data / "reports" / "kalsel" / str(TANGGAL) / f"lapsit-kalsel-{TANGGAL}.html"
    assert "Polres Balangan" in html.read_text(encoding="utf-8")
