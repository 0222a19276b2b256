"""Property tests: whatever a file holds, validation gives a verdict and never raises."""

import json
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lapsit.validation.batch import validate_file
from schemas.contract import SECTION_MODELS, columns
from tests.builders import valid_sections, write

LIMITS = {"max_bytes": 1_000_000, "max_rows": 200}
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

cell = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=string.printable + "éŋ—٣", max_size=30),
    st.sampled_from(
        [
            "20/11/2024",
            "2024-11-20",
            "2024-11-20T14:30+08:00",
            "Sangat Rawan",
            "63.11.06",
            "dua belas",
            "12.0",
            "31/02/2024",
        ]
    ),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@FUZZ
@given(content=st.binary(max_size=2_000), suffix=st.sampled_from([".xlsx", ".json"]))
def test_any_bytes_get_a_verdict(tmp_path, ref, content, suffix):
    path = tmp_path / f"acak{suffix}"
    path.write_bytes(content)
    result = validate_file(path, "balangan", ref, **LIMITS)
    assert not result.accepted
    assert result.errors


@FUZZ
@given(data=st.data(), suffix=st.sampled_from([".xlsx", ".json"]))
def test_any_cell_values_get_a_located_verdict(tmp_path, ref, data, suffix):
    sections = valid_sections()
    section = data.draw(st.sampled_from(list(SECTION_MODELS)))
    column = data.draw(st.sampled_from(list(columns(section))))
    value = data.draw(cell)
    if suffix == ".xlsx" and isinstance(value, list | dict):
        value = json.dumps(value)
    if suffix == ".xlsx" and isinstance(value, float) and value != value:
        value = None  # Excel has no NaN cell
    target = sections[section] if section == "laporan" else sections[section][0]
    target[column] = value
    try:
        path = write(tmp_path / f"f{suffix}", sections)
    except (TypeError, ValueError, OverflowError):
        return  # the writer itself cannot store this value
    result = validate_file(path, "balangan", ref, **LIMITS)
    for galat in result.errors:
        assert galat.message
        assert galat.severity in ("error", "warning")
        # Only the changed sheet can fail, except through the report date in `laporan`.
        if galat.severity == "error" and galat.sheet in SECTION_MODELS and section != "laporan":
            assert galat.sheet == section
