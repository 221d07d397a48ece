"""Issue 14: authorising_order.the_order takes one relative "MedicationRequest/<id>" without
order_ids' split; checked against order_ids' reading on references built to tell them apart
(a further "/", _history, an empty id, another type, urn:uuid, several references, malformed)."""

from __future__ import annotations

import itertools
from typing import Any

from fhir_mapping.authorising_order import order_ids, the_order

TARGETS: list[Any] = [
    "MedicationRequest/abc",
    "MedicationRequest/",
    "MedicationRequest/_history",
    "MedicationRequest/abc/_history/2",
    "MedicationRequest/a/b",
    "https://ehr.example/fhir/MedicationRequest/abc",
    "urn:uuid:0f3c",
    "Medication/abc",
    "medicationrequest/abc",
    "",
    None,
    7,
]


def _plain(dispense: dict[str, Any]) -> str | None:
    ids = order_ids(dispense)
    return ids[0] if len(ids) == 1 else None


def test_the_order_reads_as_order_ids() -> None:
    for first, second in itertools.product(TARGETS, [*TARGETS, "absent"]):
        references: list[Any] = [{"reference": first}, "x"]
        if second != "absent":
            references = [{"reference": first}, {"reference": second}]
        for value in ([{"reference": first}], references, [first], {"reference": first}, None):
            dispense = {"resourceType": "MedicationDispense", "authorizingPrescription": value}
            assert the_order(dispense) == _plain(dispense), dispense
    assert the_order({"authorizingPrescription": [{"reference": "MedicationRequest/abc"}]}) == "abc"
