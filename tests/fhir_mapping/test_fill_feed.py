"""unfilled_order.handed_over_on_record: which MedicationDispense of any drug shows the chart's fill
feed (review s23 RR finding 1; the charts are in tests/services/test_rr23_fill_feed_any_drug.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.unfilled_order import handed_over_on_record

AS_OF = date(2026, 12, 1)


def _dispense(**fields: Any) -> dict[str, Any]:
    return {
        "resourceType": "MedicationDispense",
        "status": "completed",
        "medicationCodeableConcept": {"text": "lisinopril 10 MG Oral Tablet"},
        "whenHandedOver": "2026-11-02T09:30:00-05:00",
        **fields,
    }


@pytest.mark.parametrize(
    ("resource", "shows"),
    [
        (_dispense(), True),
        (_dispense(whenHandedOver=None, whenPrepared="2026-11-02"), True),
        (_dispense(whenHandedOver="2026-12-01"), True),  # on as-of
        (_dispense(whenHandedOver="2026-12-02"), False),  # after as-of
        (_dispense(whenHandedOver=None), False),  # no date: no fill to place
        (_dispense(status="in-progress"), False),  # ready for pickup, not picked up
        (_dispense(status="entered-in-error"), False),
        (_dispense(status=None), False),
        ({**_dispense(), "resourceType": "MedicationRequest"}, False),
    ],
)
def test_which_dispense_shows_the_feed(resource: dict[str, Any], shows: bool) -> None:
    assert handed_over_on_record([resource], AS_OF) is shows


def test_the_walk_stops_at_the_first_that_counts() -> None:
    class Stop(dict[str, Any]):
        def get(self, key: str, default: Any = None) -> Any:
            raise AssertionError("read past the first fill that counts")

    assert handed_over_on_record([_dispense(status="declined"), _dispense(), Stop()], AS_OF)
