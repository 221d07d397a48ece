"""A visit's `reasonReference` to a Condition nowhere in the chart, read by the reference's
display as a reason typed in (review s28 K10 finding 5, K12 finding 1).

US Core lets an Encounter state its reason by reference alone; a feed may send the reference
without the Condition (Epic sends the display "Suicide attempt" with a Condition id the
prefetch did not return). What the clinician saw is the display: it is read as a reasonCode
with text only, so the readers that read a typed-in reason read it the same way. One reading for
both of them: what a stay was for (stay_reason.py) and the self-harm and suicidal ideation a
visit records (visit_risk.py); before K12 only the stay reader read it, and a suicide-attempt
admission stated so by reference got no card while the same words as reasonCode text did.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fhir_mapping.fhir_fields import JSON_OBJECT, one_or_many

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


def in_chart(ref: Mapping[str, Any], chart: Sequence[Resource]) -> bool:
    """Whether a reference names a Condition of `chart` (or one contained in the Encounter:
    read by the stay reader itself)."""
    target = ref.get("reference")
    if isinstance(target, str) and target.startswith("#"):
        return True
    cid = reference_id(ref, "Condition")
    return cid is not None and any(c.get("id") == cid for c in chart)


def absent_reason(ref: Mapping[str, Any], chart: Sequence[Resource]) -> dict[str, Any] | None:
    """For a reference to a Condition not in `chart`: its display as a text-only reason
    ({"text": display}), or `ABSENT` with no display; None when `chart` holds the Condition."""
    if in_chart(ref, chart):
        return None
    display = ref.get("display")
    return {"text": display} if isinstance(display, str) and display.strip() else ABSENT


def absent_reason_texts(resource: Resource, chart: Sequence[Resource] | None) -> list[object]:
    """The text-only reasons of each `reasonReference` of `resource` to a Condition not in
    `chart`, with a display, in order; none when what the chart holds is not known (None)."""
    if chart is None:
        return []
    found: list[object] = []
    for ref in one_or_many(resource.get("reasonReference")):
        if not isinstance(ref, JSON_OBJECT):
            continue
        reason = absent_reason(ref, chart)
        if reason is not None and reason is not ABSENT:
            found.append(reason)
    return found
