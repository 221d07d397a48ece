"""Response or remission on a drug, then the PHQ-9 back up while it is still taken (review s23 RC
finding 1, chart s08: sertraline 150 mg, PHQ-9 21 -> 6 -> 5, then 18 and 19 on it).

The outcome score of a course is its latest on the drug (score_windows.on_treatment_score), so
such a course read "no response (PHQ-9 21 -> 19)" and counted as a failed adequate trial toward
TMS: the response was erased. A course that brought response or remission did not fail for lack
of response; losing it later on the same drug is a relapse on treatment, which Medicare LCD
L37086 keeps apart from an "inadequate response" (its retreatment rule is for prior responders
who relapsed: ../shared/clinical/REFERENCE.md, payer table), and REFERENCE.md 1 judges a trial by
its response. Whether such a course should count toward treatment resistance is the clinician's
to judge (adherence, stressors, tachyphylaxis): the course is not counted as failed (Trial.failed)
and every card names it "response then relapse on it", the safer reading before a TMS referral
or a payer packet rests on it. The latest score stays the course's outcome score, so the cards
that act on how the patient is now (the dose step, measurement-based care) still see it.

`improved` is the one reading of "response or remission" the score windows share.
"""

from __future__ import annotations

from collections.abc import Iterable

from fhir_mapping.item9_floor import PHQ9
from fhir_mapping.record import RESPONSE_FRACTION, Score, Trial


def improved(score: Score, baseline: Score | None, remission_below: int) -> bool:
    """Remission (below the cut-off) or response (>= 50 % below the baseline), as Trial's
    `remission` and `response` read them. `remission_below` is the cut-off of the score's own
    scale (the PHQ-9's, or scale_outcomes.remission_below for another)."""
    value = score.value
    if value is None:
        return False
    if value < remission_below:
        return True
    if baseline is None or not baseline.value:
        return False
    return value <= baseline.value * RESPONSE_FRACTION


def response_before_relapse(
    trial: Trial,
    on_drug: Iterable[Score],
    baseline: Score | None,
    outcome: Score | None,
    held_scores: int,
) -> Score | None:
    """The latest PHQ-9 of `on_drug` (the course's scores from its on-treatment window's first
    day, oldest first) before `outcome` that showed response or remission held on `held_scores`
    consecutive PHQ-9s (MappingPolicy.relapse_held_scores: one low total between higher
    ones is no response), when `outcome`, taken on the drug too, shows neither; else None. Not when a supply gap or a hold falls between
    them: a rise after it came off the drug (adherence.response_before_gap and
    verdict_before_gap.py read that), not on it."""
    below = trial.remission_below
    if (
        outcome is None
        or outcome.instrument != PHQ9
        or outcome.value is None
        or outcome.date > (trial.supply_ran_out or trial.end)
        or improved(outcome, baseline, below)
    ):
        return None
    found = None
    run: list[Score] = []
    for score in on_drug:
        if score.date >= outcome.date:
            break
        if improved(score, baseline, below):
            run.append(score)
            if len(run) >= held_scores:
                found = score
        else:
            run = []
    if found is None:
        return None
    gaps = trial.adherence.off_drug
    if any(gap.start <= outcome.date and found.date < gap.end for gap in gaps):
        return None
    return found


def relapse_text(trial: Trial) -> str | None:
    """ "response then relapse on it (PHQ-9 21 → 5 → 19)" (remission, when the low was one) for a
    course with `Trial.relapsed_from`; None for every other course."""
    low, before, after = trial.relapsed_from, trial.baseline, trial.on_treatment
    if low is None or after is None:
        return None
    what = "remission" if (low.value or 0) < trial.remission_below else "response"
    start = f"{before.value} → " if before is not None else ""
    return f"{what} then relapse on it ({after.instrument} {start}{low.value} → {after.value})"
