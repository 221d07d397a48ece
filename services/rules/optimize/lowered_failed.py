"""A running failed course lowered, after adequate weeks at a higher dose, below it (review K47b
finding 3; orders43): the dose it already failed on is no new step.

Venlafaxine XR 150 mg/day filled monthly 2026-05-01 to 11-01, no response, counted among the "2
adequate trials failed"; lowered to 75 mg/day on 2026-11-20 and filled at 75. The dose-first
section read "raise venlafaxine 75 → 150 mg/day first (CANMAT para 187)", one click "Raise
venlafaxine to 150 mg/day": raising back to a dose the course already failed on (adequate weeks,
no response) is no dose optimisation (CANMAT 2023 para 187 is about higher doses than the one
that failed), and the lowering had a reason the record does not give (side effects, a level, an
interaction: the safer reading asks before undoing it). The raise is held as text (Room.hold,
room.py): the section names the dose already failed on with its dates and asks why it was
lowered; a raise ABOVE that dose stays named where the range here allows it (225 mg/day), never
one click (a jump of two labelled steps from the lowered dose, over a lowering whose reason is
unknown). An unfilled lowering (Trial.lower_unfilled) keeps its own words (lowered_dose.py).

The TMS card is not held on it (first_steps.py reads held rooms as no step before the referral):
the course failed at an adequate dose, which is what the referral's trial count reads; why it was
lowered decides only whether a raise past that dose is worth trying, beside the other options.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fhir_mapping.partial_response import partial_response
from fhir_mapping.record import Trial
from services.card_format import fmt_mg, fmt_weeks
from services.dose_units import per_day
from services.rules.optimize.wording import no_baseline_text

# The few words of the hold (Room.hold_short): the section reads the raise as held by it.
SHORT = "dose already failed"


@dataclass(frozen=True, slots=True)
class FailedAbove:
    """The highest dose of the course above the running one that it took for adequate weeks."""

    mg: float
    start: date  # first day at it or higher
    end: date  # last day at it or higher, before the lowering
    weeks: float


def failed_above(trial: Trial, now: float, min_weeks: float) -> FailedAbove | None:
    """The highest earlier dose above `now` (the running dose, the upper end of a range) that the
    course took for `min_weeks` or more (MappingPolicy.min_adequate_weeks, at or above its
    minimum adequate dose) before the running stretch, for a course judged failed; else None.
    The weeks are those at that dose or higher, the segments' lower end (the dose proven taken)."""
    minimum = trial.min_adequate_mg
    if not trial.failed or minimum is None or trial.lower_unfilled is not None:
        return None
    earlier = list(trial.segments)
    # The running stretch: the trailing segments at the running dose or lower.
    while earlier and (earlier[-1].mg_per_day is None or earlier[-1].mg_per_day <= now):
        earlier.pop()
    doses = sorted(
        {s.mg_per_day for s in earlier if s.mg_per_day is not None and s.mg_per_day >= minimum},
        reverse=True,
    )
    for mg in doses:
        if mg <= now:
            break
        at = [s for s in earlier if s.mg_per_day is not None and s.mg_per_day >= mg]
        days = sum((s.end - s.start).days for s in at)
        if days >= min_weeks * 7:
            return FailedAbove(mg, at[0].start, at[-1].end, days / 7)
    return None


def hold(trial: Trial, found: FailedAbove, now: float, top: float) -> str:
    """ "Venlafaxine 150 mg/day already failed (2026-05-01 – 2026-11-20, 29 weeks at it, no
    response) before it was lowered to 75 mg/day: check why it was lowered (...) before raising;
    a raise back to 150 mg/day is no new step. Above it the range here runs to 225 mg/day: ..." """
    unit = per_day(trial.ingredient)
    was, lowered = f"{fmt_mg(found.mg)} {unit}", f"{fmt_mg(now)} {unit}"
    outcome = "no response" if partial_response(trial) is None else "partial response only"
    if no_baseline_text(trial) is not None:
        # meds44 item 2: with no baseline PHQ-9 no response is measured; the failure rests on the
        # score on treatment not being remission (Trial.failed), and is said so.
        outcome = f"not in remission, no baseline {trial.outcome_scale}: response not measurable"
    above = (
        f" Above it the range here runs to {fmt_mg(top)} {unit}: a raise past {was}, once the "
        "reason is known and if tolerated, is the dose step left."
        if top > found.mg
        else f" No dose above {was} is left in the range here."
    )
    return (
        f"{trial.ingredient.capitalize()} {was} already failed ({found.start.isoformat()} – "
        f"{found.end.isoformat()}, {fmt_weeks(found.weeks)} weeks at it or higher, {outcome}) "
        f"before it was lowered to {lowered}: check why it was lowered (ask the patient, the "
        f"prescriber, the pharmacy) before any raise; a raise back to {was} is no new step.{above}"
        " Not offered as a ready-to-accept order."
    )


def summary_act(trial: Trial, now: float, min_weeks: float) -> str:
    """ "venlafaxine 150 mg/day already failed, lowered to 75: check why before any raise"."""
    found = failed_above(trial, now, min_weeks)
    was = "a higher dose" if found is None else f"{fmt_mg(found.mg)} {per_day(trial.ingredient)}"
    return (
        f"{trial.ingredient} {was} already failed, lowered to {fmt_mg(now)}: check why before "
        "any raise"
    )
