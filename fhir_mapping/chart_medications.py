"""The chart's medication resources read ONCE into the indexes their readers share (issue 14,
perf17).

medication_events asked the same lists several questions, each in a walk of its own: the
Medications by id (medication_drug.medication_index: a fill's check against its order, and the
draft orders' references, each built it), the MedicationRequests by id
(fill_order_drug.order_index: the order a fill names), the orders a completed fill names
(unknown_order.filled_orders: an order read `unknown`), then medication_status_gaps walked them
all again for a status not defined for its type. A 10-year chart holds ~500 medication resources;
each walk re-read every one's type, id and status. Here they are read in one walk by
`chart_medications` (chart_walk.py, once per build) and the readers take the answer.

Each index gives exactly what its own walk gave (the first resource of each id; the same
dispenses, read by the same status and reference readers), so no reading changes: plumbing only.
A caller with no such view (a test, a library caller of medication_events) builds one from its
resources the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fhir_mapping.authorising_order import order_ids
from fhir_mapping.fhir_fields import JSON_OBJECT
from fhir_mapping.medication_statuses import DEFINED, status_read

Resource = Mapping[str, Any]

# FHIR R4 medicationdispense-status `completed`: a supply handed over (unknown_order.py).
_HANDED_OVER = "completed"


@dataclass(frozen=True, slots=True)
class ChartMedications:
    """One chart's medication resources as its readers ask of them (module docstring).

    `medications`: Medication resources by id, the first of each (medication_index);
    `orders`: MedicationRequests by id, the first of each (order_index);
    `filled`: the ids of the orders a completed fill names (unknown_order.filled_orders);
    `status_unread`: the MedicationRequests / Statements / Dispenses whose status is not a string
    defined for their type, in chart order: the only ones medication_status_gaps can name;
    `reasoned`: the ids of `orders` that state a reason (reasonCode or reasonReference), the only
    ones through which a fill of a name the tables do not hold can be for depression
    (depression_unknown_name.for_depression; perf18: 8 of the 10-year chart's 83 orders)."""

    medications: Mapping[str, Resource]
    orders: Mapping[str, Resource]
    filled: frozenset[str]
    status_unread: tuple[Resource, ...]
    reasoned: frozenset[str] = frozenset()


def chart_medications(resources: Iterable[Resource]) -> ChartMedications:
    """`resources` (the chart's medication resources) read once into their indexes."""
    medications: dict[str, Resource] = {}
    orders: dict[str, Resource] = {}
    filled: set[str] = set()
    unread: list[Resource] = []
    for resource in resources:
        # As each walk read them: a Mapping (JSON_OBJECT) for the indexes and the status check,
        # a plain dict for the fills (FilledOrders).
        if not isinstance(resource, JSON_OBJECT):
            continue
        kind = resource.get("resourceType")
        if kind == "Medication":
            rid = resource.get("id")
            if isinstance(rid, str) and rid:
                medications.setdefault(rid, resource)
            continue
        defined = DEFINED.get(kind) if isinstance(kind, str) else None
        if defined is None:
            continue
        status = resource.get("status")
        if not (isinstance(status, str) and status in defined):
            unread.append(resource)
        if kind == "MedicationRequest":
            rid = resource.get("id")
            if isinstance(rid, str) and rid:
                orders.setdefault(rid, resource)
        elif (
            kind == "MedicationDispense"
            and type(resource) is dict
            and status_read(resource) == _HANDED_OVER
        ):
            filled.update(order_ids(resource))
    # Read as for_depression reads the order a fill names (its first of each id): a reason field
    # that is empty or absent states none.
    reasoned = frozenset(
        rid for rid, o in orders.items() if o.get("reasonCode") or o.get("reasonReference")
    )
    return ChartMedications(medications, orders, frozenset(filled), tuple(unread), reasoned)
