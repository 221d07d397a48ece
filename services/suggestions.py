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

from fhir_mapping.bounded_memo import remember
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
    return _validated_as(model, _template(data), data)


def _validated_as(
    model: Model, template: tuple[object, ...] | None, data: dict[str, Any]
) -> dict[str, Any]:
    """`data` validated, or taken as it is when its `template` (None: none, validate in full)
    has validated before."""
    if template is not None:
        plan = _checked.get((model, template), _UNSEEN)
        if plan is not _UNSEEN:
            # A plan of None: the resource is in the model's order already, kept as built.
            arranged: dict[str, Any] = _arranged(data, cast(Order, plan))
            return arranged
    resource = model.model_validate(data)
    dumped: dict[str, Any] = resource.model_dump(mode="json", exclude_none=True)
    if template is not None and dumped == data:
        remember(_checked, (model, template), _plan(data, _order(dumped)), _CHECKED_MAX)
    return dumped


# The builders below know which of their inputs are free text and which are codes, so each
# names its resource's template itself (its "shape") instead of walking the JSON it built
# (issue 14: the walk cost a proposal more than the rest of its building). A shape holds every
# input that `_template` would keep (the concept, the code, the priority, which optional
# elements are there, the resource type of each reference) and is None where `_template` would
# be (a blank text): tests/services/test_suggestion_shapes.py pins each shape to the template.
# Shapes start with the resource type (a str), templates with `_OBJECT`: the two never meet.


def _free(*texts: str | None) -> bool:
    """Every text given is a non-blank string (None: an element left out)."""
    for text in texts:
        if text is not None and (type(text) is not str or not text.strip()):
            return False
    return True


def _concept(row: tables.CodeRow, text: str) -> dict[str, Any]:
    return {
        "coding": [{"system": row.system, "code": row.code, "display": row.display}],
        "text": text,
    }


def _references(refs: Sequence[SourceRef]) -> list[dict[str, str]]:
    return [{"reference": str(ref)} for ref in dict.fromkeys(refs)]


def _reference_types(references: list[dict[str, str]]) -> tuple[str, ...]:
    """What `_template` keeps of each reference: the resource type before its "/"."""
    return tuple([r["reference"].partition("/")[0] for r in references])


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
    # Keys in the order fhir.resources writes them (FHIR's element order), so the validated
    # resource is the dict as built: no copy to reorder it (issue 14).
    data: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "status": STATUS,
        "intent": INTENT,
    }
    if priority:
        data["priority"] = priority
    row = tables.order_code(concept)
    data["code"] = _concept(row, text)
    data["subject"] = {"reference": f"Patient/{patient_id}"}
    references = _references(reasons) if reasons else None
    if references is not None:
        data["reasonReference"] = references
    if note:
        data["note"] = [{"text": note}]
    shape = (
        (
            "ServiceRequest",
            row.system,
            row.code,
            priority or None,
            _reference_types(references) if references is not None else None,
            bool(note),
        )
        if _free(text, row.display, note or None)
        else None
    )
    return _validated_as(ServiceRequest, shape, data)


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
    rxnorm = tables.order_code("rxnorm").system if rxcui else None
    dose = f"{ingredient} {fmt_mg(mg_per_day)} mg/day" if mg_per_day else ingredient
    # Keys in the order fhir.resources writes them (FHIR's element order), so the validated
    # resource is the dict as built: no copy to reorder it (issue 14).
    concept: dict[str, Any] = (
        {"coding": [{"system": rxnorm, "code": rxcui, "display": ingredient}], "text": ingredient}
        if rxcui
        else {"text": ingredient}
    )
    data: dict[str, Any] = {
        "resourceType": "MedicationRequest",
        "status": STATUS,
        "intent": INTENT,
        "medicationCodeableConcept": concept,
        "subject": {"reference": f"Patient/{patient_id}"},
    }
    references = _references(reasons) if reasons else None
    if references is not None:
        data["reasonReference"] = references
    if note:
        data["note"] = [{"text": note}]
    instruction = f"{dose}; choose strength, schedule and titration"
    data["dosageInstruction"] = [{"text": instruction}]
    shape = (
        (
            "MedicationRequest",
            rxnorm,
            rxcui or None,
            _reference_types(references) if references is not None else None,
            bool(note),
        )
        if _free(ingredient, instruction, note or None) and (not rxcui or type(rxcui) is str)
        else None
    )
    return _validated_as(MedicationRequest, shape, data)


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
