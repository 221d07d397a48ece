"""The optimise card's drug one-clicks held while an allergy entry's allergen is masked or absent
by a data-absent-reason (fix mask48; services/masked_records.py says why).

Why hold rather than only say it (the safer choice for the patient): the allergen may be a drug
proposed or its class, and the intolerance rules that keep a drug the patient reacted to off the
card could not read it; a line alone beside a one-click is read after the click. As for a PHQ-9
of unconfirmed subject (unconfirmed_signal_hold.py), only MedicationRequests are held:
psychotherapy, ECT and the TMS referral order no drug and stay one click. The entry is named in
the data-not-read lines whatever is held.
"""

from __future__ import annotations

from collections.abc import Sequence

from services import masked_records
from services.recommendation import Recommendation, Suggestion
from services.rules import one_click_hold
from services.rules.context import RuleContext


def hold_one_click(ctx: RuleContext, recs: Sequence[Recommendation]) -> list[Recommendation]:
    """`recs` with the optimise card's drug proposals as text under one line naming the masked
    allergy entry; `recs` as they are when none is masked (nearly always)."""
    record = ctx.record
    if not record.gaps or not masked_records.allergy_gaps(record.gaps):
        return list(recs)

    def line(held: list[Suggestion]) -> str | None:
        return masked_records.allergy_line(record, [s.label for s in held])

    return one_click_hold.hold_drug_orders(
        recs, line, held_by=masked_records.words().allergy_held_by, whole=True
    )
