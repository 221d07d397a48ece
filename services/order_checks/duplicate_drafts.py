"""The card of two (or more) antidepressants of one class drafted on the same order (sertraline
and fluoxetine signed together: review 15 W2), with nothing running yet (`drafted_check`): the
drafts named in the order's own order, whichever of them carries the card, and "keep one".

Apart from duplicate.py, whose cards are about a drug already running: here only the order's
own drafts are named. Which drafts make the pair stays there (`_drafted_same_class`).
"""

from __future__ import annotations

from fhir_mapping.record import DraftOrder
from services import cards
from services.card_format import count_word
from services.order_checks.model import SAME_CLASS, OrderCheck
from services.order_doses import draft_dose
from services.rules.context import RuleContext


def _names(names: list[str]) -> str:
    """ "sertraline and fluoxetine"; "sertraline, fluoxetine and paroxetine"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def drafted_check(ctx: RuleContext, draft: DraftOrder, others: list[DraftOrder]) -> OrderCheck:
    """The card of two (or more) antidepressants of one class on one order (review 15 W2), the
    drafts named in the order's own order whichever of them carries the card."""
    drafts = list(ctx.record.draft_orders)
    together = sorted([*others, draft], key=lambda d: drafts.index(d) if d in drafts else 0)
    names = [d.ingredient for d in together]
    cls = draft.drug_class
    count = count_word(len(together))
    both = "both" if len(together) == 2 else "all"
    lead = _names(names)
    summary = cards.fit_summary(
        f"{lead[:1].upper()}{lead[1:]} are {both} drafted: {count} {cls}s on one order; keep one",
        f"{lead[:1].upper()}{lead[1:]} are {both} drafted: {count} {cls}s",
        f"{draft.ingredient.capitalize()}: another {cls} on this order",
    )
    detail = (
        "**On this order:** "
        + "; ".join(f"{d.ingredient} {draft_dose(d)} ({d.drug_class})" for d in together)
        + ". Two antidepressants of one class add serotonergic load and side effects and are "
        "not a CANMAT 2023 combination (combinations pair different mechanisms). Keep one of "
        f"the {count} orders; if one is meant to replace the other, order the new one alone "
        "and plan the switch (direct, or a short cross-taper)."
    )
    named = tuple(d for d in together if d is not draft)
    return OrderCheck(SAME_CLASS, draft, summary, detail, named=named)
