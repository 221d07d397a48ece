"""Moving a scenario chart in time (scripts/date_shift.py): full dates move, nothing else does,
and every interval the rules read is kept."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from scripts.date_shift import days_between, shift_json, shift_resources, shift_value
from tests.fixtures.scenarios import scenario


@pytest.mark.parametrize(
    ("value", "days", "expected"),
    [
        ("2025-06-02", 543, "2026-11-27"),
        ("2025-05-23T09:30:00-04:00", 10, "2025-06-02T09:30:00-04:00"),
        ("2024-02-29T10:00:00Z", 365, "2025-02-28T10:00:00Z"),
        ("2025-01-01T00:00:00.123+05:30", -1, "2024-12-31T00:00:00.123+05:30"),
        ("2025-03-10T08:15", 1, "2025-03-11T08:15"),
        # not full dates: left alone
        ("2025-06", 30, "2025-06"),
        ("2025", 30, "2025"),
        ("4548-4", 30, "4548-4"),  # a LOINC code (HbA1c)
        ("44261-6", 30, "44261-6"),
        ("2025-13-45", 30, "2025-13-45"),  # shaped like a date, but not one
        ("Take 1 tablet daily since 2025-01-01", 30, "Take 1 tablet daily since 2025-01-01"),
    ],
)
def test_shift_value(value: str, days: int, expected: str) -> None:
    assert shift_value(value, days) == expected


def test_shift_json_walks_nested_data_and_leaves_the_original() -> None:
    original: dict[str, Any] = {
        "resourceType": "MedicationDispense",
        "id": "2025-06-02",  # a legal FHIR id: a name, not a time
        "identifier": [{"system": "urn:oid:1.2.3", "value": "2025-01-10"}],
        "medicationReference": {"reference": "Medication/2025-01-10"},
        "whenHandedOver": "2025-01-10T10:00:00-05:00",
        "dosageInstruction": [{"timing": {"repeat": {"boundsPeriod": {"start": "2025-01-10"}}}}],
        "quantity": {"value": 30, "unit": "TAB"},
        "substitution": {"wasSubstituted": False},
    }
    moved = shift_json(original, 7)
    assert moved == {
        "resourceType": "MedicationDispense",
        "id": "2025-06-02",
        "identifier": [{"system": "urn:oid:1.2.3", "value": "2025-01-10"}],
        "medicationReference": {"reference": "Medication/2025-01-10"},
        "whenHandedOver": "2025-01-17T10:00:00-05:00",
        "dosageInstruction": [{"timing": {"repeat": {"boundsPeriod": {"start": "2025-01-17"}}}}],
        "quantity": {"value": 30, "unit": "TAB"},
        "substitution": {"wasSubstituted": False},
    }
    assert original["whenHandedOver"] == "2025-01-10T10:00:00-05:00"


def test_days_between() -> None:
    assert days_between(date(2025, 6, 2), date(2026, 11, 27)) == 543
    assert days_between(date(2025, 6, 2), date(2025, 6, 2)) == 0


def _full_dates(data: Any) -> list[date]:
    found: list[date] = []
    if isinstance(data, dict):
        for value in data.values():
            found += _full_dates(value)
    elif isinstance(data, list):
        for value in data:
            found += _full_dates(value)
    elif isinstance(data, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}(T.*)?", data):
        found.append(date.fromisoformat(data[:10]))
    return found


def test_a_moved_scenario_keeps_every_interval_and_stays_valid_r4() -> None:
    s = scenario("trd_meets_tms")
    moved = shift_resources(s.resources, 543)
    before, after = _full_dates(s.resources), _full_dates(moved)
    assert len(after) == len(before) > 200
    assert {(a - b).days for a, b in zip(after, before, strict=True)} == {543}
    # Everything else (codes, ids, quantities, text) is unchanged.
    assert [r["id"] for r in moved] == [r["id"] for r in s.resources]
    for resource in moved:
        model = get_fhir_model_class(resource["resourceType"])
        model.model_validate(resource)
    patient = next(r for r in moved if r["resourceType"] == "Patient")
    assert patient["birthDate"] == "1980-09-07"  # 1979-03-14 + 543 days (1980 is a leap year)


def test_times_of_day_and_offsets_are_kept() -> None:
    s = scenario("item9_positive")
    moved = shift_resources(s.resources, 100)
    stamps = [
        (r["effectiveDateTime"], m["effectiveDateTime"])
        for r, m in zip(s.resources, moved, strict=True)
        if "effectiveDateTime" in r
    ]
    assert stamps
    for old, new in stamps:
        o, n = datetime.fromisoformat(old), datetime.fromisoformat(new)
        assert (n - o).days == 100 and n.utcoffset() == o.utcoffset() and n.time() == o.time()
