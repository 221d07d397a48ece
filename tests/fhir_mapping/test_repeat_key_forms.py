"""repeat_fills.repeat_key (issue 14): two fills share a key exactly when they hold the same key
fields with the same values (an absent field is not a null one), and the key does not depend on
the order the sender wrote the fields in.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir_mapping import repeat_fills
from tests.fixtures import builders

PATIENT = "p1"


def _fill(day: date = date(2024, 5, 1), **changes: Any) -> dict[str, Any]:
    product = builders.ANTIDEPRESSANTS["312941"]
    fill = builders.medication_dispense(
        product.rxcui, product.display, day, 30, 30, patient=PATIENT, id=f"f-{day.isoformat()}"
    )
    return {**fill, **changes}


def _without(resource: dict[str, Any], field: str) -> dict[str, Any]:
    return {k: v for k, v in resource.items() if k != field}


def test_the_key_ignores_the_senders_order_of_fields() -> None:
    fill = _fill()
    assert all(name in fill for name in repeat_fills._KEY_FIELDS)
    key = repeat_fills.repeat_key(fill)
    assert key is not None
    reordered = dict(reversed(list(_fill(date(2024, 5, 2)).items())))
    assert repeat_fills.repeat_key(reordered) == key


def test_a_missing_field_is_keyed_apart_from_every_stated_one() -> None:
    fill = _fill()
    no_days = _without(fill, "daysSupply")
    key = repeat_fills.repeat_key(no_days)
    assert key is not None
    assert key != repeat_fills.repeat_key(fill)
    # Absent is not null: a daysSupply of null is another key (and one never remembered).
    null_days = repeat_fills.repeat_key({**fill, "daysSupply": None})
    assert null_days is not None and null_days not in (key, repeat_fills.repeat_key(fill))
    assert not repeat_fills.rememberable(null_days)
    # Two fills missing the same field share the object's key.
    assert repeat_fills.repeat_key(_without(_fill(date(2024, 5, 2)), "daysSupply")) == key


def test_a_changed_field_changes_the_key_with_or_without_every_field() -> None:
    fill = _fill()
    for name, value in (
        ("status", "in-progress"),
        ("quantity", {"value": 60, "unit": "tablet"}),
        ("daysSupply", {"value": 60, "unit": "day"}),
        ("dosageInstruction", [{"text": "take two tablets daily"}]),
    ):
        assert repeat_fills.repeat_key({**fill, name: value}) != repeat_fills.repeat_key(fill)
        partial = _without(fill, "daysSupply" if name != "daysSupply" else "quantity")
        assert repeat_fills.repeat_key({**partial, name: value}) != repeat_fills.repeat_key(partial)


def test_a_medication_reference_keys_its_contained_resources_too() -> None:
    fill = _without(_fill(), "medicationCodeableConcept")
    referenced = {**fill, "medicationReference": {"reference": "#m1"}}
    contained = {**referenced, "contained": [{"resourceType": "Medication", "id": "m1"}]}
    other = {**referenced, "contained": [{"resourceType": "Medication", "id": "m2"}]}
    keys = {repeat_fills.repeat_key(r) for r in (fill, referenced, contained, other)}
    assert None not in keys and len(keys) == 4
