"""The MAOI diet at an order (review s22 RU finding 3): an information card when a drafted MAOI
brings the tyramine diet the patient is not on yet.

A new selegiline 9 mg/24 h patch (Emsam), a raise of the patch from 6 to 9 or 12, or a first
phenelzine, tranylcypromine or isocarboxazid order at any dose got no card: the diet these doses
need was said nowhere (services/maoi_diet.py, data/maoi_diet.csv). One card for the draft, only
when no running MAOI is at a dose known to need the diet already: a renewal, a raise from 9 to
12, or a second MAOI ordered beside one at a diet dose says nothing new (the MAOI washout card
speaks for the last). A patch whose dose was not read gets the card, worded for that. A draft the
MAOI washout card (critical) already speaks of gets the diet as one line on that card, not a card
of its own (`fold_beside_washout`: one card per drafted MAOI is enough).

Information, not a warning: the order is right, the card says what comes with it. Not snoozable:
one order's check (data/topics.csv).
"""

from __future__ import annotations

import dataclasses

from fhir_mapping.record import DraftOrder
from services import cards, maoi_diet
from services.order_checks.model import MAOI, OrderCheck
from services.order_doses import draft_dose
from services.recommendation import Indicator
from services.rules.context import RuleContext

TOPIC = "order-maoi-diet"


def maoi_diet_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    found = maoi_diet.row(draft.ingredient)
    if found is None or not maoi_diet.needs_diet(draft.ingredient, draft.mg_per_day):
        return None
    if maoi_diet.on_diet_now(ctx.record.trials):
        return None
    name = draft.ingredient.capitalize()
    if draft.mg_per_day is None:
        summary = (
            f"{name} ordered, dose not read: it may need the MAOI diet (no tyramine-rich foods)"
        )
        head = f"**{name} drafted, dose not read:**"
    else:
        summary = (
            f"{name} {draft_dose(draft)} ordered: needs the MAOI diet (no tyramine-rich foods)"
        )
        head = f"**{name} {draft_dose(draft)} drafted:**"
    detail = cards.join_sections(
        f"{head} {found.sentence()} No MAOI at a dose that needs the diet is running now: tell "
        "the patient before the first dose at this strength."
    )
    return OrderCheck(
        TOPIC,
        draft,
        cards.fit_summary(summary, f"{name}: needs the MAOI diet (no tyramine-rich foods)"),
        detail,
        indicator=Indicator.INFO,
        basis=(found.cite,),
    )


def fold_beside_washout(by_topic: dict[str, list[OrderCheck]]) -> None:
    """Moves the diet of a drafted MAOI onto the MAOI washout card of the same draft, as one
    line ("**MAOI diet:** ..."), and drops its own card: the critical card is read first, and a
    second card for the same draft would be noise. In place."""
    diet = by_topic.get(TOPIC, [])
    washout = by_topic.get(MAOI, [])
    kept: list[OrderCheck] = []
    for check in diet:
        key = (check.draft.id, check.draft.ingredient)
        at = next(
            (i for i, w in enumerate(washout) if (w.draft.id, w.draft.ingredient) == key), None
        )
        found = maoi_diet.row(check.draft.ingredient)
        if at is None or found is None:
            kept.append(check)
            continue
        line = f"**MAOI diet:** {found.sentence()}"
        washout[at] = dataclasses.replace(
            washout[at], detail=cards.join_sections(washout[at].detail, line)
        )
    if kept:
        by_topic[TOPIC] = kept
    else:
        by_topic.pop(TOPIC, None)
