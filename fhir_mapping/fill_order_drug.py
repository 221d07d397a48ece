"""A fill whose own Medication could not be had, read with the drug of the order it fills.

THE RULE (review s21 RC M3): a MedicationDispense whose `medicationReference` resolves to nothing
(the Medication was not sent, or the FHIR server has none or refused it: medication_drug's
REFERENCE_NOT_FOUND / MEDICATION_NOT_READ) is read with the drug of its authorising order (FHIR R4
MedicationDispense.authorizingPrescription, authorising_order.the_order) when, and only when:
- it names exactly one order, and that order is in the chart and is itself read as a
  prescription (not entered-in-error, cancelled, a draft, a proposal or "do not perform");
- the order's drug is identified, by its own concept or Medication (contained or sent), and its
  code and name do not name different drugs (product_conflict.drug_conflict).
A fill is dispensed against its prescription: the order is the record of which drug the fill
was for, so its refills count as that course's supply (fixtures/medication_reference with the
Medications contained in the orders only: 10 fills left out, the supply lapse of mirtazapine
unseen and both courses "adequate" with no dispensing data behind them).

Never a guess otherwise: a fill naming no order, several, an order not in the chart, or one
whose drug is not read itself stays left out with its own reason, as before. Nor when the fill's
Medication WAS read and names a drug the tables do not know (an NDC only, an unknown code): the
fill says something of its own then, and reading the order instead would hide a product that
may differ from it.

A fill whose own product WAS read and whose one order names another drug: fill_order_mismatch.py.

A fill read so is named on the cards (`DRUG_FROM_ORDER`, gaps.describe): its own medication was
not read, and the clinician can check it in the pharmacy record; it is no record "left out"
(never counted as one: `from_order`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fhir_mapping.fhir_fields import JSON_OBJECT
from fhir_mapping.medication_drug import MEDICATION_NOT_READ, REFERENCE_NOT_FOUND, read_drug
from fhir_mapping.medication_types import TYPE_READINGS, not_prescribed
from fhir_mapping.product_conflict import drug_conflict
from fhir_mapping.record import DataGap
from fhir_mapping.terminology import Component

# The gap reason of such a fill, then why its own Medication was not read ("medication
# reference not found"). Reasons go to the logs: no drug names here.
DRUG_FROM_ORDER = "drug read from the order it fills"
_SEPARATOR = "; own medication: "

_ORDER_READING = TYPE_READINGS["MedicationRequest"]


def own_medication_unread(reason: str) -> bool:
    """Whether `reason` (read_drug's) says the fill's referenced Medication could not be had."""
    return reason == REFERENCE_NOT_FOUND or reason.startswith(MEDICATION_NOT_READ)


def order_index(resources: Any) -> dict[str, Mapping[str, Any]]:
    """The chart's MedicationRequests by id (the first of each id)."""
    index: dict[str, Mapping[str, Any]] = {}
    for resource in resources:
        # JSON_OBJECT: a dict is answered at C speed, not by Mapping's ABC check (issue 14:
        # one per medication resource, ~470 on a 10-year chart).
        if (
            isinstance(resource, JSON_OBJECT)
            and resource.get("resourceType") == "MedicationRequest"
        ):
            rid = resource.get("id")
            if isinstance(rid, str) and rid:
                index.setdefault(rid, resource)
    return index


def read_order(
    order: Mapping[str, Any], medications: Mapping[str, Mapping[str, Any]]
) -> tuple[tuple[Component, ...], Mapping[str, Any] | None] | None:
    """(the components, the Medication) of `order`, the one order a fill names
    (authorising_order.the_order), when it is read as a prescription and its drug is identified
    without conflict (module docstring); None otherwise. Empty components: the order names a
    drug off the pathway (lisinopril). Remembered by order id for one chart's walk
    (order_readings.py)."""
    status = order.get("status")
    if isinstance(status, str) and status in _ORDER_READING.dropped_statuses:
        return None
    if not_prescribed(order):
        return None
    components, unreadable, medication = read_drug(order, medications)
    if unreadable is not None or drug_conflict(order, medication) is not None:
        return None
    return components, medication


def reason(own: str) -> str:
    """The gap reason of a fill read with its order's drug, `own` saying why its own
    Medication was not read."""
    return f"{DRUG_FROM_ORDER}{_SEPARATOR}{own}"


def from_order(gap: DataGap) -> bool:
    """Whether `gap` names a fill read with its order's drug: a record read, never one left
    out (the data-quality card's and the timeline's counts, the logs' left-out count)."""
    return gap.reason.startswith(DRUG_FROM_ORDER)


def own_reason(gap: DataGap) -> str:
    """Why the fill's own Medication was not read, from its gap reason."""
    return gap.reason.partition(_SEPARATOR)[2]
