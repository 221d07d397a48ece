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


Model = type[ServiceRequest] | type[MedicationRequest]
# A resource's key order as fhir.resources writes it: (key, order of its value) per key of an
# object, the order of each item of an array, None for a primitive.
Order = tuple[Any, ...] | None

# Validation once per template (issue 14): validating and dumping every proposal through its
# fhir.resources model cost a patient-view call about a seventh of its time. A template is the
# resource with its free text (the `string` and `markdown` elements below) left out and
# everything else (resource type, status, intent, codes, systems, the type of each reference)
# as written; free text is valid in any non-blank form (fhir_core: a `string` matches
# `[ \r\n\t\S]+`), so once a template has validated, and validation changed nothing but the
# key order, every resource of that template would validate to itself too. Those are built
# directly, in the model's key order; anything else (a blank text, a value of another type, a
# template not seen yet) is validated in full as before, and a resource that is not valid R4
# still raises.
_FREE_TEXT = frozenset({"text", "display", "reference"})
_CHECKED_MAX = 1024
_checked: dict[tuple[Model, object], Order] = {}


def _template(value: object, key: str | None = None) -> object:
    """The template of a JSON value (see above), or None when it must be validated in full."""
    if isinstance(value, dict):
        parts = []
        for name, item in value.items():
            part = _template(item, name)
            if part is None:
                return None
            parts.append((name, part))
        return ("{", tuple(parts))
    if isinstance(value, list):
        items = [_template(item, key) for item in value]
        return None if any(item is None for item in items) else ("[", tuple(items))
    if type(value) is str:
        if key not in _FREE_TEXT:
            return value
        if not value.strip():
            return None
        # A reference keeps the resource type it names; its id, like text, is any string.
        return ("ref", value.partition("/")[0]) if key == "reference" else ("text",)
    return None


def _order(value: object) -> Order:
    if isinstance(value, dict):
        return tuple((name, _order(item)) for name, item in value.items())
    if isinstance(value, list):
        return tuple(_order(item) for item in value)
    return None


def _arranged(value: Any, order: Order) -> Any:
    if order is None:
        return value
    if isinstance(value, dict):
        return {name: _arranged(value[name], inner) for name, inner in order}
    return [_arranged(item, inner) for item, inner in zip(value, order, strict=True)]


def _validated(model: Model, data: dict[str, Any]) -> dict[str, Any]:
    template = _template(data)
    if template is not None:
        order = _checked.get((model, template))
        if order is not None:
            arranged: dict[str, Any] = _arranged(data, order)
            return arranged
    resource = model.model_validate(data)
    dumped: dict[str, Any] = resource.model_dump(mode="json", exclude_none=True)
    if template is not None and dumped == data:
        if len(_checked) >= _CHECKED_MAX:
            _checked.clear()
        _checked[(model, template)] = _order(dumped)
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


def create_many(
    label: str, resources: Sequence[dict[str, Any]], *, recommended: bool = False
) -> Suggestion:
    """One suggestion whose acceptance creates every resource (e.g. an antidepressant and the
    antipsychotic it is combined with); no action when there is no patient to address them to."""
    actions = tuple(Action(type="create", description=label, resource=r) for r in resources)
    return Suggestion(label=label, actions=actions, is_recommended=recommended)
