"""Hostile and malformed input: each file is refused with a clear message, the run goes on.

Every case below is dropped into an inbox beside valid files, and one ingest
run takes them all (limits: 2 MB per file, so 20 MB unpacked, 5,000 rows per
sheet). The valid files must be accepted, every hostile file must get the
named rule (or be passed over, for what is not a delivery), the raw files
must be left as they were, nothing may be written twice by a second run, and
no NRP planted in the inputs may appear whole in any output.
"""

import datetime as dt
import json
import os
import random
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from lapsit.catalog import section_tables, table
from lapsit.demo.files import stamp, write_json, write_xlsx
from lapsit.ingest.run import run_ingest
from lapsit.settings import Settings
from lapsit.storage import delta
from schemas.rules import RULES
from tests.builders import valid_sections
from tests.reliability.checks import nrp_leaks
from tests.reliability.inputs import (
    daily,
    fingerprint,
    formula_workbook,
    many_rows,
    with_part,
    zip_bomb,
)

WHEN = dt.datetime(2024, 11, 20, 19, 0)  # local (WITA) delivery time of every file
LIMITS = {"max_file_bytes": 2_000_000, "max_rows": 5_000}
NRP = "87050123"  # the builders' neutrality case, kept whole in the curated table only
# NRPs put where errors point: a 10-digit nrp, a file name, a kecamatan, a column, a sheet.
NRP_10, NRP_FILE, NRP_KEC, NRP_COLUMN, NRP_SHEET = (
    "1234567890",
    "66554433",
    "77665544",
    "88112233",
    "99001122",
)
PLANTED = {NRP, NRP_10, NRP_FILE, NRP_KEC, NRP_COLUMN, NRP_SHEET}
ACCEPTED, SKIPPED = "diterima", "dilewati"


@dataclass(frozen=True)
class Case:
    """A file put in an inbox, and what must become of it: a rule, accepted, or passed over."""

    rel: str  # path under raw/
    expect: str  # a rule of lapsit.errors, ACCEPTED or SKIPPED
    why: str


def balangan(tanggal: dt.date = dt.date(2024, 11, 20)) -> dict:
    return valid_sections("balangan", tanggal)


