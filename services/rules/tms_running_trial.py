"""A course still running short of a fair test, named on the TMS card (review K30c finding 2).

Venlafaxine stopped and bupropion 300 mg/day started three weeks before: the optimise card stays
quiet while a current trial has not run long enough to be judged (optimize_switch_augment:
no switch or adjunct on a course before its fair test), and the TMS card, the only card left,
offered the referral without naming the trial running. A psychiatrist deciding on TMS needs to
know a third antidepressant is under way and when it can be judged: >= 6 weeks at an adequate
dose (REFERENCE.md 0 item 2, policy mapping.min_adequate_weeks). The line informs; it does not
hold the referral (two adequate trials have failed, and the referral is an evaluation).

A course below its adequate dose (bupropion 75 mg/day, range 150-450) is said so: its 6 weeks
count from an adequate dose, not from its start (recheck K31b finding 5).
"""

from __future__ import annotations

from fhir_mapping.record import Role, Trial
from services.card_format import plural, weeks_text
from services.dose_units import per_day
from services.rules.context import RuleContext
from services.rules.optimize.courses import not_yet_judged
from services.rules.optimize.tapered_and_prn import tapering
from services.rules.optimize.wording import dose_since_text, range_label
from services.trial_dates import weeks_at_present_dose


def _below(trial: Trial) -> bool:
    """The running dose is below the course's adequate dose (its range's minimum)."""
    low, upper = trial.min_adequate_mg, trial.current_mg_per_day_upper
    return low is not None and upper is not None and upper < low


def _course(ctx: RuleContext, trial: Trial) -> str:
    """ "bupropion 300 mg/day since 2026-11-08 (3 weeks)"; below its adequate dose, with
    ", below its adequate dose (150-450 mg/day)"."""
    said = f"{dose_since_text(trial)} ({plural(weeks_at_present_dose(trial)[0], 'week')})"
    if not _below(trial):
        return said
    label = range_label(ctx, trial)
    unit = "" if per_day(trial.ingredient) in label else f" {per_day(trial.ingredient)}"
    return f"{said}, below its adequate dose ({label}{unit})"


def running_line(ctx: RuleContext) -> str:
    """ "**Trial running, not judged yet:** bupropion 300 mg/day since 2026-11-08 (3 weeks):
    judge it once 6 weeks at an adequate dose are reached (...)", or "" with none."""
    tapered = tapering(ctx)
    # Antidepressant courses only: an adjunct (esketamine sessions, lithium) is no trial the
    # referral counts, and the TMS card names a running esketamine course itself.
    waiting = [t for t in not_yet_judged(ctx) if t.role is Role.ANTIDEPRESSANT and t not in tapered]
    if not waiting:
        return ""
    needed = weeks_text(ctx.policy.mapping.min_adequate_weeks)
    said = "; ".join(_course(ctx, t) for t in waiting)
    them = "it" if len(waiting) == 1 else "each"
    judge = f"judge {them} once {needed} at an adequate dose are reached"
    if any(_below(t) for t in waiting):
        # The weeks count from an adequate dose, not from the start of a dose below it.
        judge = f"the {needed} count from an adequate dose: judge {them} once they are reached"
    return (
        f"**Trial running, not judged yet:** {said}: {judge} (this service's adequate trial); "
        "the optimise card proposes no switch or adjunct before then."
    )
