"""The optimise card's proposals held while a running dose is above its label maximum (review s24
RN finding 11).

"Add an adjunct to bupropion first (CANMAT para 190)" stood above "Bupropion SR 450 mg/day
running: above the SR maximum of 400 mg/day: seizure risk is dose-related": the optimise card
built on a dose over the label without naming it. As the renal and hepatic cards do
(rules/running_renal.py, running_hepatic.py), the cards of a running dose above its
formulation's maximum (running_formulation_dose) or the market's label maximum
(running_label_dose) or the drug's usual maximum (running_range_dose: venlafaxine 450 mg/day
against 225, review s24 RA finding 5) hold what keeps that drug going (one_click_hold.keeps_running: a higher
dose of it, an adjunct to it), under one line that names the card; a switch that starts another
antidepressant stays one click. The safer choice: an adjunct added to a drug taken above its
label (a seizure risk with bupropion) settles in a dose the prescriber was asked to review first.
A snooze of the dose card with a reason (the dose is meant) makes them one click again.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from services import cards, tables
from services.recommendation import Recommendation, Suggestion
from services.rules import (
    one_click_hold,
    running_formulation_dose,
    running_label_dose,
    running_range_dose,
)
from services.rules.context import RuleContext

HELD_BY = "a dose above its label maximum"
# Only the usual-maximum card (running_range_dose) holds: a label may allow more (fluoxetine's US
# label 80 mg/day over CANMAT's 60), so the summary must not say "label" (review s24 RD finding 3).
USUAL_HELD_BY = "a dose above its usual maximum"


def _drugs(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str]
) -> dict[str, str]:
    """The drugs above a label maximum whose card is shown, each with that card's name."""
    found: dict[str, str] = {}
    if one_click_hold.shown(recs, running_formulation_dose.TOPIC, hidden):
        display = tables.topic(running_formulation_dose.TOPIC).display
        for trial, _, _ in running_formulation_dose.above(ctx):
            found.setdefault(trial.ingredient, display)
        for trial, _, _ in running_formulation_dose.above_single_dose(ctx):
            found.setdefault(trial.ingredient, display)
    if one_click_hold.shown(recs, running_range_dose.TOPIC, hidden):
        display = tables.topic(running_range_dose.TOPIC).display
        for r in running_range_dose.above(ctx):
            # A dose within the label that allows it (fluoxetine 80 mg/day on the US label) asks
            # for no change: nothing waits for it (s25 FA item 1).
            if r.beyond_label:
                found.setdefault(r.trial.ingredient, display)
    if one_click_hold.shown(recs, running_label_dose.TOPIC, hidden):
        display = tables.topic(running_label_dose.TOPIC).display
        for a in running_label_dose.above(ctx):
            found.setdefault(a.trial.ingredient, display)
    return found


def hold_one_click(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the optimise card's proposals that raise, or add an adjunct to, a drug running
    above its label maximum as text while that card is on the screen (not in `hidden`)."""
    found = _drugs(ctx, recs, hidden)
    if not found:
        return list(recs)
    names = sorted(found)
    where = "; ".join(dict.fromkeys(found.values()))
    usual = set(found.values()) == {tables.topic(running_range_dose.TOPIC).display}
    held_by, which = (USUAL_HELD_BY, "usual") if usual else (HELD_BY, "label")

    def line(held: list[Suggestion]) -> str:
        return one_click_hold.held_line(
            f"while a dose is above its {which} maximum",
            held,
            f"Each raises or keeps running {cards.and_list(names)}, whose dose the {where} card "
            "asks to review: settle the dose first.",
        )

    return one_click_hold.hold_for_drugs(ctx, recs, frozenset(names), line, held_by=held_by)
