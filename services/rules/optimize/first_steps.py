"""What the optimise card does first, before any switch, adjunct or TMS referral: a dose to raise
(review s24 RN finding 1, "optimise first").

The optimise card leads with raising a course when one is below its range (an antidepressant
below its adequate dose: courses.subtherapeutic; an adjunct below its dose or, lithium, below its
target level: courses.below_range_adjuncts) or when a failed antidepressant still has room to the
top of its range (dose_first.leading). The TMS card beside it offered the referral as the next
step ("raise bupropion from 300 toward 450 mg/day first" next to "consider TMS referral"): two
next steps. Here the optimise card's own predicates, read for the TMS card's hold
(rules/tms_referral_held.py), so the two cards cannot disagree on what comes first.
"""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mapping.record import Trial
from services.rules import adjunct_harm
from services.rules.context import RuleContext
from services.rules.optimize import as_needed, dose_first, ruled_against
from services.rules.optimize.adjunct_level import (
    LevelStep,
    first_words,
    level_step,
    reading,
    settled,
)
from services.rules.optimize.courses import (
    below_range_adjuncts,
    current_trials,
    subtherapeutic,
    unmeasured,
)
from services.rules.optimize.tapered_and_prn import tapering


@dataclass(frozen=True, slots=True)
class RaiseFirst:
    """A course the optimise card settles before the next step: `step`, what it does first, as
    another card says it before its own "first, then" ("raise sertraline"; for a course dosed by
    its level, adjunct_level.first_words: "raise lithium to its target level", or "repeat the
    lithium level" where the level was drawn too early after a change: review s26 RN finding 1);
    `raises`, whether that step raises the dose (a level to draw first raises nothing yet)."""

    trial: Trial
    step: str
    raises: bool = True
    # A level below the target whose raise another card rules against (lithium at eGFR 25):
    # what rules against it (ruled_against.short: "not recommended at eGFR 25 on 2026-11-01"),
    # the step then the review, never the raise (opt63 finding 1); "" otherwise.
    ruled: str = ""


def _settled(ctx: RuleContext, trial: Trial) -> RaiseFirst | None:
    """The first step of a course below its range: raised, or, dosed by its level, the step its
    level reading leads the optimise card with (adjunct_level.level_step). None for a course
    dosed by its level whose current level is in its target (adjunct_level.settled): it has
    had a fair dose whatever its mg/day, the optimise card says "adjust by level or change
    strategy", and nothing is pending before the next step (review K30c finding 1: lithium
    300 mg/day at 0.6 mmol/L held the TMS referral on "check the lithium level and eGFR")."""
    found = reading(ctx, trial)
    if found is None:
        return RaiseFirst(trial, f"raise {trial.ingredient}")
    if settled(found):
        return None
    raises = level_step(found) is LevelStep.RAISE
    against = ruled_against.short(ctx, trial) if raises else None
    if against is not None:
        return RaiseFirst(trial, ruled_against.review_words(trial), raises=False, ruled=against)
    return RaiseFirst(trial, first_words(found), raises)


def _current(ctx: RuleContext) -> tuple[Trial, ...]:
    # As the optimise card reads them (optimize_switch_augment._rule): an adjunct with an
    # adverse effect on record is its own card's, never raised.
    harmed = adjunct_harm.harmed_ingredients(ctx)
    return tuple([t for t in current_trials(ctx) if t.ingredient not in harmed])


def raise_first(ctx: RuleContext) -> tuple[RaiseFirst, ...]:
    """The courses the optimise card raises first, in the order its summary names them; () for
    nearly every chart."""
    current = _current(ctx)
    low = subtherapeutic(ctx)
    weak = below_range_adjuncts(ctx, current)
    settle = [s for s in (_settled(ctx, t) for t in weak) if s is not None]
    if low or settle:
        return tuple([RaiseFirst(t, f"raise {t.ingredient}") for t in low] + settle)
    before = as_needed.as_needed_courses(ctx, current, low) or unmeasured(ctx, current)
    rooms = dose_first.leading(ctx, current, tapering(ctx), after=bool(before))
    # A raise the card holds as text (Room.hold: a label limit, a reaction) is not what its
    # summary leads with, so not a step before the referral either.
    # orders41: over a lowering no fill shows taken the card asks for the dose taken, no raise.
    return tuple(
        [
            RaiseFirst(r.trial, f"raise {r.trial.ingredient}")
            if r.trial.lower_unfilled is None
            else RaiseFirst(r.trial, f"confirm the {r.trial.ingredient} dose taken", False)
            for r in rooms
            if r.hold is None
        ]
    )
