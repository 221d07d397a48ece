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
from typing import Any, Literal

from fhir_mapping.gaps import resource_gap
from fhir_mapping.record import DataDomain, DataGap

DRAFT_TYPE = "MedicationRequest"
# The start of the reason of every unidentified draft's gap (`is_unidentified_draft`).
UNIDENTIFIED_DRAFT = "draft order, drug not identified"


# The protocol layer's words for a draft order the order checks did not read as sent
# (cds_hooks/order_drafts.py), shared so that the data-quality card tells them from a chart record
# left unread (review s27 RD finding 4: "check the chart for a failed trial" was said of an order
# whose MAOI, serotonergic and dose checks were not made): a selection naming no draft, and a
# draft whose medication has no readable shape.
NOT_AMONG_DRAFTS = "among the draft orders sent with this hook"
# Said after NOT_AMONG_DRAFTS when every draft was checked in the selection's place.
CHECKED_INSTEAD = "checked instead"
MEDICATION_UNREAD = "the medication could not be read"
# Said of a draft naming another patient: checked all the same, so no check was missed.
CHECKED_ALL_THE_SAME = "checked against this patient's record all the same"
# The protocol layer's report is one reason, its problems joined by this.
_JOINED = "; "

DraftReport = Literal["not-checked", "checked-instead"]


def draft_report(gap: DataGap) -> DraftReport | None:
    """What the protocol layer's report of the draft orders in `gap` means for the order being
    written: "not-checked" (a draft, or the order a selection names, had no order check),
    "checked-instead" (no selection named a draft, and every draft was checked in its place),
    else None (a chart record, a feed cut short, a draft checked all the same)."""
    kinds = set(_problem_kinds(gap))
    if "not-checked" in kinds:
        return "not-checked"
    return "checked-instead" if "checked-instead" in kinds else None


def drafts_only(gap: DataGap) -> bool:
    """Whether `gap` reports the draft orders and nothing else (no feed cut short beside them)."""
    kinds = _problem_kinds(gap)
    return bool(kinds) and None not in kinds


def _problem_kinds(gap: DataGap) -> list[str | None]:
    """Each problem of a protocol-layer medications report: "not-checked", "checked-instead",
    "checked" (a draft naming another patient), None (not about the drafts); [] for any other
    gap."""
    if gap.source is not None or gap.domain is not DataDomain.MEDICATIONS:
        return []
    problems: list[str] = []
    for piece in (gap.reason.partition(": ")[2] or gap.reason).split(_JOINED):
        if piece.startswith(CHECKED_ALL_THE_SAME) and problems:
            problems[-1] += _JOINED + piece  # the other-patient problem says it after "; "
        else:
            problems.append(piece)
    kinds: list[str | None] = []
    for problem in problems:
        if MEDICATION_UNREAD in problem or (
            NOT_AMONG_DRAFTS in problem and CHECKED_INSTEAD not in problem
        ):
            kinds.append("not-checked")
        elif NOT_AMONG_DRAFTS in problem:
            kinds.append("checked-instead")
        elif CHECKED_ALL_THE_SAME in problem:
            kinds.append("checked")
        else:
            kinds.append(None)
    return kinds


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
