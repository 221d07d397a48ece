"""How each medication resource type is read, and which orders are no prescription.

One `TypeReading` per type (MedicationRequest, MedicationStatement, MedicationDispense): its event
kind, the statuses that drop it and the field holding its dosage lines (read by `dosage_lines`
and `resource_dosage_lines`); `TAKEN_NOW`, the statuses that say an undated drug is taken now;
`not_prescribed`, the MedicationRequests that say not to give the drug or only suggest it. Why
each status is dropped or kept: the medications.py docstring.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fhir_mapping.events import EventKind
from fhir_mapping.fhir_fields import JSON_OBJECT


@dataclass(frozen=True, slots=True)
class TypeReading:
    """How one medication resource type is read, looked up once per resource: its event kind,
    the statuses that drop it, and the field holding its dosage lines."""

    name: str
    kind: EventKind
    dropped_statuses: frozenset[str]
    dosage_field: str


TYPE_READINGS = {
    reading.name: reading
    for reading in (
        TypeReading(
            "MedicationRequest",
            EventKind.ORDER,
            frozenset({"entered-in-error", "cancelled", "draft"}),
            "dosageInstruction",
        ),
        TypeReading(
            "MedicationStatement",
            EventKind.STATEMENT,
            frozenset({"entered-in-error", "cancelled", "not-taken"}),
            "dosage",
        ),
        TypeReading(
            "MedicationDispense",
            EventKind.DISPENSE,
            frozenset({"entered-in-error", "cancelled", "declined"}),
            "dosageInstruction",
        ),
    )
}
_DROPPED_INTENTS = frozenset({"proposal", "option"})
# Enum members compared for every resource, as module constants: on Python 3.11 reading a member
# off its Enum class costs about ten times reading a global (issue 14).
ORDER = EventKind.ORDER
STATEMENT = EventKind.STATEMENT
DISPENSE = EventKind.DISPENSE


# Statuses that say the drug is taken now, for a resource whose dates cannot be read (a C-CDA
# or patient-reported statement often carries none): the safety checks still see the drug.
# A dispense says nothing about now without its date.
# `on-hold` counts as taken now for these checks only (not as time on the drug: episodes.py): a
# drug held days ago, an MAOI above all, still matters to an interaction or washout check, and
# the safer reading is to keep it in view (review 6 finding 3).
TAKEN_NOW: dict[EventKind, frozenset[str]] = {
    EventKind.STATEMENT: frozenset({"active", "intended", "on-hold"}),
    EventKind.ORDER: frozenset({"active", "on-hold"}),
}


def not_prescribed(request: Mapping[str, Any]) -> bool:
    """A MedicationRequest that says not to give the drug, or only suggests it."""
    intent = request.get("intent")
    return request.get("doNotPerform") is True or (
        isinstance(intent, str) and intent in _DROPPED_INTENTS
    )


def resource_dosage_lines(resource: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    reading = TYPE_READINGS.get(str(resource.get("resourceType")))
    return dosage_lines(resource.get(reading.dosage_field)) if reading is not None else []


def dosage_lines(value: object) -> list[Mapping[str, Any]]:
    """The dosage lines of a dosage field (a malformed line counts as absent)."""
    return [d for d in value if isinstance(d, JSON_OBJECT)] if isinstance(value, list) else []
