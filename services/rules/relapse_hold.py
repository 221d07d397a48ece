"""The optimise card's drug proposals held while the relapse card asks for its review first
(review s26 RN finding 4).

Venlafaxine failed in this episode, then sertraline brought a response and the PHQ-9 rose again
on it (5 -> 19). The optimise card, counting the venlafaxine failure, proposed "switch to a
non-SNRI mechanism or augment" with aripiprazole and brexpiprazole one click; the relapse card
beside it said "review, then optimise the dose first" (adherence, stressors, substances and
medical causes first: CANMAT 2023 para 184; then the sertraline dose within its range:
relapse_steps.csv `optimise`). Two next steps, and the one-click adjunct skipped the review.

One next step: while the relapse card is shown, its first step (relapse.first_step) holds the
optimise card's drug proposals as text, under one line, and the optimise summary says that step
first ("review the relapse and optimise sertraline first, then switch ... or augment":
hold_words, the wording every hold shares). The hold is about the whole plan (a switch waits too:
it is a treatment change the review comes before). Safer for the patient: an adjunct or a switch
stacked on a relapse whose cause (missed doses, a new medicine, alcohol) was never looked at may
be the wrong change; the clinician who has reviewed it loses one click, not the options. The
relapse card then sits above the card it holds (services/data/topics.csv: its row before the
optimise card's).
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from services import tables
from services.recommendation import Recommendation, Suggestion
from services.rules import one_click_hold, relapse
from services.rules.context import RuleContext


def hold_one_click(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the optimise card's drug proposals as text while the relapse card is shown
    (module docstring); as they are otherwise."""
    if not one_click_hold.shown(recs, relapse.TOPIC, hidden):
        return list(recs)
    step = relapse.first_step(ctx)
    if step is None:
        return list(recs)
    card = tables.topic(relapse.TOPIC).display

    def line(held: list[Suggestion]) -> str | None:
        if not held:
            return None
        return (
            f"**Not one click while the relapse is reviewed** ({card} card): "
            f"{'; '.join(s.label for s in held)}. The relapse card's step comes first: {step} "
            "(CANMAT 2023 para 184: adherence, stressors, substances and medical causes before "
            "a treatment change)."
        )

    return one_click_hold.hold_drug_orders(recs, line, held_by=f"{step} first", whole=True)
