"""unfilled_order.dispense_on_record: which MedicationDispense of any drug shows the chart's fill
feed (review s23 RR finding 1; the charts are in tests/services/test_rr23_fill_feed_any_drug.py).
Review s23 RR2 finding 5: any status but entered-in-error (a declined or cancelled dispense is a
record of the feed too), dated by as-of or undated."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.unfilled_order import dispense_on_record

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
        (_dispense(whenHandedOver=None), True),  # undated: a record of the feed all the same
        (_dispense(status="in-progress"), True),  # ready for pickup: the feed sends this drug
        (_dispense(status="declined"), True),  # review s23 RR2 finding 5
        (_dispense(status="cancelled", whenHandedOver=None, whenPrepared="2026-06-01"), True),
        (_dispense(status="declined", whenHandedOver=None, whenPrepared="2026-12-20"), False),
        (_dispense(status="entered-in-error"), False),  # the record itself was a mistake
        (_dispense(status=None), True),
        ({**_dispense(), "resourceType": "MedicationRequest"}, False),
    ],
)
def test_which_dispense_shows_the_feed(resource: dict[str, Any], shows: bool) -> None:
    assert dispense_on_record([resource], AS_OF) is shows


def test_the_walk_stops_at_the_first_that_counts() -> None:
    class Stop(dict[str, Any]):
        def get(self, key: str, default: Any = None) -> Any:
            raise AssertionError("read past the first fill that counts")

    assert dispense_on_record([_dispense(status="entered-in-error"), _dispense(), Stop()], AS_OF)
