"""A visit's `reasonReference` to a Condition nowhere in the chart, read by the reference's
display as a reason typed in (review s28 K10 finding 5, K12 finding 1).

US Core lets an Encounter state its reason by reference alone; a feed may send the reference
without the Condition (Epic sends the display "Suicide attempt" with a Condition id the
prefetch did not return). What the clinician saw is the display: it is read as a reasonCode
with text only, so the readers that read a typed-in reason read it the same way. One reading for
both of them: what a stay was for (stay_reason.py) and the self-harm and suicidal ideation a
visit records (visit_risk.py); before K12 only the stay reader read it, and a suicide-attempt
admission stated so by reference got no card while the same words as reasonCode text did.

A reference "#c1" names a Condition contained in the Encounter itself (`contained_condition`,
one lookup for both readers): the visit risk reader reads its code and words as a reason
(`referenced_reasons`; recheck K15 s28 finding 1: a stay or ED visit for a contained "Suicide
attempt" made no card while the same Condition in the chart made the critical one), as the stay
reader reads its code. One "#c9" the Encounter does not contain is absent, read by its display.
An `Encounter.diagnosis` condition is resolved the same way (`diagnosis_reasons`, K15 finding 2:
a diagnosis "Suicide attempt" referencing a Condition the chart did not send read as nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fhir_mapping.conditions import DROPPED_VERIFICATION
from fhir_mapping.fhir_fields import JSON_OBJECT, one_or_many, status_code

Resource = Mapping[str, Any]

# A reference to a Condition that is nowhere in the chart and has no display: stated, unread;
# compared by identity (stay_reason.py `reason_unread`).
ABSENT: dict[str, str] = {}


def reference_id(reference: object, resource_type: str) -> str | None:
    """The id of a literal reference ("Condition/c1", a full URL) to `resource_type`, or None."""
    ref = reference.get("reference") if isinstance(reference, JSON_OBJECT) else None
    if not isinstance(ref, str):
        return None
    parts = ref.rstrip("/").split("/")
    if len(parts) >= 2 and parts[-2] == resource_type:
        return parts[-1]
    return None


def contained_condition(resource: Resource, ref: object) -> Resource | None:
    """The Condition contained in `resource` that a reference "#id" names; None for any other
    reference, or when `resource` contains no such Condition."""
    target = ref.get("reference") if isinstance(ref, JSON_OBJECT) else None
    if not isinstance(target, str) or not target.startswith("#"):
        return None
    for found in one_or_many(resource.get("contained")):
        if (
            isinstance(found, JSON_OBJECT)
            and found.get("resourceType") == "Condition"
            and found.get("id") == target[1:]
        ):
            return found
    return None


def voided(condition: Mapping[str, Any]) -> bool:
    """A Condition recorded refuted or entered-in-error states nothing, as the Condition reader
    drops it (conditions.DROPPED_VERIFICATION)."""
    return status_code(condition.get("verificationStatus")) in DROPPED_VERIFICATION


def in_chart(
    ref: Mapping[str, Any], chart: Sequence[Resource], resource: Resource | None = None
) -> bool:
    """Whether a reference names a Condition of `chart`, or one contained in `resource` (the
    Encounter: read by its readers through `contained_condition`). Without `resource` any "#id"
    counts as contained."""
    target = ref.get("reference")
    if isinstance(target, str) and target.startswith("#"):
        return resource is None or contained_condition(resource, ref) is not None
    cid = reference_id(ref, "Condition")
    return cid is not None and any(c.get("id") == cid for c in chart)


def absent_reason(
    ref: Mapping[str, Any], chart: Sequence[Resource], resource: Resource | None = None
) -> dict[str, Any] | None:
    """For a reference to a Condition not in `chart` (nor contained in `resource`): its display
    as a text-only reason ({"text": display}), or `ABSENT` with no display; None when `chart`
    (or `resource`) holds the Condition."""
    if in_chart(ref, chart, resource):
        return None
    display = ref.get("display")
    return {"text": display} if isinstance(display, str) and display.strip() else ABSENT


def _reasons(
    refs: Iterable[object], resource: Resource, chart: Sequence[Resource] | None
) -> list[object]:
    found: list[object] = []
    for ref in refs:
        if not isinstance(ref, JSON_OBJECT):
            continue
        contained = contained_condition(resource, ref)
        if contained is not None:
            if not voided(contained):
                found.append(contained.get("code"))
            continue
        if chart is None:
            continue  # what the chart holds is not known: no reference is read as absent
        reason = absent_reason(ref, chart, resource)
        if reason is not None and reason is not ABSENT:
            found.append(reason)
    return found


def referenced_reasons(resource: Resource, chart: Sequence[Resource] | None) -> list[object]:
    """The reasons `resource`'s `reasonReference` states without a Condition of the chart, in
    order: the `code` of each Condition it contains (not refuted nor entered in error), and the
    display of each reference to a Condition not in `chart` as a text-only reason (none when
    what the chart holds is not known: None)."""
    return _reasons(one_or_many(resource.get("reasonReference")), resource, chart)


def diagnosis_reasons(resource: Resource, chart: Sequence[Resource] | None) -> list[object]:
    """As `referenced_reasons`, for the Conditions `resource`'s `Encounter.diagnosis` lists."""
    refs = (
        item.get("condition")
        for item in one_or_many(resource.get("diagnosis"))
        if isinstance(item, JSON_OBJECT)
    )
    return _reasons(refs, resource, chart)
