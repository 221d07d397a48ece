"""A responding course still improving: the raise toward remission waits (review s24 RJ
finding 3).

Journey B of the review, week 6: sertraline 50 mg then 100 mg from week 2, PHQ-9 20 -> 6 (-70 %),
and the optimise card said "Sertraline responding (PHQ-9 20 -> 6), not in remission: optimise
sertraline within 50-200 mg/day". A psychiatrist keeps a dose that is still working and rescores:
remission often comes with time on the same dose (CANMAT 2023 para 191 judges response and
remission at 8-12 weeks; ../shared/clinical/REFERENCE.md 1.7), and it did here (PHQ-9 4 at week
12, no change). A raise now adds side effects and a second change to judge for no shown need.

So the "optimise toward remission" raise (CANMAT 2023 para 187) waits until the course has run
policy.optimise_responder_after_weeks (8) at its present dose, or until its last two PHQ-9s
(from its start on) stop improving: a plateau short of remission is what a raise is for. Safer
for the patient: holding a working dose for a few more weeks risks a little time; raising a dose
that is still working risks side effects and a confounded reading. A course that is not
improving is never held here (its last two scores say so), and nothing else of the card waits.
"""

from __future__ import annotations

from datetime import date, timedelta

from fhir_mapping.record import Trial
from services.rules.context import RuleContext
from services.trial_dates import dose_began


def raise_from(ctx: RuleContext, trial: Trial) -> date | None:
    """The day a raise toward remission is considered for the responding `trial` (its present
    dose `optimise_responder_after_weeks` old) while its scores still improve; None when it is
    considered now (that long at the dose, or the last two PHQ-9s no longer improving)."""
    began = dose_began(trial) or trial.start
    ready = began + timedelta(days=round(ctx.policy.optimise_responder_after_weeks * 7))
    if ctx.record.as_of >= ready:
        return None
    scores = [
        s
        for s in ctx.record.phq9()
        if s.value is not None and trial.start <= s.date <= ctx.record.as_of
    ]
    if len(scores) < 2:
        return ready  # one score: nothing says the improvement has stopped
    before, last = scores[-2].value, scores[-1].value
    assert before is not None and last is not None
    return ready if last < before else None


def waiting_line(trial: Trial, ready: date) -> str:
    """What the card says of a raise that waits (`raise_from`)."""
    return (
        f"**Still improving:** keep {trial.ingredient} at this dose and repeat the PHQ-9; a raise "
        f"toward remission (CANMAT 2023 para 187) is considered from {ready.isoformat()}, or "
        "sooner if the scores stop improving (remission is judged at 8-12 weeks: CANMAT 2023 "
        "para 191)."
    )
