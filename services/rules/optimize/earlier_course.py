"""An earlier response to the same drug beside a running failed course (dose first: review s19
item 3; moved out of dose_first.py by orders43 to keep it under 400 lines).

An earlier response to the same drug (sertraline 100 mg/day, PHQ-9 16 -> 6 in 2025, restarted at
100 and failing now) is named (`earlier_line`): it is a reason to raise it before giving it up.
"""

from __future__ import annotations

from fhir_mapping.record import Trial
from services.rules.context import RuleContext
from services.rules.optimize import fixed_partner
from services.rules.optimize.wording import dose_text, drop_text


def course_lines(ctx: RuleContext, trial: Trial) -> tuple[str, ...]:
    """The lines a running failed course adds after the dose-first sections: an earlier response
    to the same drug (`earlier_line`), and why a course taken in one tablet with its adjunct gets
    no dose-first step (fixed_partner.held_line; review s22 RU finding 5)."""
    return tuple(
        line for line in (earlier_line(ctx, trial), fixed_partner.held_line(ctx, trial)) if line
    )


def earlier_response(ctx: RuleContext, trial: Trial) -> Trial | None:
    """The latest ended course of the same drug, before this one, that responded (a >= 50 % drop,
    CANMAT 2023 para 180) or remitted; None when there is none (nearly every chart)."""
    found = [
        t
        for t in ctx.record.trials
        if t.ingredient == trial.ingredient
        and not t.ongoing
        and t.end <= trial.start
        and (t.response or t.remission)
    ]
    return max(found, key=lambda t: t.end, default=None)


def earlier_line(ctx: RuleContext, trial: Trial) -> str:
    """ "**Earlier response to sertraline:** sertraline 100 mg/day 2025-01-06 – 2025-04-14:
    PHQ-9 16 (...) → 6 (...), -63 %, a response. ..." or "" without one."""
    before = earlier_response(ctx, trial)
    if before is None:
        return ""
    state = "remission" if before.remission else "a response"
    return (
        f"**Earlier response to {trial.ingredient}:** {dose_text(before)} "
        f"{before.start.isoformat()} – {before.end.isoformat()}: {drop_text(before)}, {state}. "
        "The same drug helped before: weigh a higher dose of it before giving it up."
    )
