"""A draft order's medication: whether its shape can name a drug at all, and the gap of a draft
whose drug could not be identified (review 15 U2).

Two readings, one per layer, that must agree on which draft each names so that no draft is
reported twice:

- `shape_problem`: structural only (the protocol layer asks it: cds_hooks/order_drafts.py). A
  `medicationCodeableConcept` sent as an array or a string, no medication[x], a concept with no
  code and no name, a reference with nothing in it. These drafts are named by the protocol layer.
- `unidentified_draft_gap`: a draft whose shape is sound but whose drug still could not be
  identified: a `medicationReference` that resolves to no Medication (not in draftOrders, not in
  the chart, not readable from the FHIR server) and carries no display, a referenced Medication
  with no drug code or name, an NDC alone, a local code with no name. The mapping names these
  (fhir_mapping/medications.py `read_drafts`).

Either way the order being written could not be checked: it might be the serotonergic drug drafted
beside an MAOI. The gap's reason starts with UNIDENTIFIED_DRAFT so that the services give it a card
at the order (services/data_gaps.py) rather than a line among the chart's unread records.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fhir_mapping.gaps import resource_gap
from fhir_mapping.record import DataDomain, DataGap

DRAFT_TYPE = "MedicationRequest"
# The start of the reason of every unidentified draft's gap (`is_unidentified_draft`).
UNIDENTIFIED_DRAFT = "draft order, drug not identified"


def shape_problem(draft: Mapping[str, Any]) -> str | None:
    """Why this draft MedicationRequest's medication has no shape a drug could be read from, or
    None (it has one, or the draft is not a MedicationRequest)."""
    if draft.get("resourceType") != DRAFT_TYPE:
        return None
    concept = draft.get("medicationCodeableConcept")
    reference = draft.get("medicationReference")
    if concept is not None:
        if not isinstance(concept, Mapping):
            return f"medicationCodeableConcept is {_json_kind(concept)}, not a CodeableConcept"
        if _names_something(concept):
            return None
        if not isinstance(reference, Mapping):
            return "medicationCodeableConcept has no code and no text"
    if reference is None:
        return "no medicationCodeableConcept or medicationReference"
    if not isinstance(reference, Mapping):
        return f"medicationReference is {_json_kind(reference)}, not a Reference"
    if not any(_text(reference.get(k)) for k in ("reference", "display")) and not isinstance(
        reference.get("identifier"), Mapping
    ):
        return "medicationReference has no reference and no display"
    return None


def unidentified_draft_gap(draft: Mapping[str, Any], why: str) -> list[DataGap]:
    """The gap of a draft whose drug could not be identified (`why`: read_drug's reason), or
    none when its shape is one `shape_problem` names (the protocol layer reports those)."""
    if shape_problem(draft) is not None:
        return []
    return resource_gap(draft, f"{UNIDENTIFIED_DRAFT}: {why}", DataDomain.MEDICATIONS)


def is_unidentified_draft(gap: DataGap) -> bool:
    return gap.reason.startswith(UNIDENTIFIED_DRAFT)


def _names_something(concept: Mapping[str, Any]) -> bool:
    if _text(concept.get("text")):
        return True
    codings = concept.get("coding")
    return isinstance(codings, list) and any(
        isinstance(c, Mapping) and (_text(c.get("code")) or _text(c.get("display")))
        for c in codings
    )


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool | int | float):
        return "a number" if not isinstance(value, bool) else "a boolean"
    return "not an object"