def noise(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


def build(raw: Path, tmp: Path) -> list[Case]:
    """Write every case (and the valid files beside them) under raw/; return the cases."""
    cases: list[Case] = []

    def put(rel: str, data: bytes, expect: str, why: str) -> None:
        path = raw / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        cases.append(Case(rel, expect, why))

    def put_sections(rel: str, sections: dict, expect: str, why: str) -> None:
        path = raw / rel
        (write_json if path.suffix == ".json" else write_xlsx)(path, sections)
        cases.append(Case(rel, expect, why))

    good = write_xlsx(tmp / "utuh.xlsx", balangan()).read_bytes()
    good_json = write_json(tmp / "utuh.json", balangan()).read_bytes()

    # Valid files beside the hostile ones, one per inbox used.
    put("balangan/2024-11-20.xlsx", good, ACCEPTED, "the valid file beside them")
    for kode in ("tapin", "tabalong", "banjar"):
        sections, _ = daily(kode, dt.date(2024, 11, 20))
        put_sections(f"{kode}/2024-11-20.json", sections, ACCEPTED, "a valid file")

    # Not a workbook or not JSON at all.
    put("tapin/acak.xlsx", noise(5000, 1), "berkas_rusak", "random bytes named .xlsx")
    put("tapin/acak.json", noise(5000, 2), "berkas_rusak", "random bytes named .json")
    put("tapin/terpotong.xlsx", good[: len(good) // 2], "berkas_rusak", "a truncated workbook")
    put("tapin/terpotong.json", good_json[:-40], "berkas_rusak", "truncated JSON")
    put("tapin/kosong.json", b"", "berkas_kosong", "an empty file")
    xls = write_xlsx(tmp / "lama.xlsx", balangan(dt.date(2024, 11, 10))).read_bytes()
    put("tapin/laporan.xls", xls, "format_berkas", "a workbook named .xls")
    zipped = tmp / "bukan-buku.xlsx"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("catatan.txt", "bukan buku kerja Excel")
    put("tapin/bukan-buku.xlsx", zipped.read_bytes(), "berkas_rusak", "a zip, not a workbook")

    # Sizes: refused by the documented limits before anything is expanded or loaded.
    bomb = zip_bomb(tmp / "bom.xlsx", 40_000_000, lie=False)
    put("tapin/bom.xlsx", bomb.read_bytes(), "berkas_terlalu_besar", "a zip bomb")
    liar = zip_bomb(tmp / "bom-bohong.xlsx", 40_000_000, lie=True)
    put(
        "tapin/bom-bohong.xlsx",
        liar.read_bytes(),
        "berkas_terlalu_besar",
        "a zip bomb whose headers lie about its size",
    )
    big = raw / "tapin" / "besar.json"
    with big.open("wb") as fh:  # 100 MB, sparse: cheap to make, refused by its size
        fh.truncate(100 * 1024 * 1024)
    cases.append(Case("tapin/besar.json", "berkas_terlalu_besar", "a 100 MB file"))
    rows = many_rows(tmp / "baris.xlsx", 100_000)
    put("tapin/100rb-baris.xlsx", rows.read_bytes(), "baris_terlalu_banyak", "100,000 rows")
    million = many_rows(tmp / "sejuta.xlsx", 1_000_000)
    put(
        "tapin/sejuta-baris.xlsx",
        million.read_bytes(),
        "berkas_terlalu_besar",
        "a million rows (52 MB unpacked)",
    )

    # JSON that is not UTF-8, too deep, too wide, or ambiguous.
    text = good_json.decode("utf-8").replace("AKP Rahmat Hidayat", "AKP Rahmat Hidayat Ça")
    put("tabalong/latin1.json", text.encode("latin-1"), "berkas_rusak", "JSON in Latin-1")
    put("tabalong/utf16.json", text.encode("utf-16"), "berkas_rusak", "JSON in UTF-16")
    put("tabalong/dalam.json", b"[" * 100_000 + b"]" * 100_000, "berkas_rusak", "100k nested")
    deep = '{"laporan": {"pelapor": ' + "[" * 990 + "1" + "]" * 990 + "}}"
    put("tabalong/sel-dalam.json", deep.encode(), "berkas_rusak", "a deeply nested cell")
    huge = good_json.replace(b'"personel_polri": 20', b'"personel_polri": ' + b"9" * 5000)
    put("tabalong/angka-raksasa.json", huge, "berkas_rusak", "a 5,000-digit number")
    lone = good_json.replace(b"Kampanye terbatas", b"Kampanye \\ud800 terbatas")
    put("tabalong/surrogate.json", lone, "berkas_rusak", "a lone UTF-16 surrogate escape")
    wide = {
        "laporan": balangan()["laporan"],
        "kejadian": [{f"k{i}_{j}": 0 for j in range(40)} for i in range(3_000)],
    }
    put(
        "tabalong/lebar.json",
        json.dumps(wide, default=str).encode(),
        "berkas_rusak",
        "120,000 distinct keys, refused before building 120,000 columns",
    )
    dup = good_json.replace(
        b'"kode_polres": "balangan",', b'"kode_polres": "balangan", "kode_polres": "tapin",'
    )
    put("balangan/kunci-ganda.json", dup, "kunci_ganda", "kode_polres given twice in laporan")
    dup_row = good_json.replace(
        b'"personel_polri": 20,', b'"personel_polri": 20, "personel_polri": 99,'
    )
    put("balangan/kunci-ganda-baris.json", dup_row, "kunci_ganda", "a column twice in a row")
    doc = good_json.decode()
    twice = doc[:-2] + ', "kesiapan": []\n}'
    put("balangan/lembar-ganda.json", twice.encode(), "kunci_ganda", "a section given twice")
    nan = good_json.replace(b'"personel_polri": 20', b'"personel_polri": NaN')
    put("balangan/nan.json", nan, "bilangan_bulat", "NaN where a whole number goes")
    nested = good_json.replace(
        b'"pelapor": "AKP Rahmat Hidayat"', b'"pelapor": {"nama": "a", "nama": "b"}'
    )
    put("balangan/kunci-ganda-dalam.json", nested, "kunci_ganda", "a key twice inside a cell")
    odd_key = good_json.replace(b'"kesiapan":', b'"\\udcff\\ud800": [], "kesiapan":')
    put("balangan/kunci-surrogate.json", odd_key, "lembar_tidak_dikenal", "a key that is no text")
    far = balangan()
    far["laporan"]["dibuat_pada"] = "9999-12-31T23:59:59-23:59"  # year 10000 in UTC
    far["kejadian"][0]["waktu"] = "01/01/0001 00:00"
    far["netralitas"][0]["tanggal_temuan"] = "0000-01-01"
    put_sections("balangan/tahun-ekstrem.json", far, "format_waktu", "years no date can have")

    # Workbooks with odd headers or formulas.
    odd = balangan()
    for row in odd["pengamanan"]:
        row["_row"] = "1"
    put_sections("balangan/kolom-row.xlsx", odd, "kolom_tidak_dikenal", "a column named _row")
    spaced = balangan()
    for row in spaced["pengamanan"]:
        row[" personel_polri "] = row["personel_polri"]
    put_sections("balangan/kolom-spasi.xlsx", spaced, "kunci_ganda", "a column twice (spaces)")
    formulas = {  # stored values that differ from what the formulas would compute
        ("pengamanan", 2, "personel_polri"): ("=10+10", 21),
        ("pengamanan", 2, "keterangan"): ('=HYPERLINK("http://127.0.0.1:9/","klik")', "klik"),
        ("satgas", 2, "personel"): ('=WEBSERVICE("http://127.0.0.1:9/")', 15),
    }
    stale = dict(formulas)
    stale[("pengamanan", 3, "personel_polri")] = ("=A1*0+35", "")
    stale_book = formula_workbook(tmp / "tanpa-nilai.xlsx", balangan(dt.date(2024, 11, 18)), stale)
    put(
        "balangan/rumus-tanpa-nilai.xlsx",
        stale_book.read_bytes(),
        "wajib_diisi",
        "a formula without a stored value is empty, not computed",
    )
    put(
        "balangan/rumus.xlsx",
        formula_workbook(tmp / "r.xlsx", balangan(dt.date(2024, 11, 17)), formulas).read_bytes(),
        ACCEPTED,
        "formulas give their stored values, never evaluated",
    )

    # File names.
    put(
        "balangan/laporan 16 nov — Paringin ñ 日本.xlsx",
        write_xlsx(tmp / "n1.xlsx", balangan(dt.date(2024, 11, 16))).read_bytes(),
        ACCEPTED,
        "spaces and Unicode in the name",
    )
    put(
        "balangan/a..b.json",
        write_json(tmp / "n2.json", balangan(dt.date(2024, 11, 15))).read_bytes(),
        ACCEPTED,
        "'..' inside a name",
    )
    put("balangan/.tersembunyi.xlsx", good, SKIPPED, "a hidden file (leading dot)")
    put("balangan/..titik-dua.json", good_json, SKIPPED, "a name starting with '..'")
    put("balangan/~$2024-11-20.xlsx", b"lock", SKIPPED, "an Excel lock file")
    put(
        "balangan/" + "panjang-" * 30 + ".xlsx",
        noise(300, 3),
        "berkas_rusak",
        "a 245-character name (its error report name is cut)",
    )
    put("balangan/baris\nbaru <b>tebal</b>.json", b"{", "berkas_rusak", "newline and markup")
    put(f"balangan/laporan-{NRP_FILE}.json", b"[]", "berkas_rusak", "an NRP in the file name")
    raw_name = os.fsencode(str(raw / "balangan")) + b"/bukan-utf8-\xff\xfe.json"
    with open(raw_name, "wb") as fh:
        fh.write(write_json(tmp / "n3.json", balangan(dt.date(2024, 11, 14))).read_bytes())
    cases.append(Case("balangan/bukan-utf8-\\xff\\xfe.json", ACCEPTED, "a name not in UTF-8"))
    (raw / "balangan" / "folder.xlsx").mkdir()
    os.mkfifo(raw / "balangan" / "pipa.json")  # reading it would block forever
    cases.append(Case("balangan/pipa.json", SKIPPED, "a named pipe"))
    sub = raw / "balangan" / "arsip"
    sub.mkdir()
    (sub / "13.json").write_bytes(
        write_json(tmp / "n4.json", balangan(dt.date(2024, 11, 13))).read_bytes()
    )
    cases.append(Case("balangan/arsip/13.json", ACCEPTED, "a file in a subfolder of the inbox"))

    # Symbolic links: never followed, in or out of the inbox.
    outside = tmp / "di-luar"
    outside.mkdir()
    write_xlsx(outside / "2024-11-12.xlsx", balangan(dt.date(2024, 11, 12)))
    links = {
        "balangan/tautan-luar.xlsx": outside / "2024-11-12.xlsx",
        "balangan/tautan-kotak-lain.json": raw / "tapin" / "2024-11-20.json",
        "balangan/tautan-putus.json": tmp / "tidak-ada.json",
        "balangan/tautan-folder": outside,
        "balangan/tautan-diri": raw / "balangan" / "tautan-diri",
        "tapin/etc-passwd.json": Path("/etc/passwd"),
    }
    for rel, target in links.items():
        (raw / rel).symlink_to(target)
        cases.append(Case(rel, SKIPPED, f"a symbolic link to {target.name}"))
    (raw / "hulu-sungai-utara").symlink_to(outside, target_is_directory=True)
    cases.append(Case("hulu-sungai-utara/2024-11-12.xlsx", SKIPPED, "an inbox that is a link"))

    # Inboxes that are not in polres.csv.
    other = write_xlsx(tmp / "lain.xlsx", balangan(dt.date(2024, 11, 9))).read_bytes()
    put("polres-fiktif/2024-11-20.xlsx", other, "kotak_tidak_dikenal", "an unknown inbox")
    put(".tersembunyi/2024-11-20.xlsx", good, SKIPPED, "a hidden inbox")

    # NRPs in places no output may echo them whole.
    planted = balangan(dt.date(2024, 11, 11))
    planted["netralitas"][0]["nrp"] = NRP_10  # 10 digits: refused, shown masked
    planted["pengamanan"][0]["nama_kecamatan"] = f"Juai {NRP_KEC}"
    planted["pengamanan"][0]["kode_kecamatan"] = None
    planted["kesiapan"][0][NRP_COLUMN] = 1
    planted[NRP_SHEET] = [{"x": 1}]
    put_sections("balangan/nrp.xlsx", planted, "format_nrp", "NRPs planted where errors point")
    return cases


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, ref):
    """One ingest run over every case; its settings, outcomes and the cases."""
    tmp = tmp_path_factory.mktemp("hostile")
    settings = Settings(data_dir=tmp / "data", **LIMITS)
    cases = build(settings.catalog.raw_dir, tmp)
    when = WHEN.replace(tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp()
    for root, dirs, files in os.walk(settings.catalog.raw_dir):
        for name in dirs + files:
            path = Path(root, name)
            if not path.is_symlink():
                os.utime(path, (when, when))
    before = fingerprint(settings.catalog.raw_dir)
    summary = run_ingest(settings, ref)
    outcomes = {o.delivery.rel: o for o in summary.outcomes}
    return settings, cases, outcomes, before


def test_every_hostile_case_gets_its_verdict_and_the_valid_files_are_accepted(hostile, ledger):
    _, cases, outcomes, _ = hostile
    ledger.inputs += len(cases)
    got = {}
    for case in cases:
        out = outcomes.get(case.rel)
        if out is None:
            got[case.rel] = SKIPPED
        elif out.status == ACCEPTED:
            got[case.rel] = ACCEPTED
        else:
            rules = [g.rule for g in out.errors if g.severity == "error"]
            got[case.rel] = case.expect if case.expect in rules else f"{out.status} {rules}"
    assert got == {c.rel: c.expect for c in cases}
    assert set(outcomes) <= {c.rel for c in cases}, "a file no case knows of was ingested"


def test_every_refusal_names_its_rule_with_a_message_in_bahasa_indonesia(hostile):
    settings, cases, outcomes, _ = hostile
    for case in cases:
        out = outcomes.get(case.rel)
        if out is None or out.status == ACCEPTED:
            continue
        assert out.errors, case
        for galat in out.errors:
            # The rule's own sentence, not an exception's text.
            opening = RULES[galat.rule].message.split("{")[0]
            assert galat.message.startswith(opening), (case, galat)
        report = settings.data_dir / out.error_report
        assert report.exists() and report.with_suffix(".html").exists(), case
        assert json.loads(report.with_suffix(".json").read_text(encoding="utf-8")), case


def test_formulas_are_stored_values_never_evaluated_or_kept_as_formulas(hostile):
    settings, _, outcomes, _ = hostile
    rows = delta.read(table(settings.catalog.curated_dir, "pengamanan"))
    mine = rows.filter(pl.col("id_submisi") == outcomes["balangan/rumus.xlsx"].delivery.sha256)
    assert mine.sort("kode_kecamatan")["personel_polri"].to_list() == [21, 35]
    assert "klik" in mine["keterangan"].to_list()
    for frame in (delta.read(t) for t in section_tables(settings.catalog.curated_dir)):
        for column, dtype in frame.schema.items():
            if dtype == pl.Utf8:
                assert not frame[column].str.starts_with("=").any(), column


def test_duplicate_keys_are_reported_where_they_are(hostile):
    _, _, outcomes, _ = hostile
    where = {
        rel: [(g.sheet, g.row, g.column) for g in outcomes[rel].errors if g.rule == "kunci_ganda"]
        for rel in (
            "balangan/kunci-ganda.json",
            "balangan/kunci-ganda-baris.json",
            "balangan/lembar-ganda.json",
            "balangan/kunci-ganda-dalam.json",
            "balangan/kolom-spasi.xlsx",
        )
    }
    assert where == {
        "balangan/kunci-ganda.json": [("laporan", None, "kode_polres")],
        "balangan/kunci-ganda-baris.json": [("pengamanan", 1, "personel_polri")],
        "balangan/lembar-ganda.json": [("kesiapan", None, None)],
        "balangan/kunci-ganda-dalam.json": [(None, None, None)],
        "balangan/kolom-spasi.xlsx": [("pengamanan", 1, "personel_polri")],
    }


def test_markup_in_a_file_name_is_escaped_in_the_html_error_report(hostile):
    settings, _, outcomes, _ = hostile
    out = outcomes["balangan/baris\nbaru <b>tebal</b>.json"]
    html = (settings.data_dir / out.error_report).with_suffix(".html").read_text()
    assert "<b>tebal</b>" not in html and "&lt;b&gt;tebal&lt;/b&gt;" in html


def test_raw_files_are_left_as_received_and_a_second_run_writes_nothing(hostile, ref):
    settings, _, _, before = hostile
    assert fingerprint(settings.catalog.raw_dir) == before
    versions = {t.name: delta.version(t) for t in section_tables(settings.catalog.curated_dir)}
    registry = delta.version(table(settings.catalog.curated_dir, "submisi"))
    again = run_ingest(settings, ref)
    assert again.outcomes == []
    assert {
        t.name: delta.version(t) for t in section_tables(settings.catalog.curated_dir)
    } == versions
    assert delta.version(table(settings.catalog.curated_dir, "submisi")) == registry
    assert fingerprint(settings.catalog.raw_dir) == before


def test_no_planted_nrp_appears_whole_in_any_output(hostile, ledger):
    settings, _, _, _ = hostile
    ledger.planted |= PLANTED
    hits, searched = nrp_leaks(settings.data_dir, PLANTED)
    ledger.scanned += searched
    assert hits == []
    # The accepted neutrality case keeps its NRP where it belongs: the curated table.
    assert NRP in delta.read(table(settings.catalog.curated_dir, "netralitas"))["nrp"].to_list()


def test_a_million_rows_under_the_default_limits_are_refused_by_max_rows(tmp_path, ref, ledger):
    """52 MB unpacked is under the default 200 MB: the sheet is read up to max_rows + 1 rows."""
    settings = Settings(data_dir=tmp_path / "data")
    path = many_rows(settings.catalog.raw_dir / "tapin" / "sejuta.xlsx", 1_000_000)
    write_xlsx(settings.catalog.raw_dir / "balangan" / "2024-11-20.xlsx", balangan())
    for p in (path, settings.catalog.raw_dir / "balangan" / "2024-11-20.xlsx"):
        stamp(p, WHEN, "Asia/Makassar")
    ledger.inputs += 2
    outcomes = {o.delivery.rel: o for o in run_ingest(settings, ref).outcomes}
    assert outcomes["balangan/2024-11-20.xlsx"].status == ACCEPTED
    refused = outcomes["tapin/sejuta.xlsx"]
    assert ("pengamanan", "baris_terlalu_banyak") in {(g.sheet, g.rule) for g in refused.errors}


PENGAMANAN = "xl/worksheets/sheet2.xml"  # sheets in writing order: laporan, pengamanan, ...
# Workbooks the Excel reader must never load: it would hold the sheet as one dense block
# of 32-byte cells (or reserve the shared strings declared), and the failed allocation
# aborted the whole process (`Fatal Python error: Aborted` in fastexcel's load_sheet).
# name -> (part, old, new, sheet, rule); no rule: accepted.
FAR = {
    # Found by the property test: the NRP 87050123 inserted into the reference `E1`.
    "nrp-di-referensi.xlsx": (
        PENGAMANAN,
        b'<c r="E1"',
        b'<c r="E187050123"',
        "pengamanan",
        "baris_terlalu_banyak",
    ),
    # The property test's own insertion: 3.2 GB, enough on a small machine.
    "sel-jauh.xlsx": (
        PENGAMANAN,
        b"</row></sheetData>",
        b'<c r="A9999999"><v>1</v></c></row></sheetData>',
        "pengamanan",
        "baris_terlalu_banyak",
    ),
    "sel-terakhir.xlsx": (
        PENGAMANAN,
        b"</row></sheetData>",
        b'<c r="XFD1048576"><v>1</v></c></row></sheetData>',
        "pengamanan",
        "baris_terlalu_banyak",
    ),
    "kolom-jauh.xlsx": (
        PENGAMANAN,
        b'<c r="C2"',
        b'<c r="ZZZZZZ2"',
        "pengamanan",
        "berkas_rusak",
    ),
    "baris-jauh-tanpa-referensi.xlsx": (
        PENGAMANAN,
        b"</sheetData>",
        b'<row r="99999999"><c><v>1</v></c></row></sheetData>',
        "pengamanan",
        "baris_terlalu_banyak",
    ),
    "teks-bersama-palsu.xlsx": (
        "xl/sharedStrings.xml",
        b'uniqueCount="',
        b'uniqueCount="99999999999',
        None,
        "berkas_rusak",
    ),
    # An empty formatted cell far away is not held by the reader: still accepted.
    "sel-kosong-jauh.xlsx": (
        PENGAMANAN,
        b"</row></sheetData>",
        b'<c r="XFD1048576" s="0"/></row></sheetData>',
        None,
        None,
    ),
}
# Run in a child process: were a file to abort the reader again, this test fails
# and the rest of the suite still runs.
VERDICTS = """
import json, sys
from pathlib import Path
from lapsit.reference import load_reference
from lapsit.catalog import SHIPPED_REFERENCE
from lapsit.validation.batch import validate_file
ref = load_reference(SHIPPED_REFERENCE)
for name in sys.argv[1:]:
    result = validate_file(Path(name), "balangan", ref, max_bytes=2_000_000, max_rows=5_000)
    print(json.dumps([name, result.accepted, [[g.sheet, g.rule] for g in result.errors]]))
"""


def test_far_cells_and_false_counts_are_refused_before_the_reader_allocates(tmp_path, ledger):
    good = write_xlsx(tmp_path / "utuh.xlsx", balangan()).read_bytes()
    paths = []
    for name, (part, old, new, _, _) in FAR.items():
        paths.append(tmp_path / name)
        paths[-1].write_bytes(with_part(good, part, old, new))
    ledger.inputs += len(paths)
    done = subprocess.run(
        [sys.executable, "-c", VERDICTS, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 0, done.stderr[-2000:]
    verdicts = {Path(n).name: (ok, e) for n, ok, e in map(json.loads, done.stdout.splitlines())}
    assert set(verdicts) == set(FAR)
    for name, (_, _, _, sheet, rule) in FAR.items():
        accepted, errors = verdicts[name]
        if rule is None:
            assert accepted, (name, errors)
        else:
            assert not accepted and [sheet, rule] in errors, (name, errors)
