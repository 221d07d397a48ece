"""The seam between the protocol layer and the decision services.

`cds_hooks` gathers the resources (prefetch and fetches) and calls `evaluate()`; this module maps
them to a PatientRecord (fhir_mapping) and runs the hook's rules. Nothing here knows HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from fhir_mapping.record import PatientRecord
from services.policy import Policy
from services.recommendation import Recommendation


@dataclass(frozen=True, slots=True)
class HookInput:
    service_id: str
    hook: str  # "patient-view" | "order-select" | "order-sign"
    hook_instance: str
    patient_id: str | None  # bare logical id ("Patient/" prefix already stripped)
    resources: Sequence[Mapping[str, Any]]  # every resource from prefetch and fetches, flattened
    as_of: date
    draft_orders: Sequence[Mapping[str, Any]] = ()  # resources of context.draftOrders
    selections: Sequence[str] = ()  # context.selections ("MedicationRequest/abc")
    user_id: str | None = None
    encounter_id: str | None = None


@dataclass(frozen=True, slots=True)
class Evaluation:
    record: PatientRecord
    recommendations: tuple[Recommendation, ...]


def evaluate(hook_input: HookInput, policy: Policy) -> Evaluation:
    """Map the resources to a record and run the hook's rules; recommendations come ordered
    critical, warning, info, one per topic at most."""
    raise NotImplementedError  # implemented with the rules (issue 4)
