"""Property tests: whatever bytes land in an inbox, ingest gives each file a verdict.

Inputs are random bytes, and valid workbooks and JSON files damaged the way
files get damaged: bytes flipped, cut, repeated or inserted inside the
zipped XML (so the workbook still opens), JSON with random values and keys.
Never may an exception escape the reader, the validator or `run_ingest`;
the valid file beside them is still accepted.
"""

import datetime as dt
import io
import json
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lapsit.demo.files import stamp, write_json, write_xlsx
from lapsit.ingest.run import run_ingest
from lapsit.settings import Settings
from lapsit.validation.batch import validate_file
from schemas.rules import RULES
from tests.builders import valid_sections
from tests.reliability.inputs import with_part

LIMITS = {"max_file_bytes": 300_000, "max_rows": 300}
WHEN = dt.datetime(2024, 11, 20, 19, 0)
PROPERTY = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
STATUSES = {"diterima", "ditolak", "digantikan", "duplikat"}


def _valid_bytes() -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        return {
            ".xlsx": write_xlsx(Path(tmp, "a.xlsx"), valid_sections()).read_bytes(),
            ".json": write_json(Path(tmp, "a.json"), valid_sections()).read_bytes(),
        }


VALID = _valid_bytes()
BESIDE = valid_sections(tanggal=dt.date(2024, 11, 19))


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` with a few cuts, flips, repeats and insertions."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        if not out:
            break
        at = draw(st.integers(0, len(out) - 1))
        kind = draw(st.sampled_from(["flip", "cut", "repeat", "insert", "truncate"]))
        if kind == "flip":
            out[at] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del out[at : at + draw(st.integers(1, 64))]
        elif kind == "repeat":
            out[at:at] = out[at : at + draw(st.integers(1, 200))] * draw(st.integers(1, 50))
        elif kind == "insert":
            out[at:at] = draw(
                st.sampled_from(
                    [
                        b"<",
                        b"&amp;",
                        b"\x00",
                        b'"',
                        b"=1+1",
                        b"]]>",
                        b"\xff\xfe",
                        b'<c r="A9999999"><v>1</v></c>',
                        b"{",
                        b'"kode_polres": "tapin", ',
                        b"87050123",
                    ]
                )
            )
        else:
            del out[at:]
    return bytes(out)


@st.composite
def damaged_workbook(draw: st.DrawFn) -> bytes:
    """The valid workbook with one of its XML parts damaged, zipped again."""
    with zipfile.ZipFile(io.BytesIO(VALID[".xlsx"])) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    name = draw(st.sampled_from(sorted(parts)))
    parts[name] = draw(damaged(parts[name]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    return buffer.getvalue()


# Damage that aborted the whole process (a failed allocation in the Excel reader), kept
# as examples: the NRP inserted into the reference `E1` of `pengamanan`, and the
# insertion of a cell at A9999999.
FAR_CELLS = [
    with_part(VALID[".xlsx"], "xl/worksheets/sheet2.xml", b'<c r="E1"', b'<c r="E187050123"'),
    with_part(
        VALID[".xlsx"],
        "xl/worksheets/sheet2.xml",
        b"</row></sheetData>",
        b'<c r="A9999999"><v>1</v></c></row></sheetData>',
    ),
]


json_value = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(
        [
            "2024-11-20",
            "20/11/2024",
            "01/01/0001 00:00",
            "9999-12-31T23:59:59-23:59",
            "2024-11-20T14:30+99:99",
            "63.11.06",
            "sangat rawan",
            "balangan",
        ]
    ),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def random_json(draw: st.DrawFn) -> bytes:
    """A JSON document of the contract's sections with some values replaced at random."""
    doc = json.loads(VALID[".json"])
    for _ in range(draw(st.integers(1, 5))):
        section = draw(st.sampled_from(sorted(doc)))
        target = doc[section] if isinstance(doc[section], dict) else doc[section][0]
        key = draw(st.sampled_from(sorted(target)) | st.text(max_size=12))
        target[key] = draw(json_value)
    return json.dumps(doc, ensure_ascii=draw(st.booleans())).encode()


def contents() -> st.SearchStrategy[tuple[bytes, str]]:
    """(bytes, suffix) of every kind the properties try."""
    return st.one_of(
        st.tuples(st.binary(max_size=3_000), st.sampled_from([".xlsx", ".json"])),
        st.tuples(damaged(VALID[".xlsx"]), st.just(".xlsx")),
        st.tuples(damaged_workbook(), st.just(".xlsx")),
        st.tuples(damaged(VALID[".json"]), st.just(".json")),
        st.tuples(random_json(), st.just(".json")),
    )


@PROPERTY
@given(content=contents())
@example(content=(FAR_CELLS[0], ".xlsx"))
@example(content=(FAR_CELLS[1], ".xlsx"))
def test_the_reader_and_validator_give_a_verdict_for_any_file(ref, ledger, content):
    data, suffix = content
    ledger.inputs += 1
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, f"berkas{suffix}")
        path.write_bytes(data)
        result = validate_file(
            path, "balangan", ref, max_bytes=LIMITS["max_file_bytes"], max_rows=100
        )
    for galat in result.errors:
        assert galat.rule in RULES and galat.message
    assert result.accepted == (result.laporan is not None and not result.n_errors)


@settings(PROPERTY, max_examples=30)
@given(content=contents())
def test_any_bytes_in_an_inbox_get_a_verdict_and_the_run_goes_on(ref, ledger, content):
    data, suffix = content
    ledger.inputs += 2
    with tempfile.TemporaryDirectory() as tmp:
        config = Settings(data_dir=Path(tmp, "data"), **LIMITS)
        inbox = config.catalog.raw_dir / "balangan"
        beside = write_xlsx(inbox / "2024-11-19.xlsx", BESIDE)
        fuzzed = inbox / f"berkas{suffix}"
        fuzzed.write_bytes(data)
        for path in (beside, fuzzed):
            stamp(path, WHEN, "Asia/Makassar")
        summary = run_ingest(config, ref)  # never raises
        status = {o.delivery.rel: o for o in summary.outcomes}
        assert status["balangan/2024-11-19.xlsx"].status in ("diterima", "digantikan")
        out = status[f"balangan/berkas{suffix}"]
        assert out.status in STATUSES
        if out.status == "ditolak":
            assert out.errors and all(g.rule in RULES for g in out.errors)
            assert (config.data_dir / out.error_report).exists()
