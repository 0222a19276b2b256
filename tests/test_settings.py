"""Every environment variable lapsit reads is a field of the typed settings (lapsit/settings.py)."""

import re
from pathlib import Path

from lapsit.reference_cache import cache_dir
from lapsit.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_the_webhook_family_is_one_field_by_polda(monkeypatch):
    monkeypatch.setenv("LAPSIT_WEBHOOK_URL_KALSEL", " https://hooks.example/rahasia-123 ")
    monkeypatch.setenv("LAPSIT_WEBHOOK_URL_SUMSEL", "  ")  # empty: none
    settings = Settings()
    assert settings.webhook_urls == {"kalsel": "https://hooks.example/rahasia-123"}
    assert "rahasia" not in repr(settings)  # a URL may hold a token: never printed


def test_the_cache_dir_is_a_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("LAPSIT_CACHE_DIR", str(tmp_path / "tembolok"))
    assert Settings().cache_dir == tmp_path / "tembolok" == cache_dir()
    monkeypatch.delenv("LAPSIT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "lapsit"


def test_no_product_module_reads_a_lapsit_variable_itself():
    readers = re.compile(r"(os\.environ(\.get)?|os\.getenv)\s*[\[(]\s*[\"']LAPSIT_")
    found = [
        str(path.relative_to(ROOT))
        for layer in ("flows", "tasks", "lapsit", "schemas")
        for path in (ROOT / layer).rglob("*.py")
        if path.name != "settings.py" and readers.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
