"""A drafted dose many times the drug's maximum: probably a unit or entry error, said as one.

100 tablets of sertraline 100 mg read as 10000 mg/day, and the dose check said "Sertraline 10000
mg/day is above the usual maximum of 200 mg/day ... Check the dose and the indication", the words
of a deliberate 300 mg/day (review s28 RG finding 2). At or above policy.dose_entry_error_factor
times the usual maximum (the dose table's max, the ceiling "above the usual maximum" reads; the
factor's rationale is with the policy key) no regimen is meant: the card says how many times the
maximum it is and that the entry is the likelier error, naming the dose as entered
(DraftOrder.dose_entered: "100 tablets"). The findings' own details stay under it, so the ceiling
and its cite are still said.

Apart from doses.py (the ceilings and their words): this only rewords what those checks found.
"""

from __future__ import annotations

import dataclasses

from fhir_mapping.record import DoseBasis, DraftOrder
from services import cards, range_ceiling
from services.order_checks.model import ABOVE, OrderCheck
from services.order_doses import draft_dose
from services.rules.context import RuleContext


def times_maximum(ctx: RuleContext, draft: DraftOrder) -> int | None:
    """How many times the usual maximum the draft's daily dose is (rounded down), when at or
    above policy.dose_entry_error_factor; else None. A ranged draft is read at its upper end, as
    "above the maximum" reads it; a dose per session or injection has no daily dose to compare."""
    upper = draft.mg_per_day_upper
    top = draft.max_mg
    if upper is None or top is None or top <= 0 or draft.dose_basis is not DoseBasis.DAILY:
        return None
    ratio = upper / top
    return int(ratio) if ratio >= ctx.policy.dose_entry_error_factor else None


def marked(ctx: RuleContext, draft: DraftOrder, found: list[OrderCheck]) -> list[OrderCheck]:
    """`found` with its above-the-maximum findings made one, worded as an entry error, when the
    dose is far enough above the maximum (`times_maximum`); `found` itself otherwise."""
    above = [c for c in found if c.topic == ABOVE]
    times = times_maximum(ctx, draft) if above else None
    if times is None or draft.max_mg is None:
        return found
    name = draft.ingredient.capitalize()
    shown = draft_dose(draft)
    entered = f" ({draft.dose_entered})" if draft.dose_entered else ""
    top = range_ceiling.maximum(draft.ingredient, draft.max_mg)  # "12 mg/24 h" (dose62)
    act = "probably a unit or entry error"
    summary = cards.fit_summary(
        f"{name} {shown} is {times} times the usual maximum of {top}: {act}{entered}",
        f"{name} {shown} is {times} times the {top} maximum: {act}{entered}",
        f"{name} {shown}: {times} times the maximum, {act}",
    )
    as_entered = f" The dose as entered: {draft.dose_entered}." if draft.dose_entered else ""
    line = (
        f"**Probably an entry error:** {draft.ingredient} {shown} is {times} times the usual "
        f"maximum of {top}, beyond any dose meant as treatment.{as_entered} Check the "
        "quantity and its unit (tablets or mg) and the frequency before signing."
    )
    detail = cards.join_sections(line, *(c.detail for c in above))
    one = dataclasses.replace(
        above[0],
        summary=summary,
        detail=detail,
        short=f"{name} {shown}: {act}",
        # Each finding's cites stay the card's (order_cards._merge names them).
        basis=tuple(dict.fromkeys(b for c in above for b in c.basis)),
    )
    return [one if c is above[0] else c for c in found if c.topic != ABOVE or c is above[0]]
