"""Medication events: one FHIR medication resource read as one dated fact about one ingredient.

`medications.py` turns MedicationRequest / MedicationStatement / MedicationDispense into these;
`episodes.py` merges them into trials. A combination product yields one event per component.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from fhir_mapping.record import Role, SourceRef


class EventKind(StrEnum):
    ORDER = "order"  # MedicationRequest
    STATEMENT = "statement"  # MedicationStatement
    DISPENSE = "dispense"  # MedicationDispense


@dataclass(frozen=True, slots=True)
class MedicationEvent:
    kind: EventKind
    ingredient: str  # lower-case generic name from the drug table
    drug_class: str
    role: Role
    start: date  # authoredOn / effective start / whenHandedOver (else whenPrepared)
    # Explicit end where the resource states one: boundsPeriod.end, effectivePeriod.end.
    # None when the resource does not say (episodes.py then infers it).
    end: date | None
    mg_per_day: float | None  # None = unknown, never 0
    # Days of supply this event covers: dispense daysSupply, or for an order
    # expectedSupplyDuration x (1 + numberOfRepeatsAllowed). None when not stated.
    days_supply: float | None
    status: str  # the resource's status (entered-in-error / cancelled never reach here)
    source: SourceRef
    notes: tuple[str, ...] = ()  # e.g. "component of fluoxetine/olanzapine"
