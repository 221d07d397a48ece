"""scores._value keeps a valueQuantity number as it came (issue 14: no float() of every score):
it must read each value as the plain reading, float() then int(), did."""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mapping.scores import _value, read_scores
from tests.fhir_mapping.fhir_resources import phq9_total

D = date(2024, 6, 3)


def _plain(raw: object, max_score: int | None) -> int | None:
    """The reading before the shortcut: a JSON number as a float, then an exact integer."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    number = float(raw)
    value = int(number)
    if value != number or value < 0 or (max_score is not None and value > max_score):
        return None
    return value


@pytest.mark.parametrize(
    "raw", [0, 6, 27, 28, -1, 6.0, 6.5, -0.0, 27.0, 27.5, True, False, "6", None, [6], {"v": 6}]
)
@pytest.mark.parametrize("max_score", [27, None])
def test_a_quantity_value_reads_as_the_plain_reading(raw: object, max_score: int | None) -> None:
    element = {"valueQuantity": {"value": raw, "unit": "{score}"}}
    assert _value(element, max_score) == _plain(raw, max_score)


def test_an_int_too_large_for_a_float_is_out_of_range_not_an_error() -> None:
    # float() of it raised OverflowError; kept as an int it is simply out of range: a gap.
    assert _value({"valueQuantity": {"value": 10**400}}, 27) is None
    assert _value({"valueQuantity": {"value": 10**400}}, None) == 10**400


def test_a_total_read_from_a_quantity_is_an_int() -> None:
    for raw in (6, 6.0):
        resource = phq9_total("t", D, 6)
        resource["valueQuantity"]["value"] = raw
        (score,) = read_scores([resource], as_of=D)
        assert score.value == 6 and type(score.value) is int
