"""The chart's medication resources read once (chart_medications.py, issue 14 perf17) give
exactly what each reader's own walk gave: the Medications and orders by id (first of each), the
orders a completed fill names, and the status gaps; speed only, no reading changes."""

from __future__ import annotations

from typing import Any

import pytest

from bench.bodies import FIXTURES_AS_OF
from fhir_mapping.chart_medications import chart_medications
from fhir_mapping.fill_order_drug import order_index
from fhir_mapping.medication_drug import medication_index
from fhir_mapping.medication_status_gaps import medication_status_gaps
from fhir_mapping.medications import medication_events
from fhir_mapping.unknown_order import filled_orders
from tests.fixtures import sizes


def _medication_resources(request: dict[str, Any]) -> list[Any]:
    return [
        r for r in sizes.flatten(request) if str(r.get("resourceType")).startswith("Medication")
    ]


def _odd() -> list[Any]:
    """Duplicate ids, a case-folded fill status, missing / unreadable statuses, a fill of two
    orders, a fill of no order, a non-object entry."""
    order = {"resourceType": "MedicationRequest", "id": "o1", "status": "active"}
    return [
        "not an object",
        {"resourceType": "Medication", "id": "m1", "code": {"text": "sertraline"}},
        {"resourceType": "Medication", "id": "m1", "code": {"text": "other"}},
        order,
        {**order, "status": "stopped"},
        {"resourceType": "MedicationRequest", "id": "o2"},
        {"resourceType": "MedicationRequest", "id": "o3", "status": {"x": 1}},
        {
            "resourceType": "MedicationDispense",
            "id": "d1",
            "status": "Completed",
            "authorizingPrescription": [{"reference": "MedicationRequest/o1"}],
        },
        {
            "resourceType": "MedicationDispense",
            "id": "d2",
            "status": "completed",
            "authorizingPrescription": [
                {"reference": "MedicationRequest/o2"},
                {"reference": "urn:uuid:o3"},
            ],
        },
        {"resourceType": "MedicationDispense", "id": "d3", "status": "completed"},
        {
            "resourceType": "MedicationDispense",
            "id": "d4",
            "status": "in-progress",
            "authorizingPrescription": [{"reference": "MedicationRequest/o9"}],
        },
        {"resourceType": "MedicationStatement", "id": "s1", "status": "ACTIVE "},
    ]


@pytest.mark.parametrize("name", ["typical", "ten_year", "odd"])
def test_indexes_as_each_walk_gave_them(name: str) -> None:
    resources = _odd() if name == "odd" else _medication_resources(getattr(sizes, name)())
    lists = chart_medications(resources)
    assert lists.medications == medication_index(resources)
    assert lists.orders == order_index(resources)
    assert lists.filled == filled_orders(r for r in resources if type(r) is dict)
    objects = [r for r in resources if isinstance(r, dict)]
    events, _ = medication_events(objects, as_of=FIXTURES_AS_OF)
    assert medication_status_gaps(lists.status_unread, events) == medication_status_gaps(
        objects, events
    )


def test_odd_chart_answers() -> None:
    lists = chart_medications(_odd())
    assert lists.filled == frozenset({"o1", "o2", "o3"})
    assert lists.orders["o1"]["status"] == "active"  # the first of its id
    assert lists.medications["m1"]["code"]["text"] == "sertraline"
    assert [r["id"] for r in lists.status_unread] == ["o2", "o3", "d1", "s1"]


@pytest.mark.parametrize("name", ["typical", "ten_year"])
def test_events_the_same_with_the_view_given(name: str) -> None:
    resources = _medication_resources(getattr(sizes, name)())
    given = medication_events(resources, as_of=FIXTURES_AS_OF, lists=chart_medications(resources))
    assert given == medication_events(resources, as_of=FIXTURES_AS_OF)
