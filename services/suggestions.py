"""Proposed FHIR R4 resources for card suggestions, validated with fhir.resources.R4B.

Every resource is a proposal: status "draft", intent "proposal" (FHIR RequestIntent: "a suggestion
made by someone/something that does not have an intention to ensure it occurs"), as the CDC opioid
CDS does in its ServiceRequest suggestions. The clinician accepts, edits and signs; nothing here is
an order. Codes come from data/order_codes.csv; drug codes from the drug table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.servicerequest import ServiceRequest

from fhir_mapping.record import SourceRef
from services import tables
from services.cards import fmt_mg
from services.recommendation import Action, Suggestion

STATUS = "draft"
INTENT = "proposal"


def _validated(
    model: type[ServiceRequest] | type[MedicationRequest], data: dict[str, Any]
) -> dict[str, Any]:
    resource = model.model_validate(data)
    dumped: dict[str, Any] = resource.model_dump(mode="json", exclude_none=True)
    return dumped


def _concept(concept: str, text: str) -> dict[str, Any]:
    row = tables.order_code(concept)
    return {
        "coding": [{"system": row.system, "code": row.code, "display": row.display}],
        "text": text,
    }


def _references(refs: Sequence[SourceRef]) -> list[dict[str, str]]:
    return [{"reference": str(ref)} for ref in dict.fromkeys(refs)]


def service_request(
    *,
    patient_id: str,
    concept: str,
    text: str,
    reasons: Sequence[SourceRef] = (),
    priority: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """A draft ServiceRequest proposal (referral, assessment or lab) as validated JSON."""
    data: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "status": STATUS,
        "intent": INTENT,
        "code": _concept(concept, text),
        "subject": {"reference": f"Patient/{patient_id}"},
    }
    if priority:
        data["priority"] = priority
    if reasons:
        data["reasonReference"] = _references(reasons)
    if note:
        data["note"] = [{"text": note}]
    return _validated(ServiceRequest, data)


def medication_request(
    *,
    patient_id: str,
    ingredient: str,
    rxcui: str | None,
    mg_per_day: float | None,
    reasons: Sequence[SourceRef] = (),
    note: str | None = None,
) -> dict[str, Any]:
    """A draft MedicationRequest proposal for one ingredient at a target daily dose.

    The dose is stated as text only: strength, schedule and titration are the prescriber's choice
    (several agents are taken in divided doses), so no structured timing is proposed.
    """
    concept: dict[str, Any] = {"text": ingredient}
    if rxcui:
        rxnorm = tables.order_code("rxnorm").system
        concept["coding"] = [{"system": rxnorm, "code": rxcui, "display": ingredient}]
    dose = f"{ingredient} {fmt_mg(mg_per_day)} mg/day" if mg_per_day else ingredient
    data: dict[str, Any] = {
        "resourceType": "MedicationRequest",
        "status": STATUS,
        "intent": INTENT,
        "medicationCodeableConcept": concept,
        "subject": {"reference": f"Patient/{patient_id}"},
        "dosageInstruction": [{"text": f"{dose}; choose strength, schedule and titration"}],
    }
    if reasons:
        data["reasonReference"] = _references(reasons)
    if note:
        data["note"] = [{"text": note}]
    return _validated(MedicationRequest, data)


def create(label: str, resource: dict[str, Any] | None, *, recommended: bool = False) -> Suggestion:
    """A suggestion with one create action (none when there is no patient to address it to)."""
    actions: tuple[Action, ...] = ()
    if resource is not None:
        actions = (Action(type="create", description=label, resource=resource),)
    return Suggestion(label=label, actions=actions, is_recommended=recommended)
