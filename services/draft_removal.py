"""The "Remove the draft <drug> order" suggestion of a critical order card (s26 LC item 3).

A critical order card (an MAOI drafted beside a running SSRI, a tricyclic drafted with a
high-grade AV block coded) said what was wrong and offered no way to act on it from the card:
the clinician had to leave the card and find the draft in the order composer. CDS Hooks 2.0
lets a suggestion carry a `delete` action naming a resource of the request's draftOrders by
its relative reference (#action: type delete, resourceId a string, "ServiceRequest/..." in the
spec's own example, ../shared/cds-hooks/HL7__cds-hooks/action-delete.json; service requirements
133-135 of ../shared/cds-hooks/cds-hooks-2.0-service-requirements.tsv). So each draft a critical
card is about gets one such suggestion, never recommended (the clinician may have a reason the
card does not know: a washout already planned, a cardiologist's clearance; the override reasons
stay), and only when the draft has a logical id (an id-less draft cannot be named, and a delete
of a guessed reference could remove the wrong order).

Only critical cards: a warning or information card is advice the order may well go ahead
with, and a one-click removal beside it would invite dropping a reasonable order.
"""

from __future__ import annotations

from collections.abc import Iterable

from fhir_mapping.record import DraftOrder
from services import drug_names
from services.recommendation import Action, Suggestion


def removals(drafts: Iterable[DraftOrder]) -> tuple[Suggestion, ...]:
    """One suggestion per distinct drafted MedicationRequest with an id, in card order. Two
    readings of one draft (`drug_to_confirm`) are one order: one suggestion, its first name."""
    seen: set[str] = set()
    found: list[Suggestion] = []
    for draft in drafts:
        if not draft.id or draft.source is None or draft.id in seen:
            continue
        seen.add(draft.id)
        drug = drug_names.shown(draft.ingredient)
        found.append(
            Suggestion(
                label=f"Remove the draft {drug} order",
                actions=(
                    Action(
                        type="delete",
                        description=f"Remove the draft {drug} order from this order session",
                        resource_id=str(draft.source),
                    ),
                ),
            )
        )
    return tuple(found)
