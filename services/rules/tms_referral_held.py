"""Why the TMS referral is offered but not the recommended step while the optimise card's drug
one-clicks are held for a check first (recheck 17-2 M5).

The choice, for both holds, the safer one for the patient: the referral stays one click (a
clinician who has settled the check loses nothing), but it is not marked recommended beside an
optimise card that says "not one click before ...", which told two stories.

- A PHQ-9 of unconfirmed subject that would be a suicide signal (services/unconfirmed_signal.py):
  if it is this patient's, the TMS card itself would not be recommended (tms_referral: only with
  no suicide signal) and suicide risk is assessed first; the check bears on TMS as on any step.
- A finding the diagnosis review asks to settle before escalating (an abnormal TSH, a low B12,
  bipolar features: diagnosis_review.settle_first): CANMAT 2023 para 184 re-evaluates the
  diagnosis and rules out medical contributors on poor response before the next step, and TMS is
  an escalation as an adjunct is (a depression kept going by hypothyroidism is treated by
  correcting it; bipolar depression is another pathway). Items the card reviews alongside
  escalation (substance use, a missing TSH) leave the referral recommended.
"""

from __future__ import annotations

from services import tables, unconfirmed_signal
from services.rules import diagnosis_review
from services.rules.context import RuleContext


def reason(ctx: RuleContext) -> str | None:
    """The line the TMS card says why its referral is not recommended, or None (nearly always)."""
    gaps = ctx.record.gaps
    if gaps and unconfirmed_signal.signal_gaps(gaps):
        return (
            "**Referral not marked recommended:** a PHQ-9 of unconfirmed subject would be a "
            "suicide-risk signal if it were this patient's (data-quality card): check whose it "
            "is and, if it is hers or his, assess suicide risk first."
        )
    before = diagnosis_review.settle_first(ctx)
    if before:
        named = "; ".join(i.short for i in before)
        display = tables.topic(diagnosis_review.TOPIC).display
        return (
            f"**Referral not marked recommended before the diagnosis review** ({named}; "
            f"{display} card): CANMAT 2023 para 184 re-evaluates the diagnosis and rules out "
            "medical contributors on poor response before the next step."
        )
    return None
