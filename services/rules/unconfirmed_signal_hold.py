"""The optimise card's drug one-clicks held while a PHQ-9 of unconfirmed subject would be a
suicide-risk signal if it were this patient's (review 17 recheck R1; services/unconfirmed_signal
.py says why and what is a signal).

Why hold (the safer choice): if the result is this patient's, the suicide-risk card would be on
the screen and an acute signal would hold these proposals (optimize_switch_augment); a new drug
one click away (a tricyclic or an MAOI above all, lethal in overdose) would be ordered before
anyone checked whose the answer is. As for an unanswered item 9
(measurement_based_care.hold_one_click), only MedicationRequests are held: psychotherapy, ECT
and the TMS referral add no means of overdose and stay one click. The data-quality card says the
finding whatever is held.
"""

from __future__ import annotations

from collections.abc import Sequence

from services import unconfirmed_signal
from services.recommendation import Recommendation, Suggestion
from services.rules import one_click_hold
from services.rules.context import RuleContext

HELD_BY = "a PHQ-9 of unconfirmed subject to check first"


def hold_one_click(ctx: RuleContext, recs: Sequence[Recommendation]) -> list[Recommendation]:
    """`recs` with the optimise card's drug proposals as text under one line, while a PHQ-9
    of unconfirmed subject is a signal; `recs` as they are otherwise (nearly always)."""
    gaps = ctx.record.gaps
    if not gaps or not unconfirmed_signal.signal_gaps(gaps):
        return list(recs)

    def line(held: list[Suggestion]) -> str | None:
        return unconfirmed_signal.held_line(gaps, [s.label for s in held])

    return one_click_hold.hold_drug_orders(recs, line, held_by=HELD_BY, whole=True)
