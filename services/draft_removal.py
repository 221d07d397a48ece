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

Each label names its own draft (review s26 RK1 finding 5: two nortriptyline drafts on one card
read "Remove the draft nortriptyline order" twice, and the clinician could not tell which each
removes): the drug alone while it is the only draft of its drug on the card, else with its dose
as read ("Remove the draft nortriptyline 75 mg/day order"), then its dose steps, then, for drafts
that read alike in every word (an order entered twice), its place among them in the card's order
("... (draft 2 of 2 alike)"). Each action deletes its own resource whatever the label says.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from fhir_mapping.record import DoseBasis, DraftOrder
from services import drug_names, order_doses
from services.recommendation import Action, Suggestion


def removals(drafts: Iterable[DraftOrder]) -> tuple[Suggestion, ...]:
    """One suggestion per distinct drafted MedicationRequest with an id, in card order. Two
    readings of one draft (`drug_to_confirm`) are one order: one suggestion, its first name."""
    seen: set[str] = set()
    found: list[DraftOrder] = []
    for draft in drafts:
        if not draft.id or draft.source is None or draft.id in seen:
            continue
        seen.add(draft.id)
        found.append(draft)
    return tuple(
        Suggestion(
            label=f"Remove the draft {name} order{place}",
            actions=(
                Action(
                    type="delete",
                    description=f"Remove the draft {name} order{place} from this order session",
                    resource_id=str(draft.source),
                ),
            ),
        )
        for draft, (name, place) in zip(found, _names(found), strict=True)
    )


def _drug(draft: DraftOrder) -> str:
    return drug_names.shown(draft.ingredient)


def _dosed(draft: DraftOrder) -> str:
    """ "nortriptyline 75 mg/day" (the dose as read, order_doses.draft_dose); the drug alone when
    no daily dose was read or it is dosed per session (as order_doses.draft_named names it)."""
    if draft.dose_basis is not DoseBasis.DAILY or draft.mg_per_day_upper is None:
        return _drug(draft)
    return f"{_drug(draft)} {order_doses.draft_dose(draft)}"


def _stepped(draft: DraftOrder) -> str:
    """`_dosed` with the draft's dose steps ("150 mg/day for 7 days, then stop") when it has
    them."""
    steps = draft.timing.steps_text()
    return f"{_dosed(draft)} ({steps})" if steps else _dosed(draft)


_LEVELS: tuple[Callable[[DraftOrder], str], ...] = (_drug, _dosed, _stepped)


def _names(drafts: Sequence[DraftOrder]) -> list[tuple[str, str]]:
    """Each draft's name in its label, and its place among drafts named alike ("" mostly): the
    first of `_LEVELS` that no other draft shares, else the last with " (draft 1 of 2 alike)"."""
    counts = [Counter(level(d) for d in drafts) for level in _LEVELS]
    named: list[str] = []
    for draft in drafts:
        said = [level(draft) for level in _LEVELS]
        unique = [name for name, count in zip(said, counts, strict=True) if count[name] == 1]
        named.append(unique[0] if unique else said[-1])
    alike = Counter(named)
    before: Counter[str] = Counter()
    out = []
    for name in named:
        if alike[name] == 1:
            out.append((name, ""))
            continue
        before[name] += 1
        out.append((name, f" (draft {before[name]} of {alike[name]} alike)"))
    return out
