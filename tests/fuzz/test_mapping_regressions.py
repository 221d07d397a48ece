"""The mapping crashes the fuzz tests found, pinned one by one at the function that failed.

Each was a 500 through the app: a TypeError or OverflowError in fhir_mapping on a wrong-typed or
out-of-range field. The resources are the scenario fixtures' own (tests/fixtures/scenarios.py,
Synthea-style encodings), each broken in the one place that mattered.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import orjson
import pytest

from fhir_mapping import conformance
from fhir_mapping.build import build_record
from fhir_mapping.fhir_fields import array, codings
from fhir_mapping.fhir_fields import parse_date as read_date
from fhir_mapping.medications import draft_orders, medication_events
from fhir_mapping.medications import parse_date as read_medication_date
from tests.fixtures import scenarios

AS_OF = scenarios.AS_OF


def _chart() -> tuple[str, list[dict[str, Any]]]:
    chart = scenarios.scenario("trd_meets_tms")
    return chart.patient_id, copy.deepcopy(chart.resources)


def _first(resources: list[dict[str, Any]], resource_type: str) -> dict[str, Any]:
    return next(r for r in resources if r["resourceType"] == resource_type)


def _sertraline_dispense() -> dict[str, Any]:
    _patient, resources = _chart()
    dispense = _first(resources, "MedicationDispense")
    assert dispense["medicationCodeableConcept"]["coding"][0]["code"] == "312941"  # sertraline
    return dispense


def test_the_unbroken_dispense_is_an_event() -> None:
    """The baseline the tests below break: one sertraline dispense, 14 days."""
    events, skipped = medication_events([_sertraline_dispense()], as_of=AS_OF)
    assert skipped == []
    assert [(e.ingredient, e.start, e.days_supply) for e in events] == [
        ("sertraline", date(2024, 10, 21), 14.0)
    ]


# --- conformance report (strict mode) --------------------------------------------------------------
def test_the_conformance_report_names_what_is_not_r4_and_passes_what_is() -> None:
    _patient, resources = _chart()
    observation = _first(resources, "Observation")
    assert conformance.problems(observation) == []
    broken = dict(observation, status=[])
    (problem,) = conformance.problems(broken)
    assert problem.where == "status"
    assert str(problem).startswith(f"Observation/{observation['id']}: status: ")


@pytest.mark.parametrize(
    ("resource_type", "field", "value"),
    [
        ("Observation", "status", []),
        ("Procedure", "status", {"coding": "x"}),
        ("Condition", "code", {"coding": -108393}),
        ("MedicationDispense", "dosageInstruction", [{"doseAndRate": 5}]),
    ],
)
def test_build_record_after_a_cached_validation_of_other_content(
    resource_type: str, field: str, value: Any
) -> None:
    patient, resources = _chart()
    build_record(resources, as_of=AS_OF, patient_id=patient)  # fills the cache
    broken = copy.deepcopy(resources)
    _first(broken, resource_type)[field] = value  # same id, same meta
    record = build_record(broken, as_of=AS_OF, patient_id=patient)
    assert record.resources_read == len(resources)


# --- reads before validation ---------------------------------------------------------------------
def test_array_reads_anything_but_a_list_as_empty() -> None:
    assert array([1, "x"]) == [1, "x"]
    for value in (None, 5, -1.5, "abc", {"a": 1}, True):
        assert array(value) == []


@pytest.mark.parametrize("coding", [5, -1, 1e308, True, "text", {"code": "x"}, None])
def test_codings_of_a_concept_whose_coding_is_not_a_list(coding: Any) -> None:
    assert list(codings({"coding": coding, "text": "sertraline"})) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", [5]),
        ("status", {"value": -1, "unit": "mg"}),
        ("medicationCodeableConcept", {"coding": -1}),
        ("medicationCodeableConcept", {"coding": 5, "text": 7}),
        ("dosageInstruction", [{"doseAndRate": -712484081860456}]),
        ("dosageInstruction", [{"timing": {"code": {"coding": 3}}}]),
    ],
)
def test_a_dispense_with_a_wrong_typed_field_is_no_crash(field: str, value: Any) -> None:
    dispense = _sertraline_dispense()
    dispense[field] = value
    events, skipped = medication_events([dispense], as_of=AS_OF)
    assert events == [] or all(e.ingredient == "sertraline" for e in events)
    assert len(skipped) in (0, 1)


@pytest.mark.parametrize(
    ("field", "value"), [("intent", [[]]), ("status", {}), ("contained", 5), ("intent", {"a": 1})]
)
def test_a_request_with_a_wrong_typed_status_or_intent(field: str, value: Any) -> None:
    _patient, resources = _chart()
    request = _first(resources, "MedicationRequest")
    request[field] = value
    events, skipped = medication_events([request], as_of=AS_OF)
    # Read tolerantly (issue 10): the malformed field counts as absent, the order is still read.
    assert [e.ingredient for e in events] == ["sertraline"]
    assert all(e.status == "unknown" or field != "status" for e in events)
    assert skipped == []


def test_a_draft_order_is_read_defensively() -> None:
    """Drafts are not model-validated (an incomplete draft is still checked), so every field is
    read as it comes."""
    _patient, resources = _chart()
    draft = _first(resources, "MedicationRequest")
    draft["dosageInstruction"] = [{"doseAndRate": 5, "timing": {"code": {"coding": -1}}}]
    draft["contained"] = 7
    (order,) = draft_orders([{"resourceType": "Bundle", "entry": 5}, draft])
    assert (order.ingredient, order.mg_per_day) == ("sertraline", None)


# --- dates and numbers past the calendar ----------------------------------------------------------
@pytest.mark.parametrize("read", [read_date, read_medication_date])
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-06-01", date(2024, 6, 1)),
        ("1800-01-01", date(1800, 1, 1)),
        ("9000-12-31", date(9000, 12, 31)),
        ("1799-12-31", None),
        ("9001-01-01", None),
        ("0001-01-01", None),
        ("9999-12-31T23:59:59Z", None),
        ("2024-13-45", None),
        ("yesterday", None),
    ],
)
def test_dates_outside_the_years_a_chart_holds_are_no_date(
    read: Any, value: str, expected: date | None
) -> None:
    assert read(value) == expected


@pytest.mark.parametrize("field", ["whenHandedOver", "whenPrepared"])
def test_a_dispense_handed_over_in_year_one_has_no_usable_date(field: str) -> None:
    """scores.py computed trial.start - 30 days on 0001-01-01: OverflowError."""
    dispense = _sertraline_dispense()
    dispense["whenHandedOver"] = dispense["whenPrepared"] = "0001-01-01"
    events, skipped = medication_events([dispense], as_of=AS_OF)
    assert events == []
    assert [g.reason for g in skipped] == ["an antidepressant or adjunct with no usable date"]


@pytest.mark.parametrize("days", [2**64, 1e308, 3661, 1e6])
def test_an_absurd_days_supply_reads_as_unknown(days: float) -> None:
    """episodes.py computed start + timedelta(days=round(2**64)): OverflowError."""
    dispense = _sertraline_dispense()
    dispense["daysSupply"]["value"] = days
    (event,) = medication_events([dispense], as_of=AS_OF)[0]
    assert event.days_supply is None


def test_a_ten_year_supply_is_still_read() -> None:
    dispense = _sertraline_dispense()
    dispense["daysSupply"]["value"] = 3660
    (event,) = medication_events([dispense], as_of=AS_OF)[0]
    assert event.days_supply == 3660.0


def test_an_unbounded_dose_reads_as_unknown() -> None:
    dispense = _sertraline_dispense()
    dispense["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"] = 1e308
    (event,) = medication_events([dispense], as_of=AS_OF)[0]
    assert event.mg_per_day is None


def test_a_whole_chart_with_absurd_numbers_and_dates_is_built() -> None:
    patient, resources = _chart()
    for resource in resources:
        if resource["resourceType"] == "MedicationDispense":
            resource["daysSupply"]["value"] = 2**64
        if resource["resourceType"] == "MedicationRequest":
            resource["authoredOn"] = "0001-01-01"
    record = build_record(resources, as_of=AS_OF, patient_id=patient)
    assert record.resources_read == len(resources)


# --- dedupe of resources orjson cannot write -------------------------------------------------------
def _nested(depth: int) -> Any:
    # Built from bytes: json and orjson can read 1000 levels, neither can write past ~254.
    return orjson.loads(b'{"a":' * depth + b'"x"' + b"}" * depth)


@pytest.mark.parametrize("with_id", [False, True])
def test_resources_nested_past_the_serialiser_limit_are_deduplicated_safely(
    with_id: bool,
) -> None:
    patient, resources = _chart()
    condition = _first(resources, "Condition")
    deep = dict(condition, code=_nested(300))
    twin = dict(condition, code=_nested(300))
    if not with_id:
        deep.pop("id")
        twin.pop("id")
    record = build_record([*resources, deep, twin], as_of=AS_OF, patient_id=patient)
    # With an id the pair counts once (and replaces the valid Condition: same id); without one,
    # content orjson cannot write is never merged, so both count.
    assert record.resources_read == len(resources) + (0 if with_id else 2)


@pytest.mark.parametrize("version", ["\u00b2", "1" * 5000, "\u0661\u0662"])
def test_duplicates_with_odd_version_ids(version: str) -> None:
    """int("²") and int() of 5000 digits raise ValueError; "١٢" (Arabic-Indic) is a number."""
    patient, resources = _chart()
    condition = _first(resources, "Condition")
    newer = copy.deepcopy(condition)
    newer["meta"] = dict(newer.get("meta", {}), versionId=version)
    record = build_record([*resources, newer], as_of=AS_OF, patient_id=patient)
    assert record.resources_read == len(resources)
