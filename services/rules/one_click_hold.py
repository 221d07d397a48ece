"""The optimise card's medication proposals held as text while a safety card on the same screen
says the drug itself needs settling first (a low sodium on an SSRI, a strongly anticholinergic
drug at 80): an adjunct or a higher dose would keep running it. The holding card supplies the line
that says why; the proposals stay on the card, named, not one click."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet

from services import cards, screen
from services.recommendation import Recommendation, Suggestion
from services.rules.optimize import card as optimise_card


def orders_a_drug(suggestion: Suggestion) -> bool:
    return any(
        action.resource is not None and action.resource.get("resourceType") == "MedicationRequest"
        for action in suggestion.actions
    )


def hold_drug_orders(
    recs: Sequence[Recommendation], line_for: Callable[[list[Suggestion]], str | None]
) -> list[Recommendation]:
    """`recs` with the optimise card's medication proposals taken off as one-click actions and a
    line at the top of its detail: `line_for(held)` (the proposals taken off, maybe none) writes
    it; None leaves the card as it is."""
    out: list[Recommendation] = []
    for rec in recs:
        if rec.topic != optimise_card.TOPIC:
            out.append(rec)
            continue
        held = [s for s in rec.suggestions if orders_a_drug(s)]
        line = line_for(held)
        if line is None:
            out.append(rec)
            continue
        kept = tuple(s for s in rec.suggestions if not orders_a_drug(s))
        out.append(
            screen.with_fields(rec, suggestions=kept, detail=cards.join_sections(line, rec.detail))
        )
    return out


def shown(recs: Sequence[Recommendation], topic: str, hidden: AbstractSet[str]) -> bool:
    """Whether the holding card of `topic` is on this screen: among `recs` and not snoozed
    (`hidden`). Each holding card asks it before it takes the proposals off."""
    return topic not in hidden and any(r.topic == topic for r in recs)
