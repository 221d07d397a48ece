"""Proposed FHIR R4 resources for card suggestions, validated with fhir.resources.R4B.

Every resource is a proposal: status "draft", intent "proposal" (FHIR RequestIntent: "a suggestion
made by someone/something that does not have an intention to ensure it occurs"), as the CDC opioid
CDS does in its ServiceRequest suggestions. The clinician accepts, edits and signs; nothing here is
an order. Codes come from data/order_codes.csv; drug codes from the drug table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

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
_checked: dict[tuple[Model, tuple[object, ...]], Order] = {}

# A template is written flat, one token per key, value and bracket (issue 14: a flat tuple of
# strings is built and hashed at a fraction of the cost of nested tuples). The structural
# tokens are objects no JSON value can equal, so two resources share a template only when
# they share their structure, keys and non-free-text values.
_OBJECT, _ARRAY, _END, _TEXT, _REFERENCE = (object() for _ in range(5))
_UNSEEN = object()


def _template(value: dict[str, Any]) -> tuple[object, ...] | None:
    """The template of a JSON resource (see above), or None when it must be validated in full."""
    tokens: list[object] = []
    return tuple(tokens) if _walk(value, tokens) else None


def _walk(value: object, tokens: list[object]) -> bool:
    """Append the template tokens of a JSON object or array; False when it has none. A string is
    read where its key says what it is (inside an object); anything else (a number, a boolean, a
    string in an array: none of which a proposal here holds) is validated in full."""
    if isinstance(value, dict):
        tokens.append(_OBJECT)
        for name, item in value.items():
            tokens.append(name)
            if type(item) is not str:
                if not _walk(item, tokens):
                    return False
            elif name not in _FREE_TEXT:
                tokens.append(item)  # a code, a system, a status: as written
            elif not item.strip():
                return False
            elif name == "reference":
                # A reference keeps the resource type it names; its id, like text, is any string.
                tokens.append(_REFERENCE)
                tokens.append(item.partition("/")[0])
            else:
                tokens.append(_TEXT)
        tokens.append(_END)
        return True
    if isinstance(value, list):
        tokens.append(_ARRAY)
        for item in value:
            if not _walk(item, tokens):
                return False
        tokens.append(_END)
        return True
    return False


def _order(value: object) -> Order:
    if isinstance(value, dict):
        return tuple((name, _order(item)) for name, item in value.items())
    if isinstance(value, list):
        return tuple(_order(item) for item in value)
    return None


def _plan(value: object, order: Order) -> Order:
    """`order` with None wherever `value` is already in that order: `_arranged` keeps such a part
    as it is instead of copying it (most of a proposal is written in the model's order already;
    a template fixes the input's key order and list lengths, so the plan holds for all of it)."""
    if order is None:
        return None
    if isinstance(value, dict):
        inner = tuple((name, _plan(value[name], part)) for name, part in order)
        same = tuple(value) == tuple(name for name, _ in order)
        return None if same and all(part is None for _, part in inner) else inner
    if isinstance(value, list):
        items = tuple(_plan(item, part) for item, part in zip(value, order, strict=True))
        return None if all(part is None for part in items) else items
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
        plan = _checked.get((model, template), _UNSEEN)
        if plan is not _UNSEEN:
            # A plan of None: the resource is in the model's order already, kept as built.
            arranged: dict[str, Any] = _arranged(data, cast(Order, plan))
            return arranged
    resource = model.model_validate(data)
    dumped: dict[str, Any] = resource.model_dump(mode="json", exclude_none=True)
    if template is not None and dumped == data:
        if len(_checked) >= _CHECKED_MAX:
            _checked.clear()
        _checked[(model, template)] = _plan(data, _order(dumped))
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
