"""The TMS referral held on a dose the optimise card settles first (optimize/first_steps.raise_first;
split out of rules/tms_referral_held.py, which lists it among its holds, at 400 lines: opt63).

A lithium level below its target whose raise another card rules against (lithium at eGFR 25,
below the label's 30 mL/min: the renal card's "not recommended"; optimize/ruled_against.py) read
here "raise lithium to its target level first, then consider TMS referral" beside the optimise
card's "review lithium, no raise" (opt63 finding 1). The referral is still held (the augmentation
question is open: lithium continues, is replaced, or stops), but on the review, never the raise.
"""

from __future__ import annotations

from services import cards
from services.rules.context import RuleContext
from services.rules.optimize.first_steps import raise_first
from services.rules.tms_held import NOT_RECOMMENDED as _NOT_RECOMMENDED
from services.rules.tms_held import Held

_RULED = (
    "the optimise card proposes no raise of a drug another card rules against (it asks whether "
    "it continues, or a switch); CANMAT 2023 paras 185-187 settle the running treatment before "
    "the next step."
)


def dose(ctx: RuleContext) -> Held | None:
    """The first course the optimise card settles before the next step, as the hold says it;
    None when none is."""
    found = raise_first(ctx)
    if not found:
        return None
    first = found[0]
    name = first.trial.ingredient
    if not first.raises and first.trial.lower_unfilled is not None:
        # orders41: the optimise card asks which dose is taken over an unfilled lowering.
        return Held(
            first.step,
            f"{_NOT_RECOMMENDED} while the {name} dose is confirmed first:** a lowering is "
            "ordered with no fill at it yet (optimise card); CANMAT 2023 paras 185-187 put dose "
            "optimisation before the next step.",
        )
    if first.ruled:  # opt63 finding 1: below its target, but another card rules against it
        return Held(
            first.step,
            f"{_NOT_RECOMMENDED} while {name} is reviewed first:** {first.ruled}: {_RULED}",
        )
    if not first.raises:
        # A level drawn too early, or not today's: the optimise card asks for the level first
        # and raises nothing on it (review s26 RN finding 1: "raise lithium to its target level
        # first" beside "repeat the level 5-7 days after it").
        return Held(
            first.step,
            f"{_NOT_RECOMMENDED} while the {name} level is settled first:** the optimise card "
            f"does not judge {name} on the level on record ({first.step} first); CANMAT 2023 "
            "paras 185-187 put dose optimisation before the next step.",
        )
    return Held(
        first.step,
        f"{_NOT_RECOMMENDED} while a dose is raised first:** the optimise card raises "
        f"{cards.names([f.trial for f in found])} first (CANMAT 2023 paras 185-187: dose "
        "optimisation before the next step).",
        raises=name,
    )
