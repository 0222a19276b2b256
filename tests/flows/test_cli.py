"""`lapsit validate` exit codes and output; the CLI without Prefect."""

import json
import os

import pytest

from flows.cli import main
from tests.builders import valid_sections, write


def test_valid_file_exits_0(tmp_path, capsys):
    path = write(tmp_path / "raw" / "balangan" / "2024-11-20.xlsx", valid_sections())
    assert main(["validate", str(path)]) == 0
    assert "SAH" in capsys.readouterr().out


def test_invalid_file_exits_1_and_json_lists_the_errors(tmp_path, capsys):
    sections = valid_sections()
    sections["pengamanan"][1]["personel_polri"] = "dua belas"
    path = write(tmp_path / "2024-11-20.json", sections)
    assert main(["validate", str(path), "--polres", "balangan", "--json"]) == 1
    listed = json.loads(capsys.readouterr().out)
    errors = [e for e in listed if e["severity"] == "error"]
    # The Satgas total no longer matches the unreadable count: a warning, on its first row.
    assert [(e["sheet"], e["row"], e["rule"]) for e in listed if e["severity"] == "warning"] == [
        ("satgas", 1, "total_satgas")
    ]
    assert errors == [
        {
            "sheet": "pengamanan",
            "row": 2,
            "column": "personel_polri",
            "value": "dua belas",
            "rule": "bilangan_bulat",
            "message": errors[0]["message"],
            "severity": "error",
        }
    ]
    assert "bilangan bulat" in errors[0]["message"]


def test_warnings_only_exit_0(tmp_path, capsys):
    sections = valid_sections()
    sections["satgas"][0]["personel"] = 1
    path = write(tmp_path / "balangan" / "a.xlsx", sections)
    assert main(["validate", str(path), "--json"]) == 0
    assert [e["severity"] for e in json.loads(capsys.readouterr().out)] == ["warning"]


def test_wrong_format_exits_1(tmp_path):
    path = tmp_path / "balangan" / "laporan.ods"
    path.parent.mkdir()
    path.write_bytes(b"x")
    assert main(["validate", str(path)]) == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "/tidak/ada.xlsx"],
        ["validate"],
        ["bukan-perintah"],
    ],
)
def test_unusable_arguments_exit_2(argv):
    assert main(argv) == 2


def test_unknown_polres_folder_exits_2(tmp_path, capsys):
    path = write(tmp_path / "lain" / "a.xlsx", valid_sections())
    assert main(["validate", str(path)]) == 2
    assert "--polres" in capsys.readouterr().err


def test_data_dir_reference_overrides_the_shipped_one(tmp_path, capsys):
    data = tmp_path / "data"
    (data / "reference").mkdir(parents=True)
    (data / "reference" / "polres.csv").write_text("kode_polda\nkalsel\n")
    (data / "reference" / "tahapan.csv").write_text("x\n")
    path = write(tmp_path / "balangan" / "a.xlsx", valid_sections())
    assert main(["validate", str(path), "--data-dir", str(data)]) == 3
    assert "polres.csv" in capsys.readouterr().err


def test_the_cli_gives_the_embedded_prefect_server_time_to_start(tmp_path, monkeypatch):
    key = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
    monkeypatch.delenv(key, raising=False)
    assert main(["validate", str(tmp_path / "tidak-ada.xlsx")]) == 2
    assert os.environ[key] == "120"  # Prefect's 20 s is shorter than a slow start
    monkeypatch.setenv(key, "45")
    main(["validate", str(tmp_path / "tidak-ada.xlsx")])
    assert os.environ[key] == "45"  # the user's own value stays
