"""The score reading's shortcuts for a chart of many PHQ-9s (issue 14) read exactly as the readings
they replace:

- `scores._value` keeps a JSON int as it came, valueInteger as well as valueQuantity (no float()
  then int() of every score): the same score, and an int too large for a float is out of range,
  a gap, instead of an OverflowError that failed the whole reading;
- `_Total.score` builds its Score with every field positional: each in its place;
- `fhir_fields.parse_date` tests a value's length and two characters before asking
  date.fromisoformat, and checks the year by comparing dates: the same date for every value.
"""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date

import pytest

from fhir_mapping import fhir_fields
from fhir_mapping.fhir_fields import FIRST_YEAR, LAST_YEAR
from fhir_mapping.record import Score, SourceRef, TotalConflict
from fhir_mapping.scores import _Total, _value, read_scores, score_gaps
from tests.fhir_mapping.fhir_resources import assert_valid, phq9_total
from tests.fhir_mapping.test_score_value_shortcut import _plain

D = date(2024, 6, 3)


def _reference_parse_date(value: object) -> date | None:
    """parse_date as it read every value before its ISO fast path (test_hot_path.py's)."""
    if not isinstance(value, str) or len(value) < 4:
        return None
    try:
        year = int(value[0:4])
        month = int(value[5:7]) if len(value) >= 7 else 1
        day = int(value[8:10]) if len(value) >= 10 else 1
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return None
        return date(year, month, day)
    except ValueError:
        return None


@pytest.mark.parametrize(
    "raw", [0, 6, 27, 28, -1, 6.0, 6.5, -0.0, 27.0, 27.5, True, False, "6", None, [6], {"v": 6}]
)
@pytest.mark.parametrize("max_score", [27, None])
def test_a_value_integer_reads_as_the_plain_reading(raw: object, max_score: int | None) -> None:
    assert _value({"valueInteger": raw}, max_score) == _plain(raw, max_score)


def test_a_value_integer_too_large_for_a_float_is_a_gap_not_an_error() -> None:
    # float() of it raised OverflowError, out of the whole reading of the chart.
    assert _value({"valueInteger": 10**400}, 27) is None
    assert _value({"valueInteger": 10**400}, None) == 10**400
    resource = phq9_total("huge", D, 6, integer=True)
    resource["valueInteger"] = 10**400
    assert read_scores([resource], as_of=D) == ()
    (gap,) = score_gaps([resource], as_of=D)
    assert "out of range" in gap.reason


def test_a_total_read_from_a_value_integer_is_an_int() -> None:
    resource = phq9_total("t", D, 6, integer=True)
    assert_valid([resource])
    (score,) = read_scores([resource], as_of=D)
    assert score == Score("PHQ-9", 6, D, None, SourceRef("Observation", "t"))
    assert type(score.value) is int


@pytest.mark.parametrize(
    ("computed", "inferred_total", "unread", "item9"),
    list(itertools.product([False, True], [5, 26], [None, "u"], [None, 1])),
)
def test_a_total_builds_its_score_with_every_field_in_place(
    computed: bool, inferred_total: int, unread: str | None, item9: int | None
) -> None:
    total = _Total("PHQ-9", inferred_total, D, item9, "o1", {})
    total.computed = computed
    total.unread = SourceRef("Observation", unread) if unread else None
    inferred = item9 is None and inferred_total >= 25
    expected = Score(
        instrument="PHQ-9",
        value=inferred_total,
        date=D,
        item9=inferred_total - 24 if inferred else item9,
        source=SourceRef("Observation", "o1"),
        item9_inferred=inferred,
        total_computed=computed,
        item9_unread=total.unread if item9 is None else None,
    )
    if item9 is not None and item9 < inferred_total - 24:
        # A recorded item 9 below what the total proves (item9_floor.checked_item9, review s27
        # RF finding 3): 26 needs item 9 >= 2, so 1 is a contradiction to check.
        floor = inferred_total - 24
        conflict = TotalConflict(inferred_total, 24 + item9, complete=False, item9=item9)
        expected = dataclasses.replace(expected, item9_doubt=floor, total_conflict=conflict)
    assert total.score() == expected


def test_every_date_reads_as_the_plain_reading() -> None:
    values = [
        "2024-06-03",
        "2024-06-03T09:30:00-05:00",
        "2024-06-0",  # nine characters, dashes at 4 and 7: fails the fast path, as before
        "2024-06-",
        "2024-06",
        "2024-6-3",
        "2024-W23-1",
        "2024-W23",
        "20240603",
        "1800-01-01",
        "1799-12-31T23:59:59Z",
        "9000-12-31",
        "9001-01-01",
        "0001-01-01",
        "2023-02-29",
        "2024-13-01",
        "2024",
        "abcd-ef-gh",
    ]
    for value in values:
        assert fhir_fields.parse_date(value) == _reference_parse_date(value), value
    # The checks can fail: the year bounds are there.
    assert fhir_fields.parse_date("1800-01-01") == date(1800, 1, 1)
    assert fhir_fields.parse_date("1799-12-31") is None
    assert fhir_fields.parse_date("9001-01-01") is None
